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
    storage::QuadScan scan = context.scan(constants, tuple_.mode);
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

void HashJoin::reset(const TermId* input) {
    child_->reset(input);
    input_.clear();
    row_ = 0;
    next_ = end_ = 0;
    exhausted_ = false;
}

bool HashJoin::probe(ExecContext& context, std::size_t width) {
    input_.width = width;
    if (exhausted_ || !child_->next(context, input_)) {
        exhausted_ = true;
        return false;
    }
    if (!built_)
        build(context);
    const std::size_t rows = input_.size(), key_width = keys_.size();
    probe_keys_.resize(rows * key_width);
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
        for (std::size_t k = 0; k < key_width; ++k)
            probe_keys_[row_idx * key_width + k] =
                input_.row(row_idx)[tuple_.positions[keys_[k]].slot];
    found_.resize(rows);
    table_.find_batch(probe_keys_.data(), rows, found_.data());
    row_ = 0;
    next_ = end_ = 0;
    return true;
}

bool HashJoin::produce(ExecContext& context, RowBatch& out) {
    const std::size_t width = out.width;
    extended_.resize(width);
    while (out.size() < BATCH_ROWS) {
        if (next_ == end_) { // on to the next input row
            if (row_ >= input_.size() && !probe(context, width))
                break;
            if (row_ >= input_.size())
                continue;
            const std::size_t number = found_[row_++];
            next_ = number == SIZE_MAX ? 0 : first_[number];
            end_ = number == SIZE_MAX ? 0 : first_[number + 1];
            continue;
        }
        const TermId* row = input_.row(row_ - 1);
        std::copy(row, row + width, extended_.begin());
        if (IndexJoin::bind(tuple_, matches_[next_++], extended_.data()))
            out.push(extended_.data());
    }
    return !out.empty();
}

std::string HashJoin::describe() const {
    std::string keys;
    for (unsigned pos : keys_)
        keys += "SPOC"[pos];
    return fmt::format("HashJoin {} on [{}]{}", tuple_.text, keys,
                       built_ ? fmt::format(" table {} rows", matches_.size()) : std::string());
}

} // namespace quarry::engine
