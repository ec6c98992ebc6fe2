#pragma once

// Counts read from the exact statistics instead of a scan: one row per group (the whole
// store, each predicate, or each context) with its fact count, as an inline integer, in
// `count_slot`. The planner uses it for a single four-element tuple whose results are only
// counted (Planner::count_from_statistics); a count(*) over it is a sum of that slot.

#include "engine/op/index_join.hpp"

namespace quarry::engine {

class StatisticsScan : public RowOperator {
public:
    enum class Group { NONE, PREDICATE, CONTEXT };
    // `predicate`, `context`: the tuple's positions (CONSTANT, MISSING, SLOT or OPEN); a
    // group's position must be a SLOT, and at most one of them may be CONSTANT.
    StatisticsScan(OperatorPtr child, Group group, TuplePosition predicate, TuplePosition context,
                   std::size_t count_slot)
        : RowOperator(std::move(child)), group_(group), predicate_(predicate), context_(context),
          count_slot_(count_slot) {}
    std::string describe() const override;

    struct State : RowOperator::State {
        std::vector<std::pair<TermId, std::uint64_t>> groups; // (group term, facts)
        std::size_t next = 0;
        std::vector<TermId> row;
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;

private:
    Group group_;
    TuplePosition predicate_, context_;
    std::size_t count_slot_;
};

} // namespace quarry::engine
