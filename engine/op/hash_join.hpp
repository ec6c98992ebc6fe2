#pragma once

// A hash join for large inputs: the tuple's matches (over its constants only) are read
// once into a hash table keyed by the join variables, and each input row probes it,
// instead of one index seek per input row. The table depends on no input row, so it
// is built once and survives resets.
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
        : child_(std::move(child)), tuple_(std::move(tuple)), keys_(std::move(keys)),
          table_(keys_.size()) {}
    void reset(const TermId* input) override;
    std::string describe() const override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    // Probes a whole input batch at once (RowTable::find_batch, slots fetched ahead), then
    // extends each row by its matches.
    bool produce(ExecContext& context, RowBatch& out) override;

private:
    void build(ExecContext& context);
    // Reads the next input batch and finds each row's matches; false at the end.
    bool probe(ExecContext& context, std::size_t width);

    OperatorPtr child_;
    TuplePlan tuple_;
    std::vector<unsigned> keys_;
    bool built_ = false;
    RowTable table_;                     // the keys
    std::vector<std::size_t> first_;     // per key number, where its matches start; then the end
    std::vector<storage::Quad> matches_; // grouped by key

    // Run state.
    RowBatch input_;
    std::vector<TermId> probe_keys_; // the key ids of each input row
    std::vector<std::size_t> found_; // the key number of each input row (SIZE_MAX: none)
    std::size_t row_ = 0;            // the input row being extended
    std::size_t next_ = 0, end_ = 0; // its next match, and the end of its matches
    bool exhausted_ = false;
    std::vector<TermId> extended_;
};

} // namespace quarry::engine
