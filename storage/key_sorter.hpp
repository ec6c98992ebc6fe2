#pragma once

// Sorting index keys in bounded memory, for bulk writes: keys are buffered up to a memory
// budget; each full buffer is sorted, cleared of duplicates and written to a temporary
// file as a run, on a thread of its own while the next buffer fills (so the budget holds
// two buffers); reading merges the runs (k-way, with a heap) and yields each distinct key
// once, in order. With a single buffer nothing touches the disk. Run files are unlinked
// as soon as they are created, so nothing is left behind whatever happens.

#include "storage/quad.hpp"

#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <optional>
#include <vector>

namespace quarry::storage {

class KeySorter {
public:
    // `memory`: bytes for buffered keys (and, when merging, the runs' read buffers).
    // `temp_dir`: where runs go.
    KeySorter(std::size_t memory, std::filesystem::path temp_dir);
    ~KeySorter();
    KeySorter(const KeySorter&) = delete;
    KeySorter& operator=(const KeySorter&) = delete;

    // Adds a key (not after the first next()). Throws StorageError if a run file cannot
    // be created, or if the run written before failed.
    void add(const Key& key);

    // Sorts what is buffered, ready for next() (which does it otherwise). Sorters are
    // independent: several may prepare on different threads at once.
    void prepare();
    // The next distinct key in order, or nullopt at the end.
    std::optional<Key> next();
    // Appends the next distinct keys in order to `out`, up to `max`; false if there were
    // none left. The same keys as next(), without its cost per key.
    bool read(std::vector<Key>& out, std::size_t max);

    std::size_t runs() const noexcept { return runs_.size(); }

private:
    struct Run;
    void spill();
    bool step(Key& key); // the next key, duplicates included; false at the end
    void finish_spill(); // waits for the run being written, and keeps it
    void start_merge();

    std::size_t capacity_; // keys per buffer
    std::filesystem::path temp_dir_;
    std::vector<Key> buffer_;
    std::vector<std::unique_ptr<Run>> runs_;
    // The run being sorted and written, and then its buffer, emptied for reuse (fresh
    // memory would cost a page fault per 4 KiB).
    std::future<std::pair<std::unique_ptr<Run>, std::vector<Key>>> spilling_;
    std::vector<Key> spare_;
    bool merging_ = false;
    std::size_t position_ = 0;         // in buffer_, when there is no run
    std::vector<Run*> heap_;           // runs by their current key, smallest first
    std::optional<Key> last_;          // the key returned last, to skip duplicates
};

} // namespace quarry::storage
