// rule, drop rule and why (SPEC §10); the rules' upkeep itself is engine/rules.cpp.

#include "engine/error.hpp"
#include "engine/rows.hpp"
#include "engine/rules.hpp"
#include "engine/statements.hpp"
#include "parser/printer.hpp"

#include <fmt/format.h>

namespace quarry::engine {

namespace ast = parser::ast;
using storage::Quad;

namespace {

std::string facts_text(std::size_t count) {
    return fmt::format("{} {}", count, count == 1 ? "fact" : "facts");
}

} // namespace

StatementResult run_rule(Session& session, const ast::Statement& statement,
                         const StatementContext&) {
    storage::Store& store = session.store();
    const std::atomic<bool>& cancelled = session.cancelled();
    auto kept = kept_for_replay(session, statement);
    const auto outcome = session.write([&store, &cancelled, kept](storage::lmdb::WriteTxn& txn) {
        const ast::Statement& rule = *kept;
        const std::string text = rule_text(rule, load_prefixes(store, txn));
        auto rules = store.rules(txn);
        for (const auto& [name, _] : rules)
            if (name == rule.name.text)
                throw QueryError(fmt::format("a rule named {} exists already; drop rule {} "
                                             "first to replace it",
                                             rule.name.text, rule.name.text),
                                 &rule.name);
        store.put_rule(txn, rule.name.text, text);
        rules.emplace_back(rule.name.text, text);
        RuleEngine engine(store, txn, cancelled, rules, &rule);
        RuleEngine::Change change;
        change.new_rules.push_back(rule.name.text);
        return engine.apply(txn, change);
    });
    StatementResult result;
    result.kind = StatementKind::RULE;
    result.derived = outcome.derived;
    result.retracted = outcome.retracted;
    result.message =
        fmt::format("rule {} added: {} derived", statement.name.text, facts_text(outcome.derived));
    if (outcome.retracted)
        result.message += fmt::format(", {} no longer {}", facts_text(outcome.retracted),
                                      outcome.retracted == 1 ? "holds" : "hold");
    return result;
}

StatementResult run_drop_rule(Session& session, const ast::Statement& statement,
                              const StatementContext&) {
    storage::Store& store = session.store();
    const std::atomic<bool>& cancelled = session.cancelled();
    auto kept = kept_for_replay(session, statement);
    const auto outcome = session.write([&store, &cancelled, kept](storage::lmdb::WriteTxn& txn) {
        const ast::Statement& drop = *kept;
        const auto rules = store.rules(txn);
        if (std::none_of(rules.begin(), rules.end(),
                         [&](const auto& rule) { return rule.first == drop.name.text; })) {
            std::string known;
            for (const auto& [name, _] : rules)
                known += (known.empty() ? "" : ", ") + name;
            throw QueryError(fmt::format("there is no rule named {}{}", drop.name.text,
                                         known.empty() ? " (there are no rules)"
                                                       : " (the rules are " + known + ")"),
                             &drop.name);
        }
        RuleEngine engine(store, txn, cancelled, rules, &drop, {drop.name.text});
        const RuleEngine::Outcome done = engine.apply(txn, {});
        store.remove_rule(txn, drop.name.text);
        return done;
    });
    StatementResult result;
    result.kind = StatementKind::DROP_RULE;
    result.derived = outcome.derived;
    result.retracted = outcome.retracted;
    result.message =
        fmt::format("rule {} dropped: {} no longer {}", statement.name.text,
                    facts_text(outcome.retracted), outcome.retracted == 1 ? "holds" : "hold");
    return result;
}

void derive_after_load(storage::Store& store, const storage::lmdb::WriteTxn& txn,
                       const std::atomic<bool>& cancelled, const std::vector<TermId>& predicates) {
    if (!store.has_rules(txn))
        return;
    RuleEngine engine(store, txn, cancelled, store.rules(txn));
    RuleEngine::Change change;
    change.loaded = predicates;
    engine.apply(txn, change);
}

StatementResult run_why(Session& session, const ast::Statement& statement,
                        const StatementContext&) {
    Session::Read read = session.read();
    const storage::lmdb::Txn& txn = *read.txn;
    storage::Store& store = session.store();
    const ast::Tuple& tuple = statement.tuples.at(0);
    // The facts the tuple names: in its context, or (three elements) in any.
    std::vector<Quad> facts;
    storage::QuadPattern pattern;
    bool missing = false;
    const std::array<const ast::Term*, 4> terms{&tuple.subject, &tuple.predicate.term,
                                                &tuple.object,
                                                tuple.context ? &*tuple.context : nullptr};
    for (unsigned pos = 0; pos < 4; ++pos) {
        if (!terms[pos])
            continue;
        const auto id = store.find(txn, to_storage(*terms[pos], read.prefixes));
        if (!id)
            missing = true;
        else
            pattern.terms[pos] = *id;
    }
    if (!missing) {
        storage::QuadScan scan = store.scan(txn, pattern);
        while (auto quad = scan.next())
            facts.push_back(*quad);
    }
    std::vector<std::string> lines;
    const std::string written = parser::print(tuple);
    RuleEngine engine(store, txn, session.cancelled(), store.rules(txn));
    if (facts.empty()) {
        lines.push_back(written + " does not hold");
    } else {
        // The stored one if any, else the one derived lowest.
        const Quad* best = nullptr;
        std::uint32_t best_rank = 0;
        for (const Quad& quad : facts) {
            const std::uint32_t rank = engine.rank_of_fact(quad);
            if (!best || rank < best_rank) {
                best = &quad;
                best_rank = rank;
            }
        }
        if (best_rank == 0)
            lines.push_back(written + " is stored");
        else
            lines = engine.explain(*best);
    }
    StatementResult result;
    result.kind = StatementKind::WHY;
    result.rows = std::make_unique<TextRows>("why", std::move(lines));
    result.plan = true;
    return result;
}

} // namespace quarry::engine
