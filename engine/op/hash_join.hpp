#pragma once

// A hash join for large inputs: the tuple's matches (over its constants only) are read
// once into a hash table keyed by the join variables, and each input row probes it,
// instead of one index seek per input row. The table depends on no input row, so it
// is built once and survives resets.

#include "engine/op/index_join.hpp"

#include <unordered_map>

namespace quarry::engine {

class HashJoin : public RowOperator {
public:
    // `keys`: the tuple's positions whose slots every input row binds.
    HashJoin(OperatorPtr child, TuplePlan tuple, std::vector<unsigned> keys)
        : RowOperator(std::move(child)), tuple_(std::move(tuple)), keys_(std::move(keys)) {}
    std::string describe() const override;

protected:
    void start(ExecContext& context, const TermId* row) override;
    bool step(ExecContext& context, RowBatch& out) override;

private:
    struct KeyHash {
        std::size_t operator()(const std::vector<TermId>& key) const {
            std::size_t h = 0;
            for (TermId id : key)
                h = h * 0x9E3779B97F4A7C15ULL + std::hash<TermId>()(id);
            return h;
        }
    };
    void build(ExecContext& context);

    TuplePlan tuple_;
    std::vector<unsigned> keys_;
    bool built_ = false;
    std::unordered_map<std::vector<TermId>, std::vector<storage::Quad>, KeyHash> table_;
    std::size_t table_rows_ = 0;
    const std::vector<storage::Quad>* matches_ = nullptr;
    std::size_t next_ = 0;
    std::vector<TermId> row_;
    std::vector<TermId> extended_;
};

} // namespace quarry::engine
