#pragma once

// A hash table of fixed-width rows of term ids, for grouping and duplicate removal on ids
// (the result stage never decodes a term to tell two rows apart: equal ids are equal
// terms). Rows are kept flat, one after another, and numbered in order of insertion;
// open addressing with linear probing over (hash, index) slots, at most half full.

#include "engine/exec_context.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace quarry::engine {

class RowTable {
public:
    explicit RowTable(std::size_t width = 0) : width_(width) {}

    std::size_t width() const noexcept { return width_; }
    std::size_t size() const noexcept { return count_; }
    // The row numbered `index` (valid until the next insert).
    const TermId* row(std::size_t index) const { return rows_.data() + index * width_; }

    // The number of `row` (width() ids), and true if it was not there before.
    std::pair<std::size_t, bool> insert(const TermId* row);

    void clear();
    // Bytes held, for explain analyze and memory accounting.
    std::size_t bytes() const noexcept { return rows_.capacity() * sizeof(TermId) + slots_.capacity() * sizeof(Slot); }

private:
    struct Slot {
        std::uint64_t hash = 0;
        std::size_t index = 0; // the row's number plus one; 0: empty
    };
    std::uint64_t hash(const TermId* row) const noexcept;
    void grow();

    std::size_t width_;
    std::size_t count_ = 0;
    std::vector<TermId> rows_;
    std::vector<Slot> slots_;
};

} // namespace quarry::engine
