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

void StatisticsScan::start(ExecContext& context, const TermId* row) {
    row_.assign(row, row + width());
    groups_.clear();
    next_ = 0;
    const storage::Statistics& statistics = context.store().statistics();
    const auto& txn = context.txn();
    switch (group_) {
    case Group::PREDICATE:
        statistics.for_each_predicate(txn, [&](TermId predicate, const storage::PredicateStats& stats) {
            groups_.emplace_back(predicate, stats.facts);
        });
        return;
    case Group::CONTEXT:
        statistics.for_each_context(txn, [&](TermId c, std::uint64_t facts) { groups_.emplace_back(c, facts); });
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
    groups_.emplace_back(UNBOUND, facts);
}

bool StatisticsScan::step(ExecContext&, RowBatch& out) {
    std::vector<TermId> extended(row_.size());
    for (; next_ < groups_.size(); ++next_) {
        if (out.size() >= BATCH_ROWS)
            return true;
        std::copy(row_.begin(), row_.end(), extended.begin());
        const auto [term, facts] = groups_[next_];
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
