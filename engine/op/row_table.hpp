#pragma once

// A hash table of fixed-width rows of term ids, for grouping and duplicate removal on ids
// (the result stage never decodes a term to tell two rows apart: equal ids are equal
// terms). Rows are kept flat, one after another, and numbered in order of insertion;
// open addressing with linear probing over (hash, index) slots, at most half full.
//
// insert_batch() takes a batch of rows at once: it hashes them all and fetches their slots
// ahead before probing, so that the cache misses of a large table overlap instead of
// coming one after another.

#include "engine/exec_context.hpp"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace quarry::engine {

// Large arrays (4 MiB and more) in memory the kernel may back with huge pages: a hash
// table's probes go anywhere in it, and with 4 KiB pages each one also misses the TLB.
void* allocate_large(std::size_t bytes);
void free_large(void* memory, std::size_t bytes) noexcept;

template <typename T>
struct LargeAllocator {
    using value_type = T;
    LargeAllocator() = default;
    template <typename U>
    LargeAllocator(const LargeAllocator<U>&) noexcept {}
    T* allocate(std::size_t n) { return static_cast<T*>(allocate_large(n * sizeof(T))); }
    void deallocate(T* memory, std::size_t n) noexcept { free_large(memory, n * sizeof(T)); }
    template <typename U>
    bool operator==(const LargeAllocator<U>&) const noexcept {
        return true;
    }
};

template <typename Slot>
using SlotVector = std::vector<Slot, LargeAllocator<Slot>>;

class RowTable {
public:
    explicit RowTable(std::size_t width = 0) : width_(width) {}

    std::size_t width() const noexcept { return width_; }
    std::size_t size() const noexcept { return count_; }
    // The row numbered `index` (valid until the next insert).
    const TermId* row(std::size_t index) const { return rows_.data() + index * width_; }

    // The number of `row` (width() ids), and true if it was not there before.
    std::pair<std::size_t, bool> insert(const TermId* row) { return insert(row, hash(row)); }

    // insert() of `count` rows, the first width() ids of each row of `stride` ids from
    // `rows`; their numbers go to `numbers` and whether each was new to `added` (either
    // may be null). Rows of one batch may repeat each other.
    void insert_batch(const TermId* rows, std::size_t count, std::size_t stride,
                      std::size_t* numbers, char* added);

    // The number of `row`, if it is there.
    std::optional<std::size_t> find(const TermId* row) const;
    // find() of `count` rows of width() ids, one after another from `rows`: each one's
    // number, or SIZE_MAX, into `numbers`; slots are fetched ahead.
    void find_batch(const TermId* rows, std::size_t count, std::size_t* numbers);

    void clear();

private:
    struct Slot {
        // The row's hash; for rows of one id, the id itself, so that a probe compares
        // within the slot and never reads the row.
        std::uint64_t tag = 0;
        std::size_t index = 0; // the row's number plus one; 0: empty
    };
    std::uint64_t hash(const TermId* row) const noexcept;
    std::uint64_t tag_of(const TermId* row, std::uint64_t hash) const noexcept {
        return width_ == 1 ? row[0] : hash;
    }
    bool matches(const Slot& slot, const TermId* row, std::uint64_t tag) const noexcept;
    std::pair<std::size_t, bool> insert(const TermId* row, std::uint64_t hash);
    std::optional<std::size_t> find(const TermId* row, std::uint64_t hash) const;
    // Makes room for `more` rows without growing while they go in.
    void reserve(std::size_t more);

    std::size_t width_;
    std::size_t count_ = 0;
    std::vector<TermId> rows_;
    SlotVector<Slot> slots_;
    std::vector<std::uint64_t> hashes_; // insert_batch's and find_batch's, reused
};

// A set of (group, id) pairs, kept in its slots (one cache line touched per probe), for
// the distinct aggregates: whether a group has seen an id before. Group numbers are below
// 2^64 - 1.
class PairSet {
public:
    // For each of `count` rows: whether (groups[i], ids[i]) is new (added[i]). Pairs of one
    // batch may repeat each other.
    void insert_batch(const std::size_t* groups, const TermId* ids, std::size_t count, char* added);
    std::size_t size() const noexcept { return count_; }
    void clear();

private:
    struct Slot {
        std::uint64_t group = 0; // plus one; 0: empty
        TermId id = 0;
    };
    void reserve(std::size_t more);

    std::size_t count_ = 0;
    SlotVector<Slot> slots_;
    std::vector<std::size_t> homes_; // insert_batch's, reused
};

// The number of distinct ids of each group among (group, id) pairs, for count(distinct),
// which needs no more than the numbers: a pair is appended to one of PARTITIONS buffers
// chosen by its hash (a sequential write, where a set of a million pairs costs a cache miss
// per pair and the zeroing of every table it grows through), and a buffer is reduced to
// its distinct pairs in a hash set of its own size, which stays in cache, when it has grown
// to twice what its last reduction left and at the end. Memory stays within twice the
// distinct pairs (and at least PARTITIONS · FIRST_REDUCTION pairs).
class DistinctCounter {
public:
    // Adds the pairs (groups[i], ids[i]) of the `count` rows whose id is not UNBOUND.
    void add_batch(const std::size_t* groups, const TermId* ids, std::size_t count);
    // Adds to counts[group * stride + offset] the number of distinct ids of each group.
    void count(std::uint64_t* counts, std::size_t stride, std::size_t offset);
    void clear();

    static constexpr std::size_t PARTITIONS = 256;
    static constexpr std::size_t FIRST_REDUCTION = 8192;

private:
    struct Pair {
        std::uint64_t group = 0; // plus one; 0: an empty slot of the reducing set
        TermId id = 0;
    };
    struct Partition {
        std::vector<Pair> pairs;
        std::size_t reduced = 0; // pairs[0, reduced) are distinct
        std::size_t limit = FIRST_REDUCTION;
    };
    // Keeps one of each pair of `partition`.
    void reduce(Partition& partition);

    std::vector<Partition> partitions_;
    std::vector<Pair> set_; // reduce()'s hash set, reused
};

} // namespace quarry::engine
