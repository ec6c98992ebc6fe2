#include "engine/op/row_table.hpp"

#include <algorithm>
#include <cstdlib>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace quarry::engine {

namespace {

constexpr std::size_t HUGE_PAGE = std::size_t{2} << 20;
constexpr std::size_t LARGE = std::size_t{4} << 20;

} // namespace

void* allocate_large(std::size_t bytes) {
    if (bytes < LARGE)
        return ::operator new(bytes);
    const std::size_t rounded = (bytes + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
    void* memory = std::aligned_alloc(HUGE_PAGE, rounded);
    if (!memory)
        throw std::bad_alloc();
#ifdef __linux__
    ::madvise(memory, rounded, MADV_HUGEPAGE); // a hint: without it, ordinary pages
#endif
    return memory;
}

void free_large(void* memory, std::size_t bytes) noexcept {
    if (bytes < LARGE)
        ::operator delete(memory);
    else
        std::free(memory);
}

namespace {

// SplitMix64's finaliser: every bit of `x` reaches the low bits the table indexes by (ids
// of one kind differ in their low bits, and a multiplication alone carries them upward only).
std::uint64_t mix(std::uint64_t x) noexcept {
    x ^= x >> 30;
    x *= 0xBF58476D1CE4E5B9ULL;
    x ^= x >> 27;
    x *= 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

// Ids compared one by one: rows are a few ids wide, too short for memcmp's call to pay.
bool same_ids(const TermId* a, const TermId* b, std::size_t width) noexcept {
    for (std::size_t column_idx = 0; column_idx < width; ++column_idx)
        if (a[column_idx] != b[column_idx])
            return false;
    return true;
}

// Makes `slots` (a power of two long, linear probing) at least twice `entries` long,
// placing the used slots again by `hash` if it grows.
template <typename Slot, typename Used, typename Hash>
void grow_slots(SlotVector<Slot>& slots, std::size_t entries, Used used, Hash hash) {
    if (entries * 2 <= slots.size())
        return;
    std::size_t size = std::max<std::size_t>(64, slots.size());
    while (entries * 2 > size)
        size *= 2;
    SlotVector<Slot> old(size);
    old.swap(slots);
    const std::size_t mask = size - 1;
    for (const Slot& slot : old)
        if (used(slot)) {
            std::size_t i = hash(slot) & mask;
            while (used(slots[i]))
                i = (i + 1) & mask;
            slots[i] = slot;
        }
}

// How many rows ahead insert_batch fetches slots: enough to cover a miss to memory, few
// enough that the fetches in flight fit the core's fill buffers.
constexpr std::size_t PREFETCH_AHEAD = 16;

} // namespace

std::uint64_t RowTable::hash(const TermId* row) const noexcept {
    // A multiply-xorshift mix of each id: ids of one kind differ in their low bits only.
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ width_;
    for (std::size_t column_idx = 0; column_idx < width_; ++column_idx)
        h = mix(h ^ row[column_idx]);
    return h | 1; // never 0
}

void RowTable::reserve(std::size_t more) {
    grow_slots(
        slots_, count_ + more, [](const Slot& slot) { return slot.index != 0; },
        [&](const Slot& slot) { return width_ == 1 ? hash(&slot.tag) : slot.tag; });
}

bool RowTable::matches(const Slot& slot, const TermId* row, std::uint64_t tag) const noexcept {
    return slot.tag == tag &&
           (width_ == 1 || same_ids(row, rows_.data() + (slot.index - 1) * width_, width_));
}

std::pair<std::size_t, bool> RowTable::insert(const TermId* row, std::uint64_t h) {
    reserve(1);
    const std::uint64_t tag = tag_of(row, h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        Slot& slot = slots_[i];
        if (slot.index == 0) {
            slot = {tag_of(row, h), count_ + 1};
            rows_.insert(rows_.end(), row, row + width_);
            return {count_++, true};
        }
        if (matches(slot, row, tag))
            return {slot.index - 1, false};
    }
}

void RowTable::insert_batch(const TermId* rows, std::size_t count, std::size_t stride,
                            std::size_t* numbers, char* added) {
    reserve(count);
    hashes_.resize(count);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t row_idx = 0; row_idx < count; ++row_idx)
        hashes_[row_idx] = hash(rows + row_idx * stride);
    for (std::size_t row_idx = 0; row_idx < std::min(count, PREFETCH_AHEAD); ++row_idx)
        __builtin_prefetch(&slots_[hashes_[row_idx] & mask]);
    for (std::size_t row_idx = 0; row_idx < count; ++row_idx) {
        if (row_idx + PREFETCH_AHEAD < count)
            __builtin_prefetch(&slots_[hashes_[row_idx + PREFETCH_AHEAD] & mask]);
        const auto [number, is_new] = insert(rows + row_idx * stride, hashes_[row_idx]);
        if (numbers)
            numbers[row_idx] = number;
        if (added)
            added[row_idx] = is_new;
    }
}

std::optional<std::size_t> RowTable::find(const TermId* row) const {
    return find(row, hash(row));
}

std::optional<std::size_t> RowTable::find(const TermId* row, std::uint64_t h) const {
    if (slots_.empty())
        return std::nullopt;
    const std::uint64_t tag = tag_of(row, h);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
        const Slot& slot = slots_[i];
        if (slot.index == 0)
            return std::nullopt;
        if (matches(slot, row, tag))
            return slot.index - 1;
    }
}

void RowTable::find_batch(const TermId* rows, std::size_t count, std::size_t* numbers) {
    if (slots_.empty()) {
        std::fill_n(numbers, count, SIZE_MAX);
        return;
    }
    hashes_.resize(count);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t row_idx = 0; row_idx < count; ++row_idx)
        hashes_[row_idx] = hash(rows + row_idx * width_);
    for (std::size_t row_idx = 0; row_idx < std::min(count, PREFETCH_AHEAD); ++row_idx)
        __builtin_prefetch(&slots_[hashes_[row_idx] & mask]);
    for (std::size_t row_idx = 0; row_idx < count; ++row_idx) {
        if (row_idx + PREFETCH_AHEAD < count)
            __builtin_prefetch(&slots_[hashes_[row_idx + PREFETCH_AHEAD] & mask]);
        numbers[row_idx] = find(rows + row_idx * width_, hashes_[row_idx]).value_or(SIZE_MAX);
    }
}

void RowTable::clear() {
    count_ = 0;
    rows_.clear();
    slots_.clear();
}

namespace {

// One mix of the id and the group spread by an odd multiplier: ids of one kind differ in
// their low bits, group numbers are small.
std::uint64_t pair_hash(std::uint64_t group, TermId id) noexcept {
    return mix(id ^ (group * 0x9E3779B97F4A7C15ULL));
}

} // namespace

void PairSet::reserve(std::size_t more) {
    grow_slots(
        slots_, count_ + more, [](const Slot& slot) { return slot.group != 0; },
        [](const Slot& slot) { return pair_hash(slot.group, slot.id); });
}

void PairSet::insert_batch(const std::size_t* groups, const TermId* ids, std::size_t count,
                           char* added) {
    reserve(count);
    homes_.resize(count);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t row_idx = 0; row_idx < count; ++row_idx)
        homes_[row_idx] = pair_hash(groups[row_idx] + 1, ids[row_idx]) & mask;
    for (std::size_t row_idx = 0; row_idx < std::min(count, PREFETCH_AHEAD); ++row_idx)
        __builtin_prefetch(&slots_[homes_[row_idx]]);
    for (std::size_t row_idx = 0; row_idx < count; ++row_idx) {
        if (row_idx + PREFETCH_AHEAD < count)
            __builtin_prefetch(&slots_[homes_[row_idx + PREFETCH_AHEAD]]);
        const std::uint64_t group = groups[row_idx] + 1;
        for (std::size_t i = homes_[row_idx];; i = (i + 1) & mask) {
            Slot& slot = slots_[i];
            if (slot.group == 0) {
                slot = {group, ids[row_idx]};
                ++count_;
                added[row_idx] = 1;
                break;
            }
            if (slot.group == group && slot.id == ids[row_idx]) {
                added[row_idx] = 0;
                break;
            }
        }
    }
}

void PairSet::clear() {
    count_ = 0;
    slots_.clear();
}

void DistinctCounter::add_batch(const std::size_t* groups, const TermId* ids, std::size_t count) {
    if (partitions_.empty())
        partitions_.resize(PARTITIONS);
    for (std::size_t row_idx = 0; row_idx < count; ++row_idx) {
        if (ids[row_idx] == UNBOUND)
            continue;
        const std::uint64_t group = groups[row_idx] + 1;
        // The high bits choose the partition; reduce() indexes by the low ones.
        Partition& partition = partitions_[pair_hash(group, ids[row_idx]) >> 56];
        partition.pairs.push_back({group, ids[row_idx]});
        if (partition.pairs.size() >= partition.limit)
            reduce(partition);
    }
}

void DistinctCounter::reduce(Partition& partition) {
    std::vector<Pair>& pairs = partition.pairs;
    std::size_t size = 64;
    while (size < pairs.size() * 2)
        size *= 2;
    set_.assign(size, Pair{});
    const std::size_t mask = size - 1;
    std::size_t kept = 0;
    for (const Pair pair : pairs) {
        for (std::size_t i = pair_hash(pair.group, pair.id) & mask;; i = (i + 1) & mask) {
            Pair& slot = set_[i];
            if (slot.group == 0) {
                slot = pair;
                pairs[kept++] = pair; // kept <= the pair's own index
                break;
            }
            if (slot.group == pair.group && slot.id == pair.id)
                break;
        }
    }
    pairs.resize(kept);
    partition.reduced = kept;
    partition.limit = std::max(FIRST_REDUCTION, kept * 2);
}

void DistinctCounter::count(std::uint64_t* counts, std::size_t stride, std::size_t offset) {
    for (Partition& partition : partitions_) {
        if (partition.pairs.size() > partition.reduced)
            reduce(partition);
        for (const Pair& pair : partition.pairs)
            ++counts[(pair.group - 1) * stride + offset];
    }
}

void DistinctCounter::clear() {
    partitions_.clear();
    set_.clear();
}

} // namespace quarry::engine
