#pragma once

// Precedence, highest first: prefix `not` and `-`; `*` `/`; `+` `-`; comparisons and
// `in` [list] or (subquery) (not associative); `and`; `or`. Binary operators associate to the left.

#include "parser/ast.hpp"
#include "parser/ast_adapted.hpp"
#include "parser/error_handler.hpp"
#include "parser/expression.hpp"
#include "parser/grammar_actions.hpp"
#include "parser/pattern.hpp"
#include "parser/primitives.hpp"
#include "parser/statement.hpp"

#include <boost/fusion/include/at_c.hpp>
#include <boost/spirit/home/x3.hpp>

#include <cctype>

namespace quarry::parser::grammar {

using ast::Expr;
using ast::ExprOp;

struct condition_class {};
struct conjunction_class {};
struct comparison_class {};
struct sum_class {};
struct product_class {};
struct unary_class {};
struct primary_class {};
struct call_class {};
struct value_class {};

condition_type const condition = "a condition";
x3::rule<conjunction_class, Expr> const conjunction = "a condition";
x3::rule<comparison_class, Expr> const comparison = "a condition";
x3::rule<sum_class, Expr> const sum = "a value";
x3::rule<product_class, Expr> const product = "a value";
x3::rule<unary_class, Expr> const unary = "a value";
x3::rule<class unary_parts_class, UnaryParts> const unary_parts = "a value";
x3::rule<class prefix_ops_class, std::string> const prefix_ops = "'not' or '-'";
x3::rule<primary_class, Expr> const primary = "a value";
x3::rule<call_class, Expr> const call = "a function call";
x3::rule<class exists_class, Expr> const exists = "exists";
x3::rule<value_class, Expr> const value = "a value";
x3::rule<class list_class, std::vector<Expr>> const list = "a list such as [a, b]";
x3::rule<class subquery_class, ast::Query> const subquery =
    "a subquery (match …)";
x3::rule<class close_paren_class> const close_paren = "')'";
x3::rule<class close_bracket_class> const close_bracket = "',' or ']'";
x3::rule<class call_end_class> const call_end = "',' or ')'";

auto const in_list = [](ExprOp op) {
    return [op](auto& ctx) {
        Expr node;
        node.op = op;
        node.args.push_back(std::move(x3::_val(ctx)));
        for (Expr& element : x3::_attr(ctx))
            node.args.push_back(std::move(element));
        x3::_val(ctx) = std::move(node);
    };
};

auto const in_query = [](ExprOp op) {
    return [op](auto& ctx) {
        Expr node;
        node.op = op;
        node.args.push_back(std::move(x3::_val(ctx)));
        node.subquery.push_back(std::move(x3::_attr(ctx)));
        x3::_val(ctx) = std::move(node);
    };
};

auto const scalar_query = [](auto& ctx) {
    Expr node;
    node.op = ExprOp::SUBQUERY;
    node.subquery.push_back(std::move(x3::_attr(ctx)));
    x3::_val(ctx) = std::move(node);
};

// The operator nearest the operand applies first.
auto const apply_prefix = [](auto& ctx) {
    UnaryParts& parts = x3::_attr(ctx);
    const std::string& ops = parts.operators;
    check_chain(ctx, ops.size());
    Expr expr = std::move(parts.operand);
    for (auto op = ops.rbegin(); op != ops.rend(); ++op) {
        Expr wrapped;
        wrapped.op = *op == '!' ? ExprOp::NOT : ExprOp::NEGATE;
        wrapped.args.push_back(std::move(expr));
        expr = std::move(wrapped);
    }
    x3::_val(ctx) = std::move(expr);
};

auto const start_call = [](auto& ctx) {
    std::string name = std::move(x3::_attr(ctx));
    for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    Expr& node = x3::_val(ctx);
    node = Expr{};
    const bool aggregate =
        name == "count" || name == "sum" || name == "avg" || name == "min" || name == "max";
    node.op = aggregate ? ExprOp::AGGREGATE : ExprOp::CALL;
    node.function = std::move(name);
};
auto const set_star = [](auto& ctx) { x3::_val(ctx).star = true; };
auto const set_distinct = [](auto& ctx) { x3::_val(ctx).distinct = true; };
auto const push_arg = [](auto& ctx) { x3::_val(ctx).args.push_back(std::move(x3::_attr(ctx))); };
auto const push_element = [](auto& ctx) { x3::_val(ctx).push_back(std::move(x3::_attr(ctx))); };
auto const exists_block = [](auto& ctx) {
    Expr node;
    node.op = ExprOp::EXISTS;
    node.block.push_back(std::move(x3::_attr(ctx)));
    x3::_val(ctx) = std::move(node);
};
auto const term_expr = [](auto& ctx) {
    Expr node;
    node.op = ExprOp::TERM;
    node.term = std::move(x3::_attr(ctx));
    x3::_val(ctx) = std::move(node);
};

// A '-' that negates: not the sign of a number literal ("-3" is a literal).
auto const negation_sign = x3::lexeme[x3::lit('-') >> !x3::digit];
auto const value_term = term_parser(TermContext::EXPR, "a value");
auto const function_name = identifier_parser("a function name");

auto const condition_def = annotated[conjunction[set_val] >> *(kw("or") > conjunction[binary(ExprOp::OR)])];
auto const conjunction_def = annotated[comparison[set_val] >> *(kw("and") > comparison[binary(ExprOp::AND)])];
auto const comparison_def =
    sum[set_val] >> -((x3::lit("!=") > sum[binary(ExprOp::NE)]) |
                      (x3::lit("<=") > sum[binary(ExprOp::LE)]) |
                      (x3::lit(">=") > sum[binary(ExprOp::GE)]) |
                      (x3::lit('=') > sum[binary(ExprOp::EQ)]) |
                      (x3::lit('<') > sum[binary(ExprOp::LT)]) |
                      (x3::lit('>') > sum[binary(ExprOp::GT)]) |
                      (kw("in") > (list[in_list(ExprOp::IN)] | subquery[in_query(ExprOp::IN_QUERY)])) |
                      ((kw("not") >> kw("in")) >
                       (list[in_list(ExprOp::NOT_IN)] | subquery[in_query(ExprOp::NOT_IN_QUERY)])));
auto const sum_def = annotated[product[set_val] >> *((x3::lit('+') > product[binary(ExprOp::ADD)]) |
                                           (x3::lit('-') > product[binary(ExprOp::SUBTRACT)]))];
auto const product_def = annotated[unary[set_val] >> *((x3::lit('*') > unary[binary(ExprOp::MULTIPLY)]) |
                                             (x3::lit('/') > unary[binary(ExprOp::DIVIDE)]))];
// After a prefix operator a value must follow: the error points past the operator.
auto const unary_parts_def = (prefix_ops > primary) | (x3::attr(std::string()) >> primary);
auto const unary_def = annotated[unary_parts[apply_prefix]];
auto const prefix_ops_def = +((kw("not") >> x3::attr('!')) | (negation_sign >> x3::attr('-')));
// `exists` before calls: `exists (a, b, c)` is a block, not a function of three arguments.
// A subquery before a parenthesised condition: both open with '(', a subquery then `match`.
auto const primary_def = annotated[subquery[scalar_query] | (x3::lit('(') > condition[set_val] > close_paren) |
                         exists[set_val] | call[set_val] | value[set_val]];
auto const exists_def = annotated[kw("exists") > block()[exists_block]];
auto const call_def = annotated[(function_name[start_call] >> x3::lit('(')) >
                      ((x3::lit('*')[set_star] > close_paren) |
                       (kw("distinct")[set_distinct] > condition[push_arg] > close_paren) |
                       ((condition[push_arg] >> *(x3::lit(',') > condition[push_arg])) > call_end) |
                       close_paren)];
auto const value_def = annotated[value_term[term_expr]];
auto const list_def = x3::lit('[') >
                      -(condition[push_element] >> *(x3::lit(',') > condition[push_element])) >
                      close_bracket;
// The subquery's own rule lives in the statement grammar (its `match` body).
auto const subquery_def = (x3::lit('(') >> kw("match")) > query()[set_val] > close_paren;
auto const close_paren_def = x3::lit(')');
auto const close_bracket_def = x3::lit(']');
auto const call_end_def = x3::lit(')');

BOOST_SPIRIT_DEFINE(condition, conjunction, comparison, sum, product, unary, unary_parts, prefix_ops, primary,
                    exists, call, value, list, subquery, close_paren, close_bracket, call_end)

} // namespace quarry::parser::grammar
