#pragma once

// The pattern grammar of `match`: tuples, property paths, optional / not / or, { } blocks.

#include "parser/ast.hpp"

#include <boost/spirit/home/x3.hpp>

#include <vector>

namespace quarry::parser {
namespace grammar {
namespace x3 = boost::spirit::x3;
struct tuple_class;
struct patterns_class;
using tuple_type = x3::rule<tuple_class, ast::Tuple>;
using patterns_type = x3::rule<patterns_class, std::vector<ast::Pattern>>;
BOOST_SPIRIT_DECLARE(tuple_type, patterns_type)
} // namespace grammar

grammar::tuple_type const& tuple();
grammar::patterns_type const& patterns();

} // namespace quarry::parser
