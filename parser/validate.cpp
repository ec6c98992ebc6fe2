#include "parser/validate.hpp"

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

void collect_variables(const ast::Term& term, std::set<std::string>& out) {
    if (term.kind == ast::TermKind::VARIABLE)
        out.insert(term.text);
}

void collect_variables(const ast::Path& path, std::set<std::string>& out) {
    collect_variables(path.term, out);
    for (const auto& child : path.children)
        collect_variables(child, out);
}

void collect_variables(const ast::Pattern& pattern, std::set<std::string>& out) {
    if (pattern.kind == ast::PatternKind::TUPLE) {
        collect_variables(pattern.tuple.subject, out);
        collect_variables(pattern.tuple.predicate, out);
        collect_variables(pattern.tuple.object, out);
        if (pattern.tuple.context)
            collect_variables(*pattern.tuple.context, out);
    }
    for (const auto& child : pattern.patterns)
        collect_variables(child, out);
}

// `aggregates_allowed`: in return and order by, not in where; never inside an aggregate.
void check_expr(const ast::Expr& expr, bool aggregates_allowed) {
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
    default:
        break;
    }
    for (const auto& arg : expr.args)
        check_expr(arg, aggregates_allowed);
}

void check_path(const ast::Path& path, bool top) {
    if (path.op == ast::PathOp::TERM) {
        const auto kind = path.term.kind;
        if (!top && (kind == ast::TermKind::VARIABLE || kind == ast::TermKind::WILDCARD))
            fail(path, "a property path cannot contain a variable or wildcard");
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
            check_expr(*pattern.where, false);
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
        check_expr(*query.where, false);
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

} // namespace quarry::parser
