// add and remove: of facts, of templates over the rows of a match, and (remove) of the
// facts a tuple with variables or wildcards matches.

#include "engine/binder.hpp"
#include "engine/error.hpp"
#include "engine/op/index_join.hpp"
#include "engine/rules.hpp"
#include "engine/statements.hpp"

#include <fmt/format.h>

namespace quarry::engine {

namespace ast = parser::ast;
using storage::Quad;

namespace {

// Solutions of a match inside a write transaction, as rows of ids, with their slots.
std::pair<std::vector<std::vector<TermId>>, SlotMap>
solutions(const storage::Store& store, const storage::lmdb::Txn& txn, const ast::Query& query,
          const PrefixMap& prefixes, const std::atomic<bool>& cancelled) {
    ExecContext context(store, txn, cancelled);
    Binding binding = bind_query(query, {}, false);
    Planner planner(context, prefixes, binding.slots);
    OperatorPtr root = planner.plan_block(query.patterns, query.where, {});
    const std::vector<TermId> unbound(binding.slots.size(), UNBOUND);
    root->reset(unbound.data());
    std::vector<std::vector<TermId>> rows;
    RowBatch batch;
    batch.width = binding.slots.size();
    while (root->next(context, batch))
        for (std::size_t i = 0; i < batch.size(); ++i)
            rows.emplace_back(batch.row(i), batch.row(i) + batch.width);
    return {std::move(rows), std::move(binding.slots)};
}

// Every stored quad of the triple (s, p, o), in any context.
void quads_of_triple(const storage::Store& store, const storage::lmdb::Txn& txn, const Quad& triple,
                     std::vector<Quad>& out) {
    storage::QuadPattern pattern;
    pattern.terms = {triple[0], triple[1], triple[2], std::nullopt};
    storage::QuadScan scan = store.scan(txn, pattern);
    while (auto quad = scan.next())
        out.push_back(*quad);
}

std::array<const ast::Term*, 4> terms_of(const ast::Tuple& tuple) {
    return {&tuple.subject, &tuple.predicate.term, &tuple.object,
            tuple.context ? &*tuple.context : nullptr};
}

bool has_variables(const ast::Tuple& tuple) {
    for (const ast::Term* term : terms_of(tuple))
        if (term &&
            (term->kind == ast::TermKind::VARIABLE || term->kind == ast::TermKind::WILDCARD))
            return true;
    return false;
}

// The quads of an add or remove, in `txn`: interned (add) or looked up (remove).
std::vector<Quad> quads_of(storage::Store& store, const storage::lmdb::WriteTxn& txn,
                           const ast::Statement& statement, const std::atomic<bool>& cancelled) {
    const auto prefixes = load_prefixes(store, txn);
    const bool adding = statement.kind == ast::StatementKind::ADD;
    std::vector<Quad> quads;
    // A term of a fact to add (interned) or to remove (looked up; nullopt if not stored).
    auto id_of = [&](const ast::Term& term) -> std::optional<TermId> {
        const storage::Term value = to_storage(term, prefixes);
        if (adding)
            return store.intern(txn, value);
        return store.find(txn, value);
    };
    // Adds the quads a template tuple makes of one row (`row` null: constants only).
    auto instantiate = [&](const ast::Tuple& tuple, const SlotMap* slots, const TermId* row) {
        std::array<std::optional<TermId>, 4> ids;
        const auto terms = terms_of(tuple);
        for (unsigned pos = 0; pos < 4; ++pos) {
            if (!terms[pos])
                continue;
            if (terms[pos]->kind == ast::TermKind::VARIABLE) {
                const TermId id = row[slots->at(terms[pos]->text)];
                if (id == UNBOUND)
                    return; // an unbound variable: this row makes no fact
                ids[pos] = id;
            } else {
                ids[pos] = id_of(*terms[pos]);
                if (!ids[pos])
                    return; // removing a fact with a term nobody stored: nothing to do
            }
        }
        if (terms[3]) {
            quads.push_back({*ids[0], *ids[1], *ids[2], *ids[3]});
        } else if (adding) {
            quads.push_back({*ids[0], *ids[1], *ids[2], storage::DEFAULT_CONTEXT_ID});
        } else {
            quads_of_triple(store, txn, {*ids[0], *ids[1], *ids[2], 0}, quads);
        }
    };

    if (statement.query) {
        const auto [rows, slots] = solutions(store, txn, *statement.query, prefixes, cancelled);
        for (const auto& row : rows)
            for (const auto& tuple : statement.tuples)
                instantiate(tuple, &slots, row.data());
        return quads;
    }
    for (const auto& tuple : statement.tuples) {
        if (!has_variables(tuple)) {
            instantiate(tuple, nullptr, nullptr);
            continue;
        }
        // remove with variables or wildcards: every fact the tuple matches.
        ast::Query query;
        ast::Pattern pattern;
        pattern.tuple = tuple;
        query.patterns.push_back(pattern);
        const SlotMap slots = bind_query(query, {}, false).slots;
        TuplePlan plan;
        storage::QuadPattern constants;
        bool missing = false;
        const auto terms = terms_of(tuple);
        for (unsigned pos = 0; pos < 4; ++pos) {
            const ast::Term* term = terms[pos];
            if (!term || term->kind == ast::TermKind::WILDCARD)
                continue;
            if (term->kind == ast::TermKind::VARIABLE) {
                plan.positions[pos] = {TuplePosition::SLOT, 0, slots.at(term->text)};
                continue;
            }
            const auto id = store.find(txn, to_storage(*term, prefixes));
            if (!id)
                missing = true;
            else
                constants.terms[pos] = *id;
        }
        if (missing)
            continue;
        storage::QuadScan scan = store.scan(txn, constants);
        const std::vector<TermId> unbound(slots.size(), UNBOUND);
        std::vector<TermId> row(slots.size());
        while (auto quad = scan.next()) {
            std::copy(unbound.begin(), unbound.end(), row.begin());
            if (IndexJoin::bind(plan, *quad, row.data()))
                quads.push_back(*quad);
        }
    }
    return quads;
}

// A fact named by a tuple without variables (in a remove without match) that only rules
// derive: removing it is an error naming the rules, not a silent no-op.
void refuse_derived(const storage::Store& store, const storage::lmdb::Txn& txn,
                    const ast::Statement& statement, RuleEngine& engine,
                    const std::vector<Quad>& quads) {
    if (statement.query)
        return;
    const auto prefixes = load_prefixes(store, txn);
    for (const auto& tuple : statement.tuples) {
        if (has_variables(tuple))
            continue;
        std::array<std::optional<TermId>, 4> ids;
        const auto terms = terms_of(tuple);
        bool missing = false;
        for (unsigned pos = 0; pos < 4; ++pos)
            if (terms[pos] && !(ids[pos] = store.find(txn, to_storage(*terms[pos], prefixes))))
                missing = true;
        if (missing)
            continue;
        for (const Quad& quad : quads) {
            bool same = true;
            for (unsigned pos = 0; pos < 4; ++pos)
                same = same && (!ids[pos] || *ids[pos] == quad[pos]);
            const auto mark = store.derived(txn, quad);
            if (!same || !mark || mark->asserted)
                continue;
            const std::vector<std::string> names = engine.deriving(quad);
            std::string list;
            for (const std::string& name : names)
                list += (list.empty() ? "" : ", ") + name;
            throw QueryError(fmt::format("{} is derived by rule{} {}; remove what it follows "
                                         "from, or drop the rule{}",
                                         engine.fact(quad), names.size() == 1 ? "" : "s", list,
                                         names.size() == 1 ? "" : "s"),
                             &tuple);
        }
    }
}

} // namespace

StatementResult run_add_or_remove(Session& session, const ast::Statement& statement,
                                  const StatementContext&) {
    if (statement.explain)
        throw QueryError("explain shows the plans of match statements; explain the match "
                         "part of this statement instead",
                         &statement);
    StatementResult result;
    result.kind = public_kind(statement.kind);
    storage::Store& store = session.store();
    const std::atomic<bool>& cancelled = session.cancelled();
    auto kept = kept_for_replay(session, statement);
    const bool adding = statement.kind == ast::StatementKind::ADD;
    const RuleEngine::Outcome outcome =
        session.write([&store, &cancelled, kept, adding](storage::lmdb::WriteTxn& txn) {
            std::vector<Quad> quads = quads_of(store, txn, *kept, cancelled);
            RuleEngine::Outcome done;
            if (!store.has_rules(txn)) {
                if (adding) {
                    const storage::AddResult added = store.add(txn, quads);
                    done.added = added.added;
                    done.already_present = added.already_present;
                } else {
                    std::sort(quads.begin(), quads.end());
                    quads.erase(std::unique(quads.begin(), quads.end()), quads.end());
                    done.removed = store.remove(txn, quads).removed;
                }
                return done;
            }
            RuleEngine engine(store, txn, cancelled, store.rules(txn), kept.get());
            RuleEngine::Change change;
            if (adding) {
                change.assert = std::move(quads);
            } else {
                refuse_derived(store, txn, *kept, engine, quads);
                change.unassert = std::move(quads);
            }
            return engine.apply(txn, change);
        });
    result.added = outcome.added;
    result.already_present = outcome.already_present;
    result.removed = outcome.removed;
    result.derived = outcome.derived;
    result.retracted = outcome.retracted;
    return result;
}

} // namespace quarry::engine
