#pragma once

// A hash join for large inputs: the tuple's matches (over its constants only) are read
// once into a hash table keyed by the join variables, and each input row probes it,
// instead of one index seek per input row. The table depends on no input row, so it
// is built once per run and survives resets (a block's, with each row of its parent).
//
// The table is flat: the keys in a RowTable, numbered as they first appear, and the
// matches of key k at matches_[first_[k], first_[k + 1]) (a counting sort of the scan
// by key number), so building allocates a few arrays, not one per key.

#include "engine/op/index_join.hpp"
#include "engine/op/row_table.hpp"

namespace quarry::engine {

class HashJoin : public Operator {
public:
    // `keys`: the tuple's positions whose slots every input row binds.
    HashJoin(OperatorPtr child, TuplePlan tuple, std::vector<unsigned> keys)
        : child_(std::move(child)), tuple_(std::move(tuple)), keys_(std::move(keys)) {}

    struct State : OperatorState {
        explicit State(std::size_t keys) : table(keys) {}
        // The table, built at the first input batch of the run.
        bool built = false;
        RowTable table;                     // the keys
        std::vector<std::size_t> first;     // per key number, where its matches start; then the end
        std::vector<storage::Quad> matches; // grouped by key

        RowBatch input;
        std::vector<TermId> probe_keys; // the key ids of each input row
        std::vector<std::size_t> found; // the key number of each input row (SIZE_MAX: none)
        std::size_t row = 0;            // the input row being extended
        std::size_t next = 0, end = 0;  // its next match, and the end of its matches
        bool exhausted = false;
        std::vector<TermId> extended;
    };
    StatePtr make_state() const override {
        return with_input(std::make_unique<State>(keys_.size()), *child_);
    }
    void reset(OperatorState& state, const TermId* input) const override;
    std::string describe() const override;
    std::string describe_run(const OperatorState& state) const override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    // Probes a whole input batch at once (RowTable::find_batch, slots fetched ahead), then
    // extends each row by its matches.
    bool produce(ExecContext& context, OperatorState& state, RowBatch& out) const override;

private:
    void build(ExecContext& context, State& state) const;
    // Reads the next input batch and finds each row's matches; false at the end.
    bool probe(ExecContext& context, State& state, std::size_t width) const;

    OperatorPtr child_;
    TuplePlan tuple_;
    std::vector<unsigned> keys_;
};

} // namespace quarry::engine
