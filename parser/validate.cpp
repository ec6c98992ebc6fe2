#include "parser/validate.hpp"

#include "parser/printer.hpp"
#include "parser/regex.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <set>
#include <string_view>

namespace quarry::parser {

namespace {

constexpr std::size_t ANY = SIZE_MAX;

struct Function {
    std::string_view name;
    std::size_t min_arity, max_arity;
    bool boolean; // its value is true or false (it may stand as a condition)
};

constexpr std::array<Function, 23> FUNCTIONS = {{
    {"contains", 2, 2, true},    {"starts_with", 2, 2, true}, {"ends_with", 2, 2, true},
    {"matches", 2, 3, true},     {"replace", 3, 4, false},    {"substr", 2, 3, false},
    {"concat", 1, ANY, false},   {"coalesce", 1, ANY, true},  {"lower", 1, 1, false},
    {"upper", 1, 1, false},      {"length", 1, 1, false},     {"str", 1, 1, false},
    {"lang", 1, 1, false},       {"year", 1, 1, false},       {"month", 1, 1, false},
    {"day", 1, 1, false},        {"now", 0, 0, false},        {"bound", 1, 1, true},
    {"is_name", 1, 1, true},     {"is_string", 1, 1, true},   {"is_number", 1, 1, true},
    {"is_date", 1, 1, true},     {"is_iri", 1, 1, true},
}};

const Function* find_function(std::string_view name) {
    for (const Function& function : FUNCTIONS)
        if (function.name == name)
            return &function;
    return nullptr;
}

std::string arguments(std::size_t count) { return std::to_string(count) + (count == 1 ? " argument" : " arguments"); }

std::string arity_text(const Function& function) {
    if (function.max_arity == ANY)
        return "at least " + arguments(function.min_arity);
    if (function.min_arity == function.max_arity)
        return arguments(function.min_arity);
    return std::to_string(function.min_arity) + " or " + arguments(function.max_arity);
}

bool is_constant(const ast::Expr& expr) {
    return expr.op == ast::ExprOp::TERM && expr.term.kind != ast::TermKind::VARIABLE &&
           expr.term.kind != ast::TermKind::PARAMETER;
}

// What a constant is, for messages: "the name Iran", "the string \"a\"".
std::string kind_text(ast::TermKind kind) {
    switch (kind) {
    case ast::TermKind::NAME: return "a name";
    case ast::TermKind::IRI: return "an IRI";
    case ast::TermKind::STRING: return "a string";
    case ast::TermKind::TYPED: return "a typed literal";
    case ast::TermKind::INTEGER: return "an integer";
    case ast::TermKind::DECIMAL: return "a decimal";
    case ast::TermKind::BOOLEAN: return "a boolean";
    case ast::TermKind::DATE: return "a date";
    case ast::TermKind::DATETIME: return "a datetime";
    case ast::TermKind::DEFAULT_CONTEXT: return "the default context";
    default: return "a value";
    }
}

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
    for (const auto& key : query.group_by)
        for_each_term(key, fn);
    if (query.having)
        for_each_term(*query.having, fn);
    for (const auto& key : query.order)
        for_each_term(key.expr, fn);
}

bool contains_aggregate(const ast::Expr& expr) {
    return expr.op == ast::ExprOp::AGGREGATE || std::any_of(expr.args.begin(), expr.args.end(), contains_aggregate);
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

// A constant pattern (and flags) of matches() or replace() must compile.
void check_regex(const ast::Expr& expr) {
    const std::size_t flags_at = expr.function == "matches" ? 2 : 3;
    const ast::Expr& pattern = expr.args[1];
    const ast::Expr* flags = expr.args.size() > flags_at ? &expr.args[flags_at] : nullptr;
    const auto is_text = [](const ast::Expr& e) {
        return e.op == ast::ExprOp::TERM && e.term.kind == ast::TermKind::STRING;
    };
    if (flags && is_text(*flags)) {
        try {
            compile_regex("", flags->term.text);
        } catch (const RegexError& e) {
            fail(*flags, e.what());
        }
    }
    if (is_text(pattern) && (!flags || is_text(*flags))) {
        try {
            compile_regex(pattern.term.text, flags ? flags->term.text : "");
        } catch (const RegexError& e) {
            fail(pattern, e.what());
        }
    }
}

// Arithmetic takes numbers, and dates ± days and date − date: a constant of another kind,
// or a division by a constant zero, is an error here rather than an empty cell later.
void check_arithmetic(const ast::Expr& expr) {
    static constexpr std::string_view SIGNS[] = {"+", "-", "*", "/"};
    const std::string_view sign = SIGNS[static_cast<int>(expr.op) - static_cast<int>(ast::ExprOp::ADD)];
    const bool dates = expr.op == ast::ExprOp::ADD || expr.op == ast::ExprOp::SUBTRACT;
    for (const auto& arg : expr.args) {
        if (!is_constant(arg))
            continue;
        const auto kind = arg.term.kind;
        if (kind == ast::TermKind::INTEGER || kind == ast::TermKind::DECIMAL || (dates && kind == ast::TermKind::DATE))
            continue;
        fail(arg, std::string(sign) + " takes numbers" + (dates ? " (or a date and a number of days)" : "") +
                      ", not " + kind_text(kind));
    }
    if (expr.op == ast::ExprOp::DIVIDE && is_constant(expr.args[1]) &&
        ((expr.args[1].term.kind == ast::TermKind::INTEGER && expr.args[1].term.integer == 0) ||
         (expr.args[1].term.kind == ast::TermKind::DECIMAL && expr.args[1].term.decimal == 0.0)))
        fail(expr.args[1], "division by zero");
}

// A condition must be true or false: a comparison, a test (contains(), is_name(), …),
// exists, a boolean, or these joined by and, or, not. A variable alone, a number, a name
// or a computed value is refused, not taken as false.
void check_condition(const ast::Expr& expr) {
    switch (expr.op) {
    case ast::ExprOp::AND:
    case ast::ExprOp::OR:
    case ast::ExprOp::NOT:
        for (const auto& arg : expr.args)
            check_condition(arg);
        return;
    case ast::ExprOp::EQ:
    case ast::ExprOp::NE:
    case ast::ExprOp::LT:
    case ast::ExprOp::LE:
    case ast::ExprOp::GT:
    case ast::ExprOp::GE:
    case ast::ExprOp::IN:
    case ast::ExprOp::NOT_IN:
    case ast::ExprOp::EXISTS:
        return;
    case ast::ExprOp::CALL:
        if (const Function* function = find_function(expr.function); function && function->boolean)
            return;
        fail(expr, "a condition must be true or false, and " + expr.function +
                       "() is not a test: compare it with a value");
    case ast::ExprOp::TERM:
        if (expr.term.kind == ast::TermKind::BOOLEAN || expr.term.kind == ast::TermKind::PARAMETER)
            return;
        if (expr.term.kind == ast::TermKind::VARIABLE)
            fail(expr, "a condition must be true or false: compare ?" + expr.term.text + " with a value (?" +
                           expr.term.text + " = true)");
        fail(expr, "a condition must be true or false, not " + kind_text(expr.term.kind));
    default:
        fail(expr, "a condition must be true or false, and arithmetic gives a number: compare it with a value");
    }
}

// `aggregates_allowed`: in return and order by, not in where; never inside an aggregate.
// `condition`: in a where condition (where `exists` may stand).
void check_expr(const ast::Expr& expr, bool aggregates_allowed, bool condition = false) {
    switch (expr.op) {
    case ast::ExprOp::TERM:
        if (expr.term.kind == ast::TermKind::WILDCARD)
            fail(expr, "a wildcard has no value: use a variable");
        return;
    case ast::ExprOp::ADD:
    case ast::ExprOp::SUBTRACT:
    case ast::ExprOp::MULTIPLY:
    case ast::ExprOp::DIVIDE:
        check_arithmetic(expr);
        break;
    case ast::ExprOp::CALL: {
        const Function* found = find_function(expr.function);
        if (!found)
            fail(expr, "unknown function '" + expr.function + "'");
        if (expr.args.size() < found->min_arity || expr.args.size() > found->max_arity)
            fail(expr, expr.function + "() takes " + arity_text(*found));
        if (expr.function == "matches" || expr.function == "replace")
            check_regex(expr);
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
        if (pattern.where) {
            check_expr(*pattern.where, false, true);
            check_condition(*pattern.where);
        }
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

// The variables a pattern binds on every solution: those of its tuples, but not of optional
// or not blocks, and of a union only those every branch binds.
void positive_variables(const ast::Pattern& pattern, std::set<std::string>& out) {
    switch (pattern.kind) {
    case ast::PatternKind::TUPLE: collect_variables(pattern, out); break;
    case ast::PatternKind::GROUP:
        for (const auto& child : pattern.patterns)
            positive_variables(child, out);
        break;
    case ast::PatternKind::UNION: {
        std::optional<std::set<std::string>> common;
        for (const auto& branch : pattern.patterns) {
            std::set<std::string> bound;
            positive_variables(branch, bound);
            if (!common) {
                common = std::move(bound);
                continue;
            }
            std::set<std::string> both;
            std::set_intersection(common->begin(), common->end(), bound.begin(), bound.end(),
                                  std::inserter(both, both.end()));
            common = std::move(both);
        }
        if (common)
            out.insert(common->begin(), common->end());
        break;
    }
    case ast::PatternKind::OPTIONAL:
    case ast::PatternKind::NOT: break;
    }
}

// A rule's head: plain predicates, values or variables its body binds on every solution.
void check_rule(const ast::Statement& statement) {
    std::set<std::string> bound;
    for (const auto& pattern : statement.query->patterns)
        positive_variables(pattern, bound);
    for (const auto& tuple : statement.tuples) {
        if (tuple.predicate.op != ast::PathOp::TERM)
            fail(tuple.predicate,
                 "a rule's head cannot hold a property path; use a plain predicate");
        for_each_term(tuple, [&](const ast::Term& term) {
            if (term.kind == ast::TermKind::WILDCARD)
                fail(term, "a rule's head cannot hold a wildcard: write a value or a variable");
            if (term.kind == ast::TermKind::VARIABLE && !bound.count(term.text))
                fail(term, "?" + term.text +
                               " in the head is not bound by the body (only its tuples bind, "
                               "not those inside not or optional)");
        });
    }
}

// why takes one fact: values only.
void check_why(const ast::Statement& statement) {
    const ast::Tuple& tuple = statement.tuples.at(0);
    if (tuple.predicate.op != ast::PathOp::TERM)
        fail(tuple.predicate, "why explains one fact: write a plain predicate, not a path");
    for_each_term(tuple, [&](const ast::Term& term) {
        if (term.kind == ast::TermKind::VARIABLE || term.kind == ast::TermKind::WILDCARD)
            fail(term, "why explains one fact: write values, not variables or wildcards");
    });
}

void check_statement(const ast::Statement& statement) {
    if (statement.kind != ast::StatementKind::MATCH)
        check_no_parameters(statement);
    if (statement.kind == ast::StatementKind::RULE)
        check_rule(statement);
    if (statement.kind == ast::StatementKind::WHY)
        check_why(statement);
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
    if (query.where) {
        check_expr(*query.where, false, true);
        check_condition(*query.where);
    }
    if (statement.kind != ast::StatementKind::MATCH)
        return;
    // What return and order by may name: the variables the patterns bind, the parameters,
    // and (in order by) the aliases.
    std::set<std::string> bound;
    for (const auto& pattern : query.patterns)
        collect_variables(pattern, bound);
    std::set<std::string> aliases;
    auto check_bound = [&](const ast::Expr& expr, bool aliases_too) {
        for_each_term(expr, [&](const ast::Term& term) {
            if (term.kind == ast::TermKind::VARIABLE && !bound.count(term.text) &&
                !(aliases_too && aliases.count(term.text)))
                fail(term, "?" + term.text + " is not bound by the match");
        });
    };
    for (const auto& item : query.returns) {
        check_expr(item.expr, true);
        if (item.expr.op == ast::ExprOp::TERM && item.expr.term.kind == ast::TermKind::NAME)
            fail(item.expr, "'" + item.expr.term.text + "' is a name, the same on every row: " +
                                (item.expr.term.text.find(' ') == std::string::npos
                                     ? "write ?" + item.expr.term.text + " for the variable"
                                     : "write a variable (?x) for a value of the match") +
                                ", or \"" + item.expr.term.text + "\" for the text");
        check_bound(item.expr, false);
        if (!item.alias.empty() && !aliases.insert(item.alias).second)
            fail(item, "the alias '" + item.alias + "' is used twice");
    }
    // group by: keys of values (no aggregates); then every returned value is a key or
    // aggregated.
    for (const auto& key : query.group_by) {
        check_expr(key, false);
        check_bound(key, false);
    }
    if (!query.group_by.empty()) {
        if (query.returns.empty())
            fail(query.group_by.front(), "group by needs a return that names what each group shows");
        std::set<std::string> keys;
        for (const auto& key : query.group_by)
            keys.insert(print(key));
        for (const auto& item : query.returns)
            if (!contains_aggregate(item.expr) && !keys.count(print(item.expr)))
                fail(item.expr, print(item.expr) + " is neither a group by key nor an aggregate: group by it, or "
                                                   "aggregate it (count, min, max, …)");
    }
    // having: a condition on each group, over keys, aggregates and aliases.
    if (query.having) {
        const bool grouped = !query.group_by.empty() || contains_aggregate(*query.having) ||
                             std::any_of(query.returns.begin(), query.returns.end(),
                                         [](const ast::ReturnItem& item) { return contains_aggregate(item.expr); });
        if (!grouped)
            fail(*query.having, "having filters groups, and there are none: use where, or return an aggregate");
        check_expr(*query.having, true);
        check_condition(*query.having);
        for_each_term(*query.having, [&](const ast::Term& term) {
            if (term.kind == ast::TermKind::VARIABLE && !bound.count(term.text) && !aliases.count(term.text))
                fail(term, "?" + term.text + " is not bound by the match");
        });
    }
    for (const auto& key : query.order) {
        check_expr(key.expr, true);
        check_bound(key.expr, true);
    }
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
