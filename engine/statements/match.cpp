// match, explain and explain analyze: plan_query and the match handler.

#include "engine/binder.hpp"
#include "engine/error.hpp"
#include "engine/statements.hpp"
#include "parser/printer.hpp"
#include "parser/validate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <set>

namespace quarry::engine {

namespace ast = parser::ast;

namespace {

// The text of each aggregate of `expr`, in the order compile_expression numbers them.
void aggregate_texts(const ast::Expr& expr, std::vector<std::string>& out) {
    if (expr.op == ast::ExprOp::AGGREGATE) {
        out.push_back(parser::print(expr));
        return;
    }
    for (const auto& arg : expr.args)
        aggregate_texts(arg, out);
}

std::string column_name(const ast::ReturnItem& item) {
    if (!item.alias.empty())
        return item.alias;
    if (item.expr.op == ast::ExprOp::TERM && item.expr.term.kind == ast::TermKind::VARIABLE)
        return item.expr.term.text;
    return parser::print(item.expr);
}

// `expr` (a having condition) with each alias replaced by the value it names: a bare name
// that is an alias, or a variable so named that the match does not bind.
ast::Expr with_aliases(const ast::Expr& expr, const ast::Query& query, const SlotMap& slots) {
    if (expr.op == ast::ExprOp::TERM &&
        (expr.term.kind == ast::TermKind::NAME ||
         (expr.term.kind == ast::TermKind::VARIABLE && !slots.count(expr.term.text))))
        for (const auto& item : query.returns)
            if (item.alias == expr.term.text)
                return item.expr;
    ast::Expr out = expr;
    for (auto& arg : out.args)
        arg = with_aliases(arg, query, slots);
    return out;
}

// Levenshtein distance of two byte strings, or more than `bound` (then bound + 1).
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t bound) {
    if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > bound)
        return bound + 1;
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        std::size_t best = row[0];
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
            best = std::min(best, row[j]);
        }
        if (best > bound)
            return bound + 1;
    }
    return row[b.size()];
}

// Stored terms of `term`'s kind near it: those that share its first letters (a name's
// first two bytes; an IRI's namespace and the local name's first letter) within an edit
// distance of a third of its length (at least 2), nearest first, at most three. A prefix
// scan of the dictionary, bounded, never a scan of all of it.
std::vector<std::string> nearest_names(const storage::Store& store, const storage::lmdb::Txn& txn,
                                       const storage::Term& term) {
    constexpr std::size_t CANDIDATES = 20'000;
    const std::string& text = term.text();
    std::size_t prefix_length = std::min<std::size_t>(2, text.size());
    if (term.kind() == TermKind::IRI) {
        const std::size_t slash = text.find_last_of("/#");
        prefix_length =
            slash == std::string::npos ? prefix_length : std::min(text.size(), slash + 2);
    }
    const std::size_t bound = std::max<std::size_t>(2, text.size() / 3);
    std::vector<std::pair<std::size_t, std::string>> found;
    std::size_t seen = 0;
    store.dictionary().scan_prefix(
        txn, term.kind(), std::string_view(text).substr(0, prefix_length),
        [&](const storage::Term& candidate, storage::TermId) {
            // Also the text without its last words: a keyword
            // typed wrong runs into the name before it.
            std::size_t d = edit_distance(text, candidate.text(), bound);
            for (std::size_t space = text.find(' '); space != std::string::npos && d > 0;
                 space = text.find(' ', space + 1))
                d = std::min(d, edit_distance(std::string_view(text).substr(0, space),
                                              candidate.text(), bound));
            if (d <= bound)
                found.emplace_back(d, candidate.text());
            return ++seen < CANDIDATES;
        });
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < found.size() && i < 3; ++i)
        out.push_back(std::move(found[i].second));
    return out;
}

// Notes for the constant names and IRIs of a match (tuples, paths, conditions) that are
// not stored: a typo (`Iran retrun`) would otherwise only give no rows.
std::vector<std::string> unknown_name_notes(
    const storage::Store& store, const storage::lmdb::Txn& txn, const ast::Query& query,
    const PrefixMap& prefixes,
    const std::function<std::optional<SourcePosition>(const ast::Node&)>& position_of) {
    std::vector<std::string> notes;
    std::set<std::string> noted;
    auto check = [&](const ast::Term& term, const char* role) {
        if (term.kind != ast::TermKind::NAME && term.kind != ast::TermKind::IRI)
            return;
        storage::Term value;
        try {
            value = to_storage(term, prefixes);
        } catch (const Error&) {
            return; // an unknown prefix: planning says so
        }
        if (store.find(txn, value) || !noted.insert(format_term(value)).second)
            return;
        std::string note;
        if (const auto position = position_of(term))
            note = fmt::format("line {}, column {}: ", position->line, position->column);
        note += fmt::format("no fact uses the {} '{}'", role, format_term(value));
        const std::vector<std::string> near = nearest_names(store, txn, value);
        for (std::size_t i = 0; i < near.size(); ++i) {
            const storage::Term suggestion = value.kind() == TermKind::IRI
                                                 ? storage::Term::iri(near[i])
                                                 : storage::Term::name(near[i]);
            note += (i == 0                 ? "; did you mean '"
                     : i + 1 == near.size() ? " or '"
                                            : ", '") +
                    format_term(suggestion) + "'";
        }
        if (!near.empty())
            note += "?";
        notes.push_back(std::move(note));
    };
    std::function<void(const ast::Path&)> path = [&](const ast::Path& p) {
        if (p.op == ast::PathOp::TERM)
            check(p.term, "predicate");
        for (const auto& child : p.children)
            path(child);
    };
    std::function<void(const ast::Expr&)> expression;
    std::function<void(const std::vector<ast::Pattern>&)> patterns =
        [&](const std::vector<ast::Pattern>& list) {
            for (const auto& pattern : list) {
                if (pattern.kind == ast::PatternKind::TUPLE) {
                    check(pattern.tuple.subject,
                          pattern.tuple.subject.kind == ast::TermKind::IRI ? "IRI" : "name");
                    path(pattern.tuple.predicate);
                    check(pattern.tuple.object,
                          pattern.tuple.object.kind == ast::TermKind::IRI ? "IRI" : "name");
                    if (pattern.tuple.context)
                        check(*pattern.tuple.context, "context");
                }
                patterns(pattern.patterns);
                if (pattern.where)
                    expression(*pattern.where);
            }
        };
    expression = [&](const ast::Expr& e) {
        if (e.op == ast::ExprOp::TERM)
            check(e.term, e.term.kind == ast::TermKind::IRI ? "IRI" : "name");
        for (const auto& arg : e.args)
            expression(arg);
        patterns(e.block);
    };
    patterns(query.patterns);
    if (query.where)
        expression(*query.where);
    return notes;
}

// Rows holding fixed lines of text (explain).
class TextRows : public Rows {
public:
    TextRows(std::string column, std::vector<std::string> lines)
        : columns_{std::move(column)}, lines_(std::move(lines)) {}
    const std::vector<std::string>& columns() const override { return columns_; }
    std::optional<Row> next() override {
        if (next_ >= lines_.size())
            return std::nullopt;
        return Row{storage::Term::string(lines_[next_++])};
    }

private:
    std::vector<std::string> columns_;
    std::vector<std::string> lines_;
    std::size_t next_ = 0;
};

void describe_tree(const Operator& op, bool analyze, const std::string& indent,
                   std::vector<std::string>& lines) {
    std::string line = indent + op.describe();
    if (op.estimate > 0)
        line += op.estimate >= 10 ? fmt::format(" est. {:.0f}", op.estimate)
                                  : fmt::format(" est. {:.2g}", op.estimate);
    if (analyze)
        line += fmt::format(" | rows {} time {:.3f} ms", op.rows_out,
                            std::chrono::duration<double, std::milli>(op.elapsed).count());
    lines.push_back(std::move(line));
    for (const Operator* input : op.inputs())
        describe_tree(*input, analyze, indent + "  ", lines);
}

void set_timed(Operator& op) {
    op.timed = true;
    for (const Operator* input : op.inputs())
        set_timed(const_cast<Operator&>(*input));
}

} // namespace

std::unique_ptr<QueryPlan> plan_query(const storage::Store& store, const storage::lmdb::Txn& txn,
                                      std::shared_ptr<void> keep, const ast::Query& query,
                                      const PrefixMap& prefixes, const std::atomic<bool>& cancelled,
                                      const PlannerOptions& options, TermCache* terms,
                                      const std::vector<const ast::Term*>& parameters) {
    auto plan = std::make_unique<QueryPlan>();
    plan->context = std::make_unique<ExecContext>(store, txn, cancelled, terms);
    plan->context->set_asserted_only(query.asserted);
    plan->keep = std::move(keep);
    Binding binding = bind_query(query, parameters);
    SlotMap& slots = binding.slots;
    const std::vector<std::string>& visible = binding.visible;

    Planner planner(*plan->context, prefixes, slots, options);
    plan->root = planner.plan_block(query.patterns, query.where, binding.bound);
    plan->width = slots.size();

    if (query.returns.empty()) {
        for (const std::string& name : visible) {
            Expression item;
            item.slot = slots.at(name);
            plan->items.push_back(std::move(item));
            plan->columns.push_back(name);
            plan->item_texts.push_back("?" + name);
        }
    } else {
        for (const auto& item : query.returns) {
            plan->items.push_back(
                compile_expression(item.expr, slots, prefixes, &plan->aggregates));
            plan->columns.push_back(column_name(item));
            plan->item_texts.push_back(parser::print(item.expr) +
                                       (item.alias.empty() ? "" : " as " + item.alias));
            aggregate_texts(item.expr, plan->aggregate_texts);
        }
    }
    for (const auto& key : query.order) {
        QueryPlan::Key compiled;
        compiled.descending = key.descending;
        compiled.text = parser::print(key.expr) + (key.descending ? " desc" : "");
        // A bare name that is an alias, or a variable that is one, orders by that column.
        if (key.expr.op == ast::ExprOp::TERM && (key.expr.term.kind == ast::TermKind::NAME ||
                                                 key.expr.term.kind == ast::TermKind::VARIABLE)) {
            for (std::size_t i = 0; i < query.returns.size(); ++i)
                if (query.returns[i].alias == key.expr.term.text &&
                    (key.expr.term.kind == ast::TermKind::NAME ||
                     !slots.count(key.expr.term.text) ||
                     !std::count(visible.begin(), visible.end(), key.expr.term.text)))
                    compiled.column = i;
        }
        if (!compiled.column) {
            compiled.expr = compile_expression(key.expr, slots, prefixes, &plan->aggregates);
            aggregate_texts(key.expr, plan->aggregate_texts);
        }
        plan->order.push_back(std::move(compiled));
    }
    for (const auto& key : query.group_by) {
        plan->group_keys.push_back(compile_expression(key, slots, prefixes));
        plan->group_key_texts.push_back(parser::print(key));
    }
    if (query.having) {
        const ast::Expr having = with_aliases(*query.having, query, slots);
        plan->having = compile_expression(having, slots, prefixes, &plan->aggregates);
        plan->having_text = parser::print(*query.having);
        aggregate_texts(having, plan->aggregate_texts);
    }
    plan->grouped = !plan->aggregates.empty() || !plan->group_keys.empty();
    plan->distinct = query.distinct;
    plan->limit = query.limit;
    plan->offset = query.offset.value_or(0);
    // The statistics count every fact that holds, derived ones too.
    if (!query.asserted)
        planner.count_from_statistics(query, *plan);
    plan_result_stage(*plan, options);
    return plan;
}

StatementResult run_match(Session& session, const ast::Statement& statement,
                          const StatementContext& context) {
    const ast::Query& query = *statement.query;
    if (const auto parameters = parser::parameters(query); !parameters.empty())
        throw QueryError(
            "$" + parameters[0]->text +
                " has no value: a match with parameters runs through Database::prepare",
            parameters[0]);
    const bool explain = statement.explain || context.explain;
    const bool analyze = statement.analyze || context.analyze;
    Session::Read read = session.read();
    const storage::lmdb::Txn& txn = *read.txn;
    std::unique_ptr<QueryPlan> plan =
        plan_query(session.store(), txn, std::move(read.own), query, read.prefixes,
                   session.cancelled(), session.planner_options(explain), read.terms);
    StatementResult result;
    result.kind = StatementKind::MATCH;
    if (context.position_of && !explain)
        result.notes =
            unknown_name_notes(session.store(), txn, query, read.prefixes, context.position_of);
    if (!explain) {
        result.rows = make_query_rows(std::move(plan));
        return result;
    }
    std::vector<std::string> lines;
    if (analyze) {
        set_timed(*plan->root);
        Operator& root = *plan->root;
        auto rows = make_query_rows(std::move(plan));
        std::size_t count = 0;
        const auto start = std::chrono::steady_clock::now();
        while (rows->next())
            ++count;
        const auto total = std::chrono::steady_clock::now() - start;
        describe_tree(root, true, "", lines);
        lines.push_back(fmt::format("{} rows in {:.3f} ms", count,
                                    std::chrono::duration<double, std::milli>(total).count()));
    } else {
        describe_tree(*plan->root, false, "", lines);
    }
    if (query.asserted)
        lines.insert(lines.begin(),
                     "Asserted facts only: every scan skips the facts only rules derive");
    result.rows = std::make_unique<TextRows>("plan", std::move(lines));
    result.plan = true;
    return result;
}

} // namespace quarry::engine
