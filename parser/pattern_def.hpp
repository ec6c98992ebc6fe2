#pragma once

// Paths, highest precedence first: postfix + * ? {m,n}; prefix ^ (applies to the element with
// its postfix: ^p+ is ^(p+)); sequence /; alternative |. Parentheses group.

#include "parser/ast.hpp"
#include "parser/ast_adapted.hpp"
#include "parser/error_handler.hpp"
#include "parser/expression.hpp"
#include "parser/grammar_actions.hpp"
#include "parser/pattern.hpp"
#include "parser/primitives.hpp"

#include <boost/fusion/include/at_c.hpp>
#include <boost/spirit/home/x3.hpp>

namespace quarry::parser::grammar {

using ast::Path;
using ast::PathOp;
using ast::Pattern;
using ast::PatternKind;

struct tuple_class : x3::annotate_on_success {};
struct patterns_class {};
struct pattern_class {};
struct block_class {};
struct group_class {};
struct path_class {};
struct path_sequence_class {};
struct path_element_class {};
struct path_primary_class {};

tuple_type const tuple = "a tuple such as (Khaji, met, Syrian delegation)";
patterns_type const patterns = "a pattern";
x3::rule<pattern_class, Pattern> const pattern = "a pattern";
x3::rule<class blocks_class, std::vector<Pattern>> const blocks = "a pattern";
block_type const block = "a tuple or a { … } block";
x3::rule<group_class, Pattern> const group = "a { … } block";
x3::rule<class group_end_class> const group_end = "',', 'where' or '}'";
x3::rule<class close_brace_class> const close_brace = "'}'";
x3::rule<class tuple_end_class, std::optional<ast::Term>> const tuple_end = "',' or ')'";
x3::rule<class context_end_class> const context_end = "')'";
x3::rule<path_class, Path> const path = "a predicate";
x3::rule<class alternatives_class, std::vector<Path>> const alternatives = "a predicate";
x3::rule<path_sequence_class, Path> const path_sequence = "a predicate";
x3::rule<class steps_class, std::vector<Path>> const steps = "a predicate";
x3::rule<path_element_class, Path> const path_element = "a predicate";
x3::rule<class path_element_parts_class, PathElementParts> const path_element_parts = "a predicate";
x3::rule<path_primary_class, Path> const path_primary = "a predicate";
x3::rule<class path_close_class> const path_close = "')'";

auto const subject_term = term_parser(TermContext::TUPLE, "a subject");
auto const object_term = term_parser(TermContext::TUPLE, "an object");
auto const context_term =
    term_parser(TermContext::CONTEXT, "a context (a name, IRI, variable or default)");
auto const predicate_term = term_parser(TermContext::PATH, "a predicate");

// A list of one becomes its element; of more, an `op` node over them.
auto const make_path = [](PathOp op) {
    return [op](auto& ctx) {
        auto& items = x3::_attr(ctx);
        if (items.size() == 1) {
            x3::_val(ctx) = std::move(items.front());
            return;
        }
        Path node;
        node.op = op;
        node.children = std::move(items);
        x3::_val(ctx) = std::move(node);
    };
};

auto const make_element = [](auto& ctx) {
    PathElementParts& parts = x3::_attr(ctx);
    check_chain(ctx, parts.inverses.size() + parts.modifiers.size());
    Path path = std::move(parts.primary);
    auto wrap = [&](PathOp op) {
        Path node;
        node.op = op;
        node.children.push_back(std::move(path));
        path = std::move(node);
    };
    for (const PathModifier& modifier : parts.modifiers) {
        wrap(modifier.kind == '+'   ? PathOp::ONE_OR_MORE
             : modifier.kind == '*' ? PathOp::ZERO_OR_MORE
             : modifier.kind == '?' ? PathOp::ZERO_OR_ONE
                                    : PathOp::REPEAT);
        path.min = modifier.min;
        path.max = modifier.max;
    }
    for (std::size_t i = 0; i < parts.inverses.size(); ++i)
        wrap(PathOp::INVERSE);
    x3::_val(ctx) = std::move(path);
};

auto const term_path = [](auto& ctx) {
    Path node;
    node.op = PathOp::TERM;
    node.term = std::move(x3::_attr(ctx));
    x3::_val(ctx) = std::move(node);
};

auto const tuple_pattern = [](auto& ctx) {
    Pattern node;
    node.kind = PatternKind::TUPLE;
    node.tuple = std::move(x3::_attr(ctx));
    x3::_val(ctx) = std::move(node);
};

auto const wrap_block = [](PatternKind kind) {
    return [kind](auto& ctx) {
        Pattern node;
        node.kind = kind;
        node.patterns.push_back(std::move(x3::_attr(ctx)));
        x3::_val(ctx) = std::move(node);
    };
};

auto const make_union = [](auto& ctx) {
    auto& items = x3::_attr(ctx);
    if (items.size() == 1) {
        x3::_val(ctx) = std::move(items.front());
        return;
    }
    Pattern node;
    node.kind = PatternKind::UNION;
    node.patterns = std::move(items);
    x3::_val(ctx) = std::move(node);
};

auto const start_group = [](auto& ctx) {
    Pattern node;
    node.kind = PatternKind::GROUP;
    node.patterns = std::move(x3::_attr(ctx));
    x3::_val(ctx) = std::move(node);
};
auto const group_where = [](auto& ctx) { x3::_val(ctx).where = std::move(x3::_attr(ctx)); };

auto const tuple_def = x3::lit('(') > subject_term > ',' > path > ',' > object_term > tuple_end;
auto const tuple_end_def = (x3::lit(',') > context_term > context_end) | x3::lit(')');
auto const context_end_def = x3::lit(')');

auto const path_def = annotated[alternatives[make_path(PathOp::ALTERNATIVE)]];
auto const alternatives_def = path_sequence >> *(x3::lit('|') > path_sequence);
auto const path_sequence_def = annotated[steps[make_path(PathOp::SEQUENCE)]];
auto const steps_def = path_element >> *(x3::lit('/') > path_element);
auto const path_modifier = path_modifier_parser();
// After a '^' a predicate must follow: the error points past the '^'.
auto const path_element_parts_def =
    (+x3::char_('^') > path_primary > *path_modifier) |
    (x3::attr(std::string()) >> path_primary >> *path_modifier);
auto const path_element_def = annotated[path_element_parts[make_element]];
auto const path_primary_def = annotated[(x3::lit('(') > path[set_val] > path_close) | predicate_term[term_path]];
auto const path_close_def = x3::lit(')');

auto const patterns_def = pattern >> *(x3::lit(',') > pattern);
auto const pattern_def = annotated[(kw("optional") > block[wrap_block(PatternKind::OPTIONAL)]) |
                         (kw("not") > block[wrap_block(PatternKind::NOT)]) |
                         blocks[make_union]];
auto const blocks_def = block >> *(kw("or") > block);
auto const block_def = annotated[tuple[tuple_pattern] | group[set_val]];
auto const group_def = annotated[x3::lit('{') > patterns[start_group] >
                                 described("',', 'where' or '}'")[
                                     (kw("where") > condition()[group_where] > close_brace) |
                                     group_end]];
auto const group_end_def = x3::lit('}');
auto const close_brace_def = x3::lit('}');

BOOST_SPIRIT_DEFINE(tuple, tuple_end, context_end, path, alternatives, path_sequence, steps,
                    path_element, path_element_parts, path_primary, path_close, patterns,
                    pattern, blocks, block, group, group_end, close_brace)

} // namespace quarry::parser::grammar
