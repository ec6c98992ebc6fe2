#include "parser/validate.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <string_view>

namespace quarry::parser {

namespace {

struct Function {
    std::string_view name;
    std::size_t arity;
};

constexpr std::array<Function, 18> FUNCTIONS = {{
    {"contains", 2}, {"starts_with", 2}, {"ends_with", 2}, {"matches", 2},
    {"lower", 1},    {"upper", 1},       {"length", 1},    {"str", 1},
    {"lang", 1},     {"year", 1},        {"month", 1},     {"day", 1},
    {"bound", 1},    {"is_name", 1},     {"is_string", 1}, {"is_number", 1},
    {"is_date", 1},  {"is_iri", 1},
}};

// A problem found: the node to point at and the message. Thrown inside the walk only.
struct Problem {
    const ast::Node* node;
    std::string message;
};

[[noreturn]] void fail(const ast::Node& node, std::string message) {
    throw Problem{&node, std::move(message)};
}

template <typename Fn>
void for_each_term(const ast::Pattern& pattern, Fn&& fn);

// Calls `fn` for every term of a pattern, expression, query or tuple, in order.
template <typename Fn>
void for_each_term(const ast::Expr& expr, Fn&& fn) {
    if (expr.op == ast::ExprOp::TERM)
        fn(expr.term);
    for (const auto& arg : expr.args)
        for_each_term(arg, fn);
    for (const auto& pattern : expr.block)
        for_each_term(pattern, fn);
}

template <typename Fn>
void for_each_term(const ast::Path& path, Fn&& fn) {
    fn(path.term);
    for (const auto& child : path.children)
        for_each_term(child, fn);
}

template <typename Fn>
void for_each_term(const ast::Tuple& tuple, Fn&& fn) {
    fn(tuple.subject);
    for_each_term(tuple.predicate, fn);
    fn(tuple.object);
    if (tuple.context)
        fn(*tuple.context);
}

template <typename Fn>
void for_each_term(const ast::Pattern& pattern, Fn&& fn) {
    if (pattern.kind == ast::PatternKind::TUPLE)
        for_each_term(pattern.tuple, fn);
    for (const auto& child : pattern.patterns)
        for_each_term(child, fn);
    if (pattern.where)
        for_each_term(*pattern.where, fn);
}

template <typename Fn>
void for_each_term(const ast::Query& query, Fn&& fn) {
    for (const auto& pattern : query.patterns)
        for_each_term(pattern, fn);
    if (query.where)
        for_each_term(*query.where, fn);
    for (const auto& item : query.returns)
        for_each_term(item.expr, fn);
    for (const auto& key : query.order)
        for_each_term(key.expr, fn);
}

// The variables of a pattern's tuples (those a match binds).
void collect_variables(const ast::Pattern& pattern, std::set<std::string>& out) {
    if (pattern.kind == ast::PatternKind::TUPLE)
        for_each_term(pattern.tuple, [&](const ast::Term& term) {
            if (term.kind == ast::TermKind::VARIABLE)
                out.insert(term.text);
        });
    for (const auto& child : pattern.patterns)
        collect_variables(child, out);
}

// Parameters stand for values in a match only; add, remove, load and export take values.
void check_no_parameters(const ast::Statement& statement) {
    const auto check = [](const ast::Term& term) {
        if (term.kind == ast::TermKind::PARAMETER)
            fail(term, "$" + term.text + ": a parameter can stand only in a match statement");
    };
    for (const auto& tuple : statement.tuples)
        for_each_term(tuple, check);
    if (statement.query)
        for_each_term(*statement.query, check);
    if (statement.context)
        check(*statement.context);
}

void check_patterns(const std::vector<ast::Pattern>& patterns);

// `aggregates_allowed`: in return and order by, not in where; never inside an aggregate.
// `condition`: in a where condition (where `exists` may stand).
void check_expr(const ast::Expr& expr, bool aggregates_allowed, bool condition = false) {
    switch (expr.op) {
    case ast::ExprOp::TERM:
        if (expr.term.kind == ast::TermKind::WILDCARD)
            fail(expr, "a wildcard has no value: use a variable");
        if (expr.term.kind == ast::TermKind::DEFAULT_CONTEXT)
            fail(expr, "default names a context only in a tuple's fourth position");
        return;
    case ast::ExprOp::CALL: {
        const Function* found = nullptr;
        for (const Function& function : FUNCTIONS)
            if (function.name == expr.function)
                found = &function;
        if (!found)
            fail(expr, "unknown function '" + expr.function + "'");
        if (expr.args.size() != found->arity)
            fail(expr, expr.function + "() takes " + std::to_string(found->arity) +
                           (found->arity == 1 ? " argument" : " arguments"));
        if (expr.function == "bound" && expr.args[0].op != ast::ExprOp::TERM)
            fail(expr, "bound() takes a variable");
        if (expr.function == "bound" && expr.args[0].term.kind != ast::TermKind::VARIABLE)
            fail(expr, "bound() takes a variable");
        break;
    }
    case ast::ExprOp::AGGREGATE:
        if (!aggregates_allowed)
            fail(expr, expr.function + "() is an aggregate: it belongs in return or order by, "
                                       "not in where or inside another aggregate");
        if (expr.star && expr.function != "count")
            fail(expr, expr.function + "(*) is not allowed: only count(*)");
        if (!expr.star && expr.args.size() != 1)
            fail(expr, expr.function + "() takes one argument");
        for (const auto& arg : expr.args)
            check_expr(arg, false);
        return;
    case ast::ExprOp::EXISTS:
        if (!condition)
            fail(expr, "exists belongs in a where condition");
        check_patterns(expr.block);
        return;
    default:
        break;
    }
    for (const auto& arg : expr.args)
        check_expr(arg, aggregates_allowed, condition);
}

void check_path(const ast::Path& path, bool top) {
    if (path.op == ast::PathOp::TERM) {
        const auto kind = path.term.kind;
        if (!top && (kind == ast::TermKind::VARIABLE || kind == ast::TermKind::WILDCARD ||
                     kind == ast::TermKind::PARAMETER))
            fail(path, "a property path cannot contain a variable, wildcard or parameter");
        return;
    }
    for (const auto& child : path.children)
        check_path(child, false);
}

void check_patterns(const std::vector<ast::Pattern>& patterns) {
    for (const auto& pattern : patterns) {
        if (pattern.kind == ast::PatternKind::TUPLE)
            check_path(pattern.tuple.predicate, true);
        if (pattern.where)
            check_expr(*pattern.where, false, true);
        check_patterns(pattern.patterns);
    }
}

void check_template(const ast::Tuple& tuple, bool has_match, bool adding,
                    const std::set<std::string>& bound) {
    if (tuple.predicate.op != ast::PathOp::TERM)
        fail(tuple.predicate, std::string("a property path cannot be ") +
                                  (adding ? "added" : "removed") + "; use a plain predicate");
    for (const ast::Term* term : {&tuple.subject, &tuple.predicate.term, &tuple.object,
                                  tuple.context ? &*tuple.context : nullptr}) {
        if (!term)
            continue;
        if (term->kind == ast::TermKind::WILDCARD && adding)
            fail(*term, "a wildcard cannot be added: write the value");
        if (term->kind != ast::TermKind::VARIABLE)
            continue;
        if (adding && !has_match)
            fail(*term, "?" + term->text + " in add needs a match to bind it");
        if (has_match && !bound.count(term->text))
            fail(*term, "?" + term->text + " is not bound by the match");
    }
}

void check_statement(const ast::Statement& statement) {
    if (statement.kind != ast::StatementKind::MATCH)
        check_no_parameters(statement);
    const bool adding = statement.kind == ast::StatementKind::ADD;
    if (adding || statement.kind == ast::StatementKind::REMOVE) {
        std::set<std::string> bound;
        if (statement.query)
            for (const auto& pattern : statement.query->patterns)
                collect_variables(pattern, bound);
        for (const auto& tuple : statement.tuples)
            check_template(tuple, statement.query.has_value(), adding, bound);
    }
    if (!statement.query)
        return;
    const ast::Query& query = *statement.query;
    check_patterns(query.patterns);
    if (query.where)
        check_expr(*query.where, false, true);
    std::set<std::string> aliases;
    for (const auto& item : query.returns) {
        check_expr(item.expr, true);
        if (!item.alias.empty() && !aliases.insert(item.alias).second)
            fail(item, "the alias '" + item.alias + "' is used twice");
    }
    for (const auto& key : query.order)
        check_expr(key.expr, true);
}

} // namespace

bool validate(const ast::Statement& statement,
              const std::function<void(const ast::Node&, std::string)>& report) {
    try {
        check_statement(statement);
        return true;
    } catch (const Problem& problem) {
        report(*problem.node, problem.message);
        return false;
    }
}

std::vector<const ast::Term*> parameters(const ast::Query& query) {
    std::vector<const ast::Term*> out;
    for_each_term(query, [&](const ast::Term& term) {
        if (term.kind == ast::TermKind::PARAMETER &&
            std::none_of(out.begin(), out.end(), [&](const ast::Term* seen) { return seen->text == term.text; }))
            out.push_back(&term);
    });
    return out;
}

} // namespace quarry::parser
