#pragma once

// A merge join of two tuples whose scans both come out sorted by a shared variable (it
// directly follows their bound positions in the index each uses): the two scans advance
// together, and each pair of groups with the same value joins as a cross product. The
// side behind skips ahead: after a few steps it seeks to the other side's value (within
// the block it holds, a binary search; beyond it, a seek of the index), so a small side
// against a large one reads only the parts of the large one it needs (`seek`).

#include "engine/op/index_join.hpp"

namespace quarry::engine {

class MergeJoin : public RowOperator {
public:
    // `left_position` / `right_position`: where the shared variable sits in each tuple.
    MergeJoin(OperatorPtr child, TuplePlan left, TuplePlan right, unsigned left_position,
              unsigned right_position, std::string variable, bool seek = true)
        : RowOperator(std::move(child)), left_(std::move(left)), right_(std::move(right)),
          left_position_(left_position), right_position_(right_position),
          variable_(std::move(variable)), seek_(seek) {}
    std::string describe() const override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

    struct State : RowOperator::State {
        std::optional<storage::QuadScan> left_scan, right_scan;
        std::optional<storage::Quad> left_next, right_next;
        std::vector<storage::Quad> left_group, right_group;
        std::vector<TermId> row, extended;
        std::size_t i = 0, j = 0; // position in the cross product of the current groups
        bool groups_ready = false;
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;

private:
    // The next group of quads with one value of the variable, from `scan`.
    static bool next_group(std::optional<storage::QuadScan>& scan,
                           std::optional<storage::Quad>& lookahead, unsigned position,
                           std::vector<storage::Quad>& group);
    // Moves `scan` on to the first fact whose value at `position` is at least `target`
    // (into `lookahead`), stepping a few facts and then seeking.
    void advance(storage::QuadScan& scan, std::optional<storage::Quad>& lookahead,
                 unsigned position, TermId target) const;

    TuplePlan left_, right_;
    unsigned left_position_, right_position_;
    std::string variable_;
    bool seek_;
};

} // namespace quarry::engine
