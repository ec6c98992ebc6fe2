#pragma once

// Filling an empty store fast: every fact's key in each of the six orders goes into its
// own KeySorter (bounded memory, runs spilled to temporary files); the sorted streams are
// then merged and cut into encoded blocks on two threads of the appender's own, and
// finish() appends those blocks to each index (MDB_APPEND) instead of merging them into
// blocks already written, and stores the statistics counted from the SPOC and POSC
// streams. Duplicates are dropped. Within the caller's write transaction: all or nothing,
// as any write.

#include "storage/key_sorter.hpp"
#include "storage/store.hpp"

#include <array>
#include <memory>

namespace quarry::storage {

class BulkAppender {
public:
    // Throws StorageError unless `store` holds no fact. `memory` is shared by the six
    // sorters, and then by the blocks made ready ahead of the writes; runs go to
    // `temp_dir`.
    BulkAppender(const Store& store, const lmdb::WriteTxn& txn, std::size_t memory,
                 const std::filesystem::path& temp_dir = std::filesystem::temp_directory_path());
    ~BulkAppender();
    BulkAppender(const BulkAppender&) = delete;
    BulkAppender& operator=(const BulkAppender&) = delete;

    void add(const Quad& quad);
    // Starts sorting what the sorters hold and merging it into blocks, on two threads of
    // its own, so that the caller can do other work in the transaction meanwhile (no
    // add() after it). finish() starts it if it has not started.
    void start_merging();
    // Writes the indexes and the statistics; returns the number of distinct facts.
    std::uint64_t finish();

private:
    struct Merging;

    const Store& store_;
    const lmdb::WriteTxn& txn_;
    std::size_t memory_;
    std::array<std::unique_ptr<KeySorter>, PERMUTATION_COUNT> sorters_;
    std::unique_ptr<Merging> merging_; // after the sorters: destroyed (stopped) first
};

} // namespace quarry::storage
