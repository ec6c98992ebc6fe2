#pragma once

// One permutation's index: sorted keys in compressed blocks (block.hpp) in one LMDB
// database. Callers see keys in index order; blocks stay behind this interface.

#include "storage/block.hpp"
#include "storage/lmdb.hpp"
#include "storage/quad.hpp"

#include <optional>
#include <span>
#include <vector>

namespace quarry::storage {

class QuadIndex {
public:
    QuadIndex() = default;
    // Opens the permutation's database; creates it when `txn` is a write transaction.
    QuadIndex(const lmdb::Txn& txn, Permutation perm);

    Permutation permutation() const noexcept { return perm_; }
    const lmdb::Dbi& dbi() const noexcept { return dbi_; }

    // Inserts `keys` (sorted, without duplicates). If `inserted` is given it is resized to
    // keys.size() and flags the keys that were new. If `new_pair` is given it flags, the
    // same way, the new keys whose first two components no key had before this call (how
    // the statistics learn that a subject or object is new for a predicate, without a
    // second look-up). Returns the number of new keys.
    std::size_t insert(const lmdb::WriteTxn& txn, std::span<const Key> keys,
                       std::vector<char>* inserted = nullptr,
                       std::vector<char>* new_pair = nullptr) const;
    // Removes `keys` (sorted, without duplicates); flags and count as for insert.
    std::size_t remove(const lmdb::WriteTxn& txn, std::span<const Key> keys,
                       std::vector<char>* removed = nullptr) const;

    // Appends one block, `first` and the encoded rest (block.hpp), after every block the
    // index has: for bulk writes, whose keys all sort after the index's last. Throws
    // StorageError if `first` does not sort after the last block's first key.
    void append_block(const lmdb::WriteTxn& txn, const Key& first, std::string_view value) const;

    // True if some key starts with the first `length` components of `prefix`.
    bool contains_prefix(const lmdb::Txn& txn, const Key& prefix, unsigned length) const;

    // Number of blocks (LMDB entries).
    std::size_t block_count(const lmdb::Txn& txn) const { return dbi_.size(txn); }

private:
    void write_blocks(const lmdb::WriteTxn& txn, std::span<const Key> keys, bool append) const;
    // Stores one block under its first key; `flags` as for mdb_put.
    void put_block(const lmdb::WriteTxn& txn, const Key& first, std::string_view value, unsigned flags) const;

    Permutation perm_ = Permutation::SPOC;
    lmdb::Dbi dbi_;
};

// Iterates the keys of one index in [lo, hi] (inclusive, index order) through a cursor
// that seeks. Holds a cursor: must be destroyed before its transaction ends.
class IndexScanner {
public:
    IndexScanner(const lmdb::Txn& txn, const QuadIndex& index, const Key& lo, const Key& hi);

    // The next key in range, or nullopt when the range is exhausted.
    std::optional<Key> next();
    // The keys next() would return up to the end of the block it holds (the next block
    // when it has none left), and moves past them; empty when the range is exhausted.
    // Valid until the next call. Spares a long scan a call and a copy per key.
    std::span<const Key> next_keys();
    // Skips forward: the next call to next() returns the first key ≥ target (a target
    // before the current position changes nothing).
    void seek(const Key& target);

private:
    void position_at(const Key& target);
    bool load_next_block();
    // Decodes a block into block_ (from `from`, up to the first key past hi_).
    void decode(const Key& first, std::string_view value, const Key& from);

    lmdb::Cursor cursor_;
    std::vector<Key> block_; // room for the largest block; its first size_ keys are decoded
    std::size_t size_ = 0;
    std::size_t pos_ = 0;
    Key hi_;
    bool done_ = false;
};

} // namespace quarry::storage
