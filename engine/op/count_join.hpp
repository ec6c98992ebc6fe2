#pragma once

// A factorised join of two tuples that share one variable, for queries that need of the
// joined rows only their number or the shared variable's values: `count(*)` over the join
// (in all, or grouped by the shared variable) and `distinct` of the shared variable. The
// joined rows are never built: per value of the shared variable the matches of each side
// are counted, and the join has count(left) × count(right) rows with that value.
//
// The build side's matches are counted per value in a RowTable (one scan); the probe
// side is scanned once, consecutive matches with the same value (a scan sorted by the
// variable gives runs) probed as one, a batch of values at a time. The operator emits one
// row per value both sides have: the value in its slot, the product of the counts in
// `count_slot` as an inline integer, the other slots as the input row has them. Blocking:
// both scans run at the first call.

#include "engine/op/index_join.hpp"
#include "engine/op/row_table.hpp"

namespace quarry::engine {

class CountJoin : public RowOperator {
public:
    // `build` is counted into the table, `probe` streamed; `build_position` and
    // `probe_position`: where the shared variable (slot `variable`) sits in each.
    CountJoin(OperatorPtr child, TuplePlan build, TuplePlan probe, unsigned build_position,
              unsigned probe_position, std::size_t variable, std::size_t count_slot,
              std::string variable_name)
        : RowOperator(std::move(child)), build_(std::move(build)), probe_(std::move(probe)),
          build_position_(build_position), probe_position_(probe_position), variable_(variable),
          count_slot_(count_slot), variable_name_(std::move(variable_name)) {}
    std::string describe() const override;
    std::string describe_run(const OperatorState& state) const override;

    struct State : RowOperator::State {
        RowTable table{1};                  // the build side's values
        std::vector<std::uint64_t> counts;  // per value number: the build side's matches
        std::vector<std::uint64_t> matched; // per value number: the probe side's matches
        std::vector<TermId> values;         // a batch of probe values
        std::vector<std::uint64_t> runs;    // their run lengths
        std::vector<std::size_t> numbers;   // their value numbers
        std::vector<TermId> row, extended;
        std::size_t next = 0; // the next value number to emit
        bool built = false;   // the table holds this input row's counts
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;

private:
    // Scans `pattern` in key order, gathering the shared variable's values (at `position`)
    // into `values` with their run lengths in `runs`, and calls `flush` for each batch
    // of BATCH_ROWS and once at the end.
    template <typename Flush>
    static void read_runs(ExecContext& context, State& state, const storage::QuadPattern& pattern,
                          const TuplePlan& plan, unsigned position, Flush&& flush);
    // Probes `values` (with their run lengths in `runs`) and adds to `matched`.
    static void probe_values(State& state);

    TuplePlan build_, probe_;
    unsigned build_position_, probe_position_;
    std::size_t variable_, count_slot_;
    std::string variable_name_;
};

} // namespace quarry::engine
