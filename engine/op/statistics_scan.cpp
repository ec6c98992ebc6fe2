#include "engine/op/statistics_scan.hpp"

#include "storage/term_codec.hpp"

namespace quarry::engine {

std::string StatisticsScan::describe() const {
    switch (group_) {
    case Group::PREDICATE: return "StatisticsScan facts per predicate";
    case Group::CONTEXT: return "StatisticsScan facts per context";
    case Group::NONE: break;
    }
    if (predicate_.kind == TuplePosition::CONSTANT)
        return "StatisticsScan facts of one predicate";
    if (context_.kind == TuplePosition::CONSTANT)
        return "StatisticsScan facts of one context";
    return "StatisticsScan facts";
}

void StatisticsScan::start(ExecContext& context, RowOperator::State& base,
                           const TermId* row) const {
    State& state = state_of<State>(base);
    state.row.assign(row, row + width(state));
    state.groups.clear();
    state.next = 0;
    const storage::Statistics& statistics = context.store().statistics();
    const auto& txn = context.txn();
    switch (group_) {
    case Group::PREDICATE:
        statistics.for_each_predicate(txn,
                                      [&](TermId predicate, const storage::PredicateStats& stats) {
                                          state.groups.emplace_back(predicate, stats.facts);
                                      });
        return;
    case Group::CONTEXT:
        statistics.for_each_context(
            txn, [&](TermId c, std::uint64_t facts) { state.groups.emplace_back(c, facts); });
        return;
    case Group::NONE: break;
    }
    std::uint64_t facts = 0;
    if (predicate_.kind == TuplePosition::MISSING || context_.kind == TuplePosition::MISSING)
        facts = 0;
    else if (predicate_.kind == TuplePosition::CONSTANT)
        facts = statistics.predicate(txn, predicate_.id).value_or(storage::PredicateStats{}).facts;
    else if (context_.kind == TuplePosition::CONSTANT)
        facts = statistics.context(txn, context_.id);
    else
        facts = statistics.facts(txn);
    state.groups.emplace_back(UNBOUND, facts);
}

bool StatisticsScan::step(ExecContext&, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    std::vector<TermId> extended(state.row.size());
    for (; state.next < state.groups.size(); ++state.next) {
        if (out.size() >= BATCH_ROWS)
            return true;
        std::copy(state.row.begin(), state.row.end(), extended.begin());
        const auto [term, facts] = state.groups[state.next];
        if (group_ == Group::PREDICATE)
            extended[predicate_.slot] = term;
        else if (group_ == Group::CONTEXT)
            extended[context_.slot] = term;
        extended[count_slot_] = storage::inline_integer_id(static_cast<std::int64_t>(facts));
        out.push(extended.data());
    }
    return false;
}

} // namespace quarry::engine
