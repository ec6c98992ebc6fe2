#pragma once

// The condition grammar of `where`, `return` and `order by` (SPEC §2, "Conditions").

#include "parser/ast.hpp"

#include <boost/spirit/home/x3.hpp>

namespace quarry::parser {
namespace grammar {
namespace x3 = boost::spirit::x3;
struct condition_class;
using condition_type = x3::rule<condition_class, ast::Expr>;
BOOST_SPIRIT_DECLARE(condition_type)
} // namespace grammar

grammar::condition_type const& condition();

} // namespace quarry::parser
