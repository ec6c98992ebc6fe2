#pragma once

// Semantic actions shared by the grammar translation units.

#include "parser/ast.hpp"
#include "parser/lexer.hpp"
#include "parser/limits.hpp"

#include <boost/spirit/home/x3.hpp>

#include <string>
#include <utility>

namespace quarry::parser::grammar {

namespace x3 = boost::spirit::x3;

// _val = _attr
inline constexpr auto set_val = [](auto& ctx) { x3::_val(ctx) = std::move(x3::_attr(ctx)); };

// Throws unless `count` operators in a row are within MAX_CHAIN; `where` is the
// action's match.
template <typename Context>
void check_chain(Context const& ctx, std::size_t count) {
    if (count > MAX_CHAIN)
        throw LexicalError(x3::_where(ctx).begin(),
                           "more than " + std::to_string(MAX_CHAIN) + " operators in a row");
}

// _val = Expr{op, {_val, _attr}}: folds a left-associative chain.
inline auto binary(ast::ExprOp op) {
    return [op](auto& ctx) {
        ast::Expr node;
        node.op = op;
        node.args.push_back(std::move(x3::_val(ctx)));
        node.args.push_back(std::move(x3::_attr(ctx)));
        std::size_t spine = 0;
        for (const ast::Expr* e = &node; !e->args.empty() && spine <= MAX_CHAIN; e = &e->args[0])
            ++spine;
        check_chain(ctx, spine);
        x3::_val(ctx) = std::move(node);
    };
}

} // namespace quarry::parser::grammar
