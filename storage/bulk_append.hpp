#pragma once

// Filling an empty store fast: every fact's key in each of the six orders goes into its
// own KeySorter (bounded memory, runs spilled to temporary files); finish() then writes
// each index from its sorted stream, so every block is appended after the last
// (MDB_APPEND) instead of merged into blocks already written, and computes the
// statistics from the SPOC and POSC streams. Duplicates are dropped. Within the caller's
// write transaction: all or nothing, as any write.

#include "storage/key_sorter.hpp"
#include "storage/store.hpp"

#include <array>
#include <future>
#include <memory>

namespace quarry::storage {

class BulkAppender {
public:
    // Throws StorageError unless `store` holds no fact. `memory` is shared by the six
    // sorters; runs go to `temp_dir`.
    BulkAppender(const Store& store, const lmdb::WriteTxn& txn, std::size_t memory,
                 const std::filesystem::path& temp_dir = std::filesystem::temp_directory_path());

    void add(const Quad& quad);
    // Starts sorting what the sorters hold, on two threads of its own, so that the
    // caller can do other work meanwhile (no add() after it). finish() waits for it.
    void start_sorting();
    // Writes the indexes and the statistics; returns the number of distinct facts.
    std::uint64_t finish();

private:
    const Store& store_;
    const lmdb::WriteTxn& txn_;
    std::array<std::unique_ptr<KeySorter>, PERMUTATION_COUNT> sorters_;
    std::future<void> sorting_[2]; // after the sorters: destroyed (waited for) first
};

} // namespace quarry::storage
