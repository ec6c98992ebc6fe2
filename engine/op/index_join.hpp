#pragma once

// Extends each input row with the facts matching one tuple: the positions bound by
// constants or by the row become a prefix range of the right index, entered by a seek
// (index nested-loop join).

#include "engine/op/operator.hpp"

#include <array>
#include <optional>

namespace quarry::engine {

// One position of a tuple in a plan.
struct TuplePosition {
    enum Kind {
        CONSTANT, // `id`
        MISSING,  // a constant the dictionary does not hold: nothing matches
        SLOT,     // a variable
        OPEN,     // a wildcard, or the context of a three-element tuple
    };
    Kind kind = OPEN;
    TermId id = 0;
    std::size_t slot = 0;
};

// A range condition on one open position, as id ranges (inline values sort in value
// order within their tag). The condition itself stays as a filter above the join: the
// ranges only narrow the scan.
struct IdRange {
    unsigned position = 0;                         // S P O C
    std::vector<std::pair<TermId, TermId>> ranges; // inclusive
    std::string text; // for explain, e.g. "O in [2024-01-01 .. 2025-01-01]"
};

struct TuplePlan {
    std::array<TuplePosition, 4> positions; // S P O C
    std::optional<IdRange> range;
    storage::ScanMode mode = storage::ScanMode::QUADS;
    std::string text; // the tuple as written, for explain
    // What the planner expects: the index, and the positions bound (by constants or by
    // earlier operators), e.g. "SP". For explain.
    storage::Permutation planned_index = storage::Permutation::SPOC;
    std::string planned_bound;
};

class IndexJoin : public RowOperator {
public:
    IndexJoin(OperatorPtr child, TuplePlan tuple)
        : RowOperator(std::move(child)), tuple_(std::move(tuple)) {}
    std::string describe() const override;

    // The pattern of a tuple over a row: its constants and the row's bound slots.
    // Nullopt if a constant is missing (nothing can match).
    static std::optional<storage::QuadPattern> pattern(const TuplePlan& tuple, const TermId* row);
    // Writes the slots of `quad` into `row`; false if a variable repeated in the tuple
    // would get two different values.
    static bool bind(const TuplePlan& tuple, const storage::Quad& quad, TermId* row);

    struct State : RowOperator::State {
        std::optional<storage::QuadScan> scan;
        std::vector<std::pair<storage::Key, storage::Key>>
            pending_ranges; // key ranges still to scan
        storage::Permutation range_permutation = storage::Permutation::SPOC;
        std::vector<TermId> row;      // the input row being extended
        std::vector<TermId> extended; // scratch for an output row
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;
    void reset_state(RowOperator::State& base) const override {
        State& state = state_of<State>(base);
        state.scan.reset();
        state.pending_ranges.clear();
    }

private:
    TuplePlan tuple_;
};

} // namespace quarry::engine
