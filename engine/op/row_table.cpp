#include "engine/op/row_table.hpp"

#include <algorithm>

namespace quarry::engine {

std::uint64_t RowTable::hash(const TermId* row) const noexcept {
    // A multiply-xorshift mix of each id: ids of one kind differ in their low bits only.
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ width_;
    for (std::size_t column_idx = 0; column_idx < width_; ++column_idx) {
        h ^= row[column_idx];
        h *= 0xBF58476D1CE4E5B9ULL;
        h ^= h >> 31;
    }
    return h | 1; // never 0, so a zero hash marks nothing
}

void RowTable::grow() {
    const std::size_t size = std::max<std::size_t>(64, slots_.size() * 2);
    std::vector<Slot> old(size);
    old.swap(slots_);
    const std::size_t mask = size - 1;
    for (const Slot& slot : old)
        if (slot.index != 0) {
            std::size_t i = slot.hash & mask;
            while (slots_[i].index != 0)
                i = (i + 1) & mask;
            slots_[i] = slot;
        }
}

std::pair<std::size_t, bool> RowTable::insert(const TermId* row) {
    if ((count_ + 1) * 2 > slots_.size())
        grow();
    const std::uint64_t h = hash(row);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        Slot& slot = slots_[i];
        if (slot.index == 0) {
            slot = {h, count_ + 1};
            rows_.insert(rows_.end(), row, row + width_);
            return {count_++, true};
        }
        if (slot.hash == h && std::equal(row, row + width_, rows_.data() + (slot.index - 1) * width_))
            return {slot.index - 1, false};
    }
}

void RowTable::clear() {
    count_ = 0;
    rows_.clear();
    slots_.clear();
}

} // namespace quarry::engine
