#include "engine/op/hash_join.hpp"

#include <fmt/format.h>

namespace quarry::engine {

void HashJoin::build(ExecContext& context) {
    built_ = true;
    storage::QuadPattern constants;
    for (unsigned pos = 0; pos < 4; ++pos) {
        const TuplePosition& p = tuple_.positions[pos];
        if (p.kind == TuplePosition::MISSING) {
            first_.assign(1, 0);
            return;
        }
        if (p.kind == TuplePosition::CONSTANT)
            constants.terms[pos] = p.id;
    }
    storage::QuadScan scan = context.store().scan(context.txn(), constants, tuple_.mode);
    std::vector<storage::Quad> scanned;
    std::vector<std::size_t> numbers;
    std::vector<TermId> key(keys_.size());
    while (auto quad = scan.next()) {
        for (std::size_t k = 0; k < keys_.size(); ++k)
            key[k] = (*quad)[keys_[k]];
        numbers.push_back(table_.insert(key.data()).first);
        scanned.push_back(*quad);
        if (scanned.size() % BATCH_ROWS == 0)
            context.check_cancelled();
    }
    // Counting sort by key number.
    first_.assign(table_.size() + 1, 0);
    for (std::size_t number : numbers)
        ++first_[number + 1];
    for (std::size_t k = 1; k < first_.size(); ++k)
        first_[k] += first_[k - 1];
    matches_.resize(scanned.size());
    std::vector<std::size_t> fill(first_.begin(), first_.end() - 1);
    for (std::size_t i = 0; i < scanned.size(); ++i)
        matches_[fill[numbers[i]]++] = scanned[i];
}

void HashJoin::start(ExecContext& context, const TermId* row) {
    if (!built_)
        build(context);
    row_.assign(row, row + width());
    std::vector<TermId>& key = extended_; // free until step()
    key.resize(keys_.size());
    for (std::size_t k = 0; k < keys_.size(); ++k)
        key[k] = row[tuple_.positions[keys_[k]].slot];
    const auto number = table_.find(key.data());
    next_ = number ? first_[*number] : 0;
    end_ = number ? first_[*number + 1] : 0;
}

bool HashJoin::step(ExecContext&, RowBatch& out) {
    extended_.resize(row_.size());
    for (std::size_t produced = 0; next_ < end_; ++next_, ++produced) {
        if (produced == BATCH_ROWS)
            return true;
        std::copy(row_.begin(), row_.end(), extended_.begin());
        if (IndexJoin::bind(tuple_, matches_[next_], extended_.data()))
            out.push(extended_.data());
    }
    return false;
}

std::string HashJoin::describe() const {
    std::string keys;
    for (unsigned pos : keys_)
        keys += "SPOC"[pos];
    return fmt::format("HashJoin {} on [{}]{}", tuple_.text, keys,
                       built_ ? fmt::format(" table {} rows", matches_.size()) : std::string());
}

} // namespace quarry::engine
