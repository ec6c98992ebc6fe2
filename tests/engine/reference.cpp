#include "tests/engine/reference.hpp"

#include "parser/printer.hpp"

#include <algorithm>
#include <functional>
#include <set>

namespace quarry::testing {

namespace ast = parser::ast;
using engine::Truth;
using engine::Value;
using storage::Term;

namespace {

bool same(const Term& a, const Term& b) { return a == b; }

// Binds `term` (a variable or a constant) to `value` in `row`; false if incompatible.
bool unify(const ast::Term& term, const Term& value, Bindings& row) {
    switch (term.kind) {
    case ast::TermKind::WILDCARD:
        return true;
    case ast::TermKind::VARIABLE: {
        const auto found = row.find(term.text);
        if (found != row.end())
            return same(found->second, value);
        row.emplace(term.text, value);
        return true;
    }
    default:
        return same(engine::to_storage(term, {}), value);
    }
}

std::optional<Term> bound(const ast::Term& term, const Bindings& row) {
    if (term.kind == ast::TermKind::WILDCARD)
        return std::nullopt;
    if (term.kind == ast::TermKind::VARIABLE) {
        const auto found = row.find(term.text);
        if (found == row.end())
            return std::nullopt;
        return found->second;
    }
    return engine::to_storage(term, {});
}

struct ValueLess {
    bool operator()(const Value& a, const Value& b) const { return engine::total_order(a, b) < 0; }
};
struct RowLess {
    bool operator()(const ResultRow& a, const ResultRow& b) const {
        return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), ValueLess{});
    }
};

} // namespace

bool Reference::is_node(const Term& term, const std::optional<Term>& context) const {
    for (const FactTerms& fact : facts_)
        if ((!context || fact[3] == *context) && (fact[0] == term || fact[2] == term))
            return true;
    return false;
}

bool Reference::stored(const Term& term) const {
    for (const FactTerms& fact : facts_)
        for (const Term& t : fact)
            if (t == term)
                return true;
    return false;
}

std::vector<Bindings> Reference::match_tuple(const ast::Tuple& tuple, const Bindings& input) const {
    if (tuple.predicate.op != ast::PathOp::TERM)
        return match_path(tuple, input);
    std::vector<Bindings> out;
    std::vector<std::array<Term, 3>> seen_triples;
    for (const FactTerms& fact : facts_) {
        if (!tuple.context) {
            // Three elements: each triple once, whatever its contexts.
            const std::array<Term, 3> triple{fact[0], fact[1], fact[2]};
            bool seen = false;
            for (const auto& t : seen_triples)
                if (t[0] == triple[0] && t[1] == triple[1] && t[2] == triple[2])
                    seen = true;
            if (seen)
                continue;
            Bindings row = input;
            if (unify(tuple.subject, fact[0], row) && unify(tuple.predicate.term, fact[1], row) &&
                unify(tuple.object, fact[2], row)) {
                seen_triples.push_back(triple);
                out.push_back(std::move(row));
            }
            continue;
        }
        Bindings row = input;
        if (unify(tuple.subject, fact[0], row) && unify(tuple.predicate.term, fact[1], row) &&
            unify(tuple.object, fact[2], row) && unify(*tuple.context, fact[3], row))
            out.push_back(std::move(row));
    }
    return out;
}

std::vector<Term> Reference::reach(const ast::Path& path, const Term& from, bool forward,
                                   const std::optional<Term>& context) const {
    std::vector<Term> out;
    auto add = [&](const Term& t) {
        if (std::find(out.begin(), out.end(), t) == out.end())
            out.push_back(t);
    };
    switch (path.op) {
    case ast::PathOp::TERM: {
        const Term predicate = engine::to_storage(path.term, {});
        for (const FactTerms& fact : facts_)
            if (fact[1] == predicate && (!context || fact[3] == *context) &&
                fact[forward ? 0 : 2] == from)
                add(fact[forward ? 2 : 0]);
        return out;
    }
    case ast::PathOp::INVERSE:
        return reach(path.children[0], from, !forward, context);
    case ast::PathOp::ALTERNATIVE:
        for (const auto& child : path.children)
            for (const Term& t : reach(child, from, forward, context))
                add(t);
        return out;
    case ast::PathOp::SEQUENCE: {
        std::vector<Term> current{from};
        const std::size_t n = path.children.size();
        for (std::size_t i = 0; i < n; ++i) {
            std::vector<Term> next;
            for (const Term& node : current)
                for (const Term& t : reach(path.children[forward ? i : n - 1 - i], node, forward, context))
                    if (std::find(next.begin(), next.end(), t) == next.end())
                        next.push_back(t);
            current = std::move(next);
        }
        return current;
    }
    case ast::PathOp::ZERO_OR_ONE:
        if (is_node(from, context))
            add(from);
        for (const Term& t : reach(path.children[0], from, forward, context))
            add(t);
        return out;
    case ast::PathOp::REPEAT: {
        // Every node k steps away, for each k from min to max, level by level. A node
        // reachable in more than min + N steps (N nodes) is reachable in fewer, on a walk
        // that does not repeat a node after the first min steps: min + N levels suffice.
        std::vector<Term> nodes;
        for (const FactTerms& fact : facts_)
            for (const Term& node : {fact[0], fact[2]})
                if (std::find(nodes.begin(), nodes.end(), node) == nodes.end())
                    nodes.push_back(node);
        std::uint64_t last = path.min + nodes.size();
        if (path.max)
            last = std::min(last, *path.max);
        std::vector<Term> level;
        if (is_node(from, context))
            level.push_back(from);
        for (std::uint64_t k = 0; k <= last && !level.empty(); ++k) {
            if (k >= path.min)
                for (const Term& t : level)
                    add(t);
            std::vector<Term> next;
            for (const Term& node : level)
                for (const Term& t : reach(path.children[0], node, forward, context))
                    if (std::find(next.begin(), next.end(), t) == next.end())
                        next.push_back(t);
            level = std::move(next);
        }
        return out;
    }
    case ast::PathOp::ONE_OR_MORE:
    case ast::PathOp::ZERO_OR_MORE: {
        if (path.op == ast::PathOp::ZERO_OR_MORE && is_node(from, context))
            add(from);
        // Fixpoint: add one step from every node reached until nothing changes.
        std::vector<Term> reached = reach(path.children[0], from, forward, context);
        for (std::size_t i = 0; i < reached.size(); ++i)
            for (const Term& t : reach(path.children[0], reached[i], forward, context))
                if (std::find(reached.begin(), reached.end(), t) == reached.end())
                    reached.push_back(t);
        for (const Term& t : reached)
            add(t);
        return out;
    }
    }
    return out;
}

std::vector<Bindings> Reference::match_path(const ast::Tuple& tuple, const Bindings& input) const {
    // A context variable the input leaves unbound: each context on its own, bound to it.
    if (tuple.context && tuple.context->kind == ast::TermKind::VARIABLE && !input.count(tuple.context->text)) {
        std::vector<Term> contexts;
        for (const FactTerms& fact : facts_)
            if (std::find(contexts.begin(), contexts.end(), fact[3]) == contexts.end())
                contexts.push_back(fact[3]);
        std::vector<Bindings> out;
        for (const Term& c : contexts) {
            Bindings row = input;
            row.emplace(tuple.context->text, c);
            for (Bindings& found : match_path(tuple, row))
                out.push_back(std::move(found));
        }
        return out;
    }
    std::optional<Term> context;
    if (tuple.context && tuple.context->kind != ast::TermKind::WILDCARD)
        context = bound(*tuple.context, input);
    std::vector<Bindings> out;
    const auto subject = bound(tuple.subject, input);
    const auto object = bound(tuple.object, input);
    // A constant that no fact holds matches nothing.
    if ((subject && !stored(*subject)) || (object && !stored(*object)) || (context && !stored(*context)))
        return out;
    std::vector<Term> starts;
    if (subject) {
        starts.push_back(*subject);
    } else {
        for (const FactTerms& fact : facts_) {
            if (context && fact[3] != *context)
                continue;
            for (const Term& node : {fact[0], fact[2]})
                if (std::find(starts.begin(), starts.end(), node) == starts.end())
                    starts.push_back(node);
        }
    }
    for (const Term& s : starts)
        for (const Term& o : reach(tuple.predicate, s, true, context)) {
            Bindings row = input;
            if (unify(tuple.subject, s, row) && unify(tuple.object, o, row))
                out.push_back(std::move(row));
        }
    return out;
}

std::vector<Bindings> Reference::eval_block(const std::vector<ast::Pattern>& patterns,
                                            const std::optional<ast::Expr>& where,
                                            const Bindings& input) const {
    std::vector<Bindings> rows{input};
    std::vector<const ast::Pattern*> nots;
    for (const ast::Pattern& pattern : patterns) {
        std::vector<Bindings> next;
        auto block = [&](const ast::Pattern& b, const Bindings& row) {
            if (b.kind == ast::PatternKind::TUPLE)
                return match_tuple(b.tuple, row);
            return eval_block(b.patterns, b.where, row);
        };
        switch (pattern.kind) {
        case ast::PatternKind::TUPLE:
        case ast::PatternKind::GROUP:
            for (const Bindings& row : rows)
                for (Bindings& extended : block(pattern, row))
                    next.push_back(std::move(extended));
            break;
        case ast::PatternKind::UNION:
            for (const Bindings& row : rows)
                for (const ast::Pattern& b : pattern.patterns)
                    for (Bindings& extended : block(b, row))
                        next.push_back(std::move(extended));
            break;
        case ast::PatternKind::OPTIONAL:
            for (const Bindings& row : rows) {
                auto extended = block(pattern.patterns[0], row);
                if (extended.empty())
                    next.push_back(row);
                for (Bindings& e : extended)
                    next.push_back(std::move(e));
            }
            break;
        case ast::PatternKind::NOT:
            nots.push_back(&pattern);
            continue;
        }
        rows = std::move(next);
    }
    std::vector<Bindings> out;
    for (const Bindings& row : rows) {
        bool keep = true;
        for (const ast::Pattern* n : nots) {
            const ast::Pattern& b = n->patterns[0];
            const auto found = b.kind == ast::PatternKind::TUPLE ? match_tuple(b.tuple, row)
                                                                  : eval_block(b.patterns, b.where, row);
            keep = keep && found.empty();
        }
        if (keep && where)
            keep = truth(*where, row) == Truth::TRUE;
        if (keep)
            out.push_back(row);
    }
    return out;
}

Value Reference::eval(const ast::Expr& expr, const Bindings& row, const AggregateValues* aggregates) const {
    auto arg = [&](std::size_t i) { return eval(expr.args[i], row, aggregates); };
    using ast::ExprOp;
    switch (expr.op) {
    case ExprOp::TERM:
        if (expr.term.kind == ast::TermKind::VARIABLE) {
            const auto found = row.find(expr.term.text);
            return found == row.end() ? Value() : Value(found->second);
        }
        return engine::to_storage(expr.term, {});
    case ExprOp::AND:
        return engine::boolean_value(engine::logical_and(engine::truth_of(arg(0)), engine::truth_of(arg(1))));
    case ExprOp::OR:
        return engine::boolean_value(engine::logical_or(engine::truth_of(arg(0)), engine::truth_of(arg(1))));
    case ExprOp::NOT:
        return engine::boolean_value(engine::logical_not(engine::truth_of(arg(0))));
    case ExprOp::NEGATE: return engine::negate(arg(0));
    case ExprOp::EXISTS: {
        const ast::Pattern& block = expr.block.at(0);
        const auto rows = block.kind == ast::PatternKind::TUPLE ? match_tuple(block.tuple, row)
                                                                 : eval_block(block.patterns, block.where, row);
        return storage::Term::boolean(!rows.empty());
    }
    case ExprOp::EQ: return engine::boolean_value(engine::compare(arg(0), arg(1), engine::Comparison::EQ));
    case ExprOp::NE: return engine::boolean_value(engine::compare(arg(0), arg(1), engine::Comparison::NE));
    case ExprOp::LT: return engine::boolean_value(engine::compare(arg(0), arg(1), engine::Comparison::LT));
    case ExprOp::LE: return engine::boolean_value(engine::compare(arg(0), arg(1), engine::Comparison::LE));
    case ExprOp::GT: return engine::boolean_value(engine::compare(arg(0), arg(1), engine::Comparison::GT));
    case ExprOp::GE: return engine::boolean_value(engine::compare(arg(0), arg(1), engine::Comparison::GE));
    case ExprOp::IN:
    case ExprOp::NOT_IN: {
        Truth found = Truth::FALSE;
        for (std::size_t i = 1; i < expr.args.size(); ++i)
            found = engine::logical_or(found, engine::compare(arg(0), arg(i), engine::Comparison::EQ));
        return engine::boolean_value(expr.op == ExprOp::IN ? found : engine::logical_not(found));
    }
    case ExprOp::IN_QUERY:
    case ExprOp::NOT_IN_QUERY: {
        // The subquery on its own (it reads nothing of `row`); membership is identity.
        const Value needle = arg(0);
        if (!needle)
            return Value();
        const ReferenceResult sub = run(expr.subquery.at(0));
        const bool found = std::any_of(sub.rows.begin(), sub.rows.end(),
                                       [&](const ResultRow& r) { return r.at(0) && *r.at(0) == *needle; });
        return Term::boolean(expr.op == ExprOp::IN_QUERY ? found : !found);
    }
    case ExprOp::SUBQUERY: {
        const ReferenceResult sub = run(expr.subquery.at(0));
        return sub.rows.empty() ? Value() : sub.rows.front().at(0);
    }
    case ExprOp::ADD: return engine::arithmetic(arg(0), arg(1), engine::Arithmetic::ADD);
    case ExprOp::SUBTRACT: return engine::arithmetic(arg(0), arg(1), engine::Arithmetic::SUBTRACT);
    case ExprOp::MULTIPLY: return engine::arithmetic(arg(0), arg(1), engine::Arithmetic::MULTIPLY);
    case ExprOp::DIVIDE: return engine::arithmetic(arg(0), arg(1), engine::Arithmetic::DIVIDE);
    case ExprOp::CALL: {
        if (expr.function == "bound")
            return Term::boolean(row.count(expr.args[0].term.text) > 0);
        std::vector<Value> values;
        for (std::size_t i = 0; i < expr.args.size(); ++i)
            values.push_back(arg(i));
        return engine::call_function(expr.function, values);
    }
    case ExprOp::AGGREGATE:
        return aggregates ? aggregates->at(&expr) : Value();
    }
    return std::nullopt;
}

Truth Reference::truth(const ast::Expr& expr, const Bindings& row) const {
    return engine::truth_of(eval(expr, row));
}

void Reference::aggregate(const ast::Expr& expr, const std::vector<Bindings>& group,
                          AggregateValues& out) const {
    if (expr.op != ast::ExprOp::AGGREGATE) {
        for (const auto& arg : expr.args)
            aggregate(arg, group, out);
        return;
    }
    if (expr.star) {
        out[&expr] = Term::integer(static_cast<std::int64_t>(group.size()));
        return;
    }
    std::vector<Value> values;
    for (const Bindings& row : group) {
        const Value v = eval(expr.args[0], row);
        if (!v)
            continue;
        if (expr.distinct && std::any_of(values.begin(), values.end(),
                                         [&](const Value& w) { return engine::total_order(v, w) == 0; }))
            continue;
        values.push_back(v);
    }
    const std::string& f = expr.function;
    if (f == "count") {
        out[&expr] = Term::integer(static_cast<std::int64_t>(values.size()));
    } else if (f == "sum" || f == "avg") {
        Value sum = Term::integer(0);
        for (const Value& v : values)
            if (sum)
                sum = engine::arithmetic(sum, v, engine::Arithmetic::ADD);
        if (f == "avg")
            sum = values.empty() || !sum ? Value()
                                         : engine::arithmetic(sum, Term::integer(static_cast<std::int64_t>(values.size())),
                                                              engine::Arithmetic::DIVIDE);
        out[&expr] = sum;
    } else { // min, max
        Value best;
        for (const Value& v : values)
            if (!best || (f == "min" ? engine::total_order(v, best) < 0 : engine::total_order(v, best) > 0))
                best = v;
        out[&expr] = best;
    }
}

namespace {

bool has_aggregate(const ast::Expr& expr) {
    if (expr.op == ast::ExprOp::AGGREGATE)
        return true;
    return std::any_of(expr.args.begin(), expr.args.end(), has_aggregate);
}

void visible_variables(const std::vector<ast::Pattern>& patterns, std::vector<std::string>& out) {
    auto add = [&](const ast::Term& t) {
        if (t.kind == ast::TermKind::VARIABLE && std::find(out.begin(), out.end(), t.text) == out.end())
            out.push_back(t.text);
    };
    std::function<void(const ast::Path&)> path = [&](const ast::Path& p) {
        add(p.term);
        for (const auto& c : p.children)
            path(c);
    };
    for (const auto& p : patterns) {
        if (p.kind == ast::PatternKind::NOT)
            continue;
        if (p.kind == ast::PatternKind::TUPLE) {
            add(p.tuple.subject);
            path(p.tuple.predicate);
            add(p.tuple.object);
            if (p.tuple.context)
                add(*p.tuple.context);
        }
        visible_variables(p.patterns, out);
    }
}

} // namespace

ReferenceResult Reference::run(const ast::Query& query) const {
    const std::vector<Bindings> solutions = eval_block(query.patterns, query.where, {});
    ReferenceResult result;
    std::vector<ast::Expr> items;
    std::vector<std::string> aliases;
    if (query.returns.empty()) {
        std::vector<std::string> names;
        visible_variables(query.patterns, names);
        for (const auto& name : names) {
            ast::Expr e;
            e.term.kind = ast::TermKind::VARIABLE;
            e.term.text = name;
            items.push_back(e);
            result.columns.push_back(name);
            aliases.emplace_back();
        }
    } else {
        for (const auto& item : query.returns) {
            items.push_back(item.expr);
            aliases.push_back(item.alias);
            if (!item.alias.empty())
                result.columns.push_back(item.alias);
            else if (item.expr.op == ast::ExprOp::TERM && item.expr.term.kind == ast::TermKind::VARIABLE)
                result.columns.push_back(item.expr.term.text);
            else
                result.columns.push_back(parser::print(item.expr));
        }
    }
    std::vector<std::string> visible;
    visible_variables(query.patterns, visible);
    // An order key naming an alias orders by that column.
    std::vector<std::optional<std::size_t>> key_columns;
    for (const auto& key : query.order) {
        std::optional<std::size_t> column;
        if (key.expr.op == ast::ExprOp::TERM &&
            (key.expr.term.kind == ast::TermKind::NAME || key.expr.term.kind == ast::TermKind::VARIABLE))
            for (std::size_t i = 0; i < aliases.size(); ++i)
                if (aliases[i] == key.expr.term.text &&
                    (key.expr.term.kind == ast::TermKind::NAME ||
                     std::find(visible.begin(), visible.end(), key.expr.term.text) == visible.end()))
                    column = i;
        key_columns.push_back(column);
    }
    bool grouped = std::any_of(items.begin(), items.end(), has_aggregate) || !query.group_by.empty() ||
                   (query.having && has_aggregate(*query.having));
    // having, with each alias (a bare name, or a variable the match does not bind, so
    // named) read as the value of its column.
    std::optional<ast::Expr> having;
    if (query.having) {
        std::function<ast::Expr(const ast::Expr&)> resolve = [&](const ast::Expr& e) -> ast::Expr {
            if (e.op == ast::ExprOp::TERM &&
                (e.term.kind == ast::TermKind::NAME ||
                 (e.term.kind == ast::TermKind::VARIABLE &&
                  std::find(visible.begin(), visible.end(), e.term.text) == visible.end())))
                for (std::size_t i = 0; i < aliases.size(); ++i)
                    if (aliases[i] == e.term.text)
                        return items[i];
            ast::Expr out = e;
            for (auto& a : out.args)
                a = resolve(a);
            return out;
        };
        having = resolve(*query.having);
    }
    for (std::size_t k = 0; k < query.order.size(); ++k)
        grouped = grouped || (!key_columns[k] && has_aggregate(query.order[k].expr));

    std::vector<std::pair<ResultRow, ResultRow>> rows; // (keys, row)
    auto order_keys = [&](const Bindings& row, const ResultRow& projected, const AggregateValues* aggs) {
        ResultRow keys;
        for (std::size_t k = 0; k < query.order.size(); ++k)
            keys.push_back(key_columns[k] ? projected[*key_columns[k]] : eval(query.order[k].expr, row, aggs));
        return keys;
    };
    if (grouped) {
        std::vector<std::pair<ResultRow, std::vector<Bindings>>> groups;
        for (const Bindings& row : solutions) {
            ResultRow key;
            if (!query.group_by.empty()) {
                for (const auto& group_key : query.group_by)
                    key.push_back(eval(group_key, row));
            } else {
                for (const auto& item : items)
                    if (!has_aggregate(item))
                        key.push_back(eval(item, row));
            }
            auto found = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
                return !RowLess{}(g.first, key) && !RowLess{}(key, g.first);
            });
            if (found == groups.end())
                groups.emplace_back(key, std::vector<Bindings>{row});
            else
                found->second.push_back(row);
        }
        const bool all_aggregates =
            query.group_by.empty() && std::all_of(items.begin(), items.end(), has_aggregate);
        if (groups.empty() && all_aggregates)
            groups.emplace_back(ResultRow{}, std::vector<Bindings>{});
        for (const auto& [key, group] : groups) {
            AggregateValues aggs;
            for (const auto& item : items)
                aggregate(item, group, aggs);
            for (std::size_t k = 0; k < query.order.size(); ++k)
                if (!key_columns[k])
                    aggregate(query.order[k].expr, group, aggs);
            if (having)
                aggregate(*having, group, aggs);
            const Bindings representative = group.empty() ? Bindings{} : group.front();
            if (having && engine::truth_of(eval(*having, representative, &aggs)) != engine::Truth::TRUE)
                continue;
            ResultRow projected;
            for (const auto& item : items)
                projected.push_back(eval(item, representative, &aggs));
            rows.emplace_back(order_keys(representative, projected, &aggs), projected);
        }
    } else {
        for (const Bindings& row : solutions) {
            ResultRow projected;
            for (const auto& item : items)
                projected.push_back(eval(item, row));
            rows.emplace_back(order_keys(row, projected, nullptr), projected);
        }
    }
    if (query.distinct) {
        std::vector<std::pair<ResultRow, ResultRow>> unique;
        for (auto& entry : rows)
            if (std::none_of(unique.begin(), unique.end(), [&](const auto& u) {
                    return !RowLess{}(u.second, entry.second) && !RowLess{}(entry.second, u.second);
                }))
                unique.push_back(entry);
        rows = std::move(unique);
    }
    std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
        for (std::size_t k = 0; k < query.order.size(); ++k) {
            const int c = engine::total_order(a.first[k], b.first[k]);
            if (c != 0)
                return query.order[k].descending ? c > 0 : c < 0;
        }
        return false;
    });
    const std::size_t start = std::min<std::size_t>(query.offset.value_or(0), rows.size());
    const std::size_t end = query.limit ? std::min<std::size_t>(rows.size(), start + *query.limit) : rows.size();
    for (std::size_t i = start; i < end; ++i)
        result.rows.push_back(rows[i].second);
    return result;
}

} // namespace quarry::testing
