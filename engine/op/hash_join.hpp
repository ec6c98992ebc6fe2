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

class HashJoin : public RowOperator {
public:
    // `keys`: the tuple's positions whose slots every input row binds.
    HashJoin(OperatorPtr child, TuplePlan tuple, std::vector<unsigned> keys)
        : RowOperator(std::move(child)), tuple_(std::move(tuple)), keys_(std::move(keys)), table_(keys_.size()) {}
    std::string describe() const override;

protected:
    void start(ExecContext& context, const TermId* row) override;
    bool step(ExecContext& context, RowBatch& out) override;

private:
    void build(ExecContext& context);

    TuplePlan tuple_;
    std::vector<unsigned> keys_;
    bool built_ = false;
    RowTable table_;                     // the keys
    std::vector<std::size_t> first_;     // per key number, where its matches start; then the end
    std::vector<storage::Quad> matches_; // grouped by key
    std::size_t next_ = 0;               // the current input row's next match
    std::size_t end_ = 0;                // and the end of its matches
    std::vector<TermId> row_;
    std::vector<TermId> extended_;
};

} // namespace quarry::engine
