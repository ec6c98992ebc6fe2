#pragma once

// The statement grammar (SPEC §2): the top rule of one statement, without its ';'.

#include "parser/ast.hpp"

#include <boost/spirit/home/x3.hpp>

namespace quarry::parser {
namespace grammar {
namespace x3 = boost::spirit::x3;
struct statement_class;
using statement_type = x3::rule<statement_class, ast::Statement>;
BOOST_SPIRIT_DECLARE(statement_type)
} // namespace grammar

grammar::statement_type const& statement();

} // namespace quarry::parser
