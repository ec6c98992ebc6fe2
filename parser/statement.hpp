#pragma once

// The statement grammar (SPEC §2): the top rule of one statement, without its ';', and the
// body of a match, which a condition's subquery `in (match …)` uses too.

#include "parser/ast.hpp"

#include <boost/spirit/home/x3.hpp>

namespace quarry::parser {
namespace grammar {
namespace x3 = boost::spirit::x3;
struct statement_class;
struct query_class;
using statement_type = x3::rule<statement_class, ast::Statement>;
// The part of a match after `match`: patterns, where, return, … limit (also a subquery's).
using query_type = x3::rule<query_class, ast::Query>;
BOOST_SPIRIT_DECLARE(statement_type, query_type)
} // namespace grammar

grammar::statement_type const& statement();
grammar::query_type const& query();

} // namespace quarry::parser
