#pragma once

// Semantic actions shared by the grammar translation units.

#include "parser/ast.hpp"

#include <boost/spirit/home/x3.hpp>

#include <utility>

namespace quarry::parser::grammar {

namespace x3 = boost::spirit::x3;

// _val = _attr
inline constexpr auto set_val = [](auto& ctx) { x3::_val(ctx) = std::move(x3::_attr(ctx)); };

// _val = Expr{op, {_val, _attr}}: folds a left-associative chain.
inline auto binary(ast::ExprOp op) {
    return [op](auto& ctx) {
        ast::Expr node;
        node.op = op;
        node.args.push_back(std::move(x3::_val(ctx)));
        node.args.push_back(std::move(x3::_attr(ctx)));
        x3::_val(ctx) = std::move(node);
    };
}

} // namespace quarry::parser::grammar
