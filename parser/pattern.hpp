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
struct block_class;
using tuple_type = x3::rule<tuple_class, ast::Tuple>;
using patterns_type = x3::rule<patterns_class, std::vector<ast::Pattern>>;
// A tuple or a { patterns [where condition] } group: what optional, not, or and exists take.
using block_type = x3::rule<block_class, ast::Pattern>;
BOOST_SPIRIT_DECLARE(tuple_type, patterns_type, block_type)
} // namespace grammar

grammar::tuple_type const& tuple();
grammar::patterns_type const& patterns();
grammar::block_type const& block();

} // namespace quarry::parser
