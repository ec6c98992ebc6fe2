#include "engine/op/hash_join.hpp"

#include <fmt/format.h>

namespace quarry::engine {

void HashJoin::build(ExecContext& context) {
    built_ = true;
    storage::QuadPattern constants;
    for (unsigned pos = 0; pos < 4; ++pos) {
        const TuplePosition& p = tuple_.positions[pos];
        if (p.kind == TuplePosition::MISSING)
            return;
        if (p.kind == TuplePosition::CONSTANT)
            constants.terms[pos] = p.id;
    }
    storage::QuadScan scan = context.store().scan(context.txn(), constants, tuple_.mode);
    std::vector<TermId> key(keys_.size());
    while (auto quad = scan.next()) {
        for (std::size_t k = 0; k < keys_.size(); ++k)
            key[k] = (*quad)[keys_[k]];
        table_[key].push_back(*quad);
        if (++table_rows_ % BATCH_ROWS == 0)
            context.check_cancelled();
    }
}

void HashJoin::start(ExecContext& context, const TermId* row) {
    if (!built_)
        build(context);
    row_.assign(row, row + width());
    std::vector<TermId> key(keys_.size());
    for (std::size_t k = 0; k < keys_.size(); ++k)
        key[k] = row[tuple_.positions[keys_[k]].slot];
    const auto found = table_.find(key);
    matches_ = found == table_.end() ? nullptr : &found->second;
    next_ = 0;
}

bool HashJoin::step(ExecContext&, RowBatch& out) {
    if (!matches_)
        return false;
    extended_.resize(row_.size());
    for (std::size_t produced = 0; next_ < matches_->size(); ++next_, ++produced) {
        if (produced == BATCH_ROWS)
            return true;
        std::copy(row_.begin(), row_.end(), extended_.begin());
        if (IndexJoin::bind(tuple_, (*matches_)[next_], extended_.data()))
            out.push(extended_.data());
    }
    return false;
}

std::string HashJoin::describe() const {
    std::string keys;
    for (unsigned pos : keys_)
        keys += "SPOC"[pos];
    return fmt::format("HashJoin {} on [{}]{}", tuple_.text, keys,
                       built_ ? fmt::format(" table {} rows", table_rows_) : std::string());
}

} // namespace quarry::engine
