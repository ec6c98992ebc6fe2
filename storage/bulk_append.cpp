#include "storage/bulk_append.hpp"

#include "storage/error.hpp"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace quarry::storage {

namespace {

constexpr std::size_t KEYS_PER_WRITE = 1 << 16;

} // namespace

BulkAppender::BulkAppender(const Store& store, const lmdb::WriteTxn& txn, std::size_t memory,
                           const std::filesystem::path& temp_dir)
    : store_(store), txn_(txn) {
    if (store.fact_count(txn) != 0)
        throw StorageError("a bulk append needs a store without facts");
    for (auto& sorter : sorters_)
        sorter = std::make_unique<KeySorter>(memory / PERMUTATION_COUNT, temp_dir);
}

void BulkAppender::add(const Quad& quad) {
    for (Permutation perm : ALL_PERMUTATIONS)
        sorters_[static_cast<std::size_t>(perm)]->add(to_key(perm, quad));
}

void BulkAppender::start_sorting() {
    // Sorting the six orders is independent work: two threads take half each.
    for (std::size_t half = 0; half < 2; ++half)
        if (!sorting_[half].valid())
            sorting_[half] = std::async(std::launch::async, [this, half] {
                for (std::size_t i = half; i < sorters_.size(); i += 2)
                    sorters_[i]->prepare();
            });
}

namespace {

// Sorted keys of one index, merged ahead of the writes.
struct Chunk {
    Permutation perm = Permutation::SPOC;
    std::vector<Key> keys;
    bool last = false; // the index's last chunk
};

// Chunks passed from the merging thread to the writing one, a few at most in between.
class ChunkQueue {
public:
    static constexpr std::size_t AHEAD = 4;
    // False if the reader has gone.
    bool push(Chunk chunk) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return gone_ || chunks_.size() < AHEAD; });
        if (gone_)
            return false;
        chunks_.push_back(std::move(chunk));
        changed_.notify_all();
        return true;
    }
    void close(std::exception_ptr error) {
        std::lock_guard lock(mutex_);
        closed_ = true;
        error_ = error;
        changed_.notify_all();
    }
    // False at the end; rethrows the merging thread's error.
    bool pop(Chunk& chunk) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return closed_ || !chunks_.empty(); });
        if (chunks_.empty()) {
            if (error_)
                std::rethrow_exception(error_);
            return false;
        }
        chunk = std::move(chunks_.front());
        chunks_.pop_front();
        changed_.notify_all();
        return true;
    }
    void leave() {
        std::lock_guard lock(mutex_);
        gone_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Chunk> chunks_;
    bool closed_ = false, gone_ = false;
    std::exception_ptr error_;
};

} // namespace

std::uint64_t BulkAppender::finish() {
    start_sorting();
    for (auto& half : sorting_)
        half.get();

    // Merging the sorted runs goes on a thread of its own, a few chunks ahead of the
    // writes, which stay on the transaction's thread.
    ChunkQueue queue;
    std::thread merger([&] {
        try {
            for (Permutation perm : ALL_PERMUTATIONS) {
                auto& sorter = sorters_[static_cast<std::size_t>(perm)];
                Chunk chunk{perm, {}, false};
                chunk.keys.reserve(KEYS_PER_WRITE);
                while (sorter->read(chunk.keys, KEYS_PER_WRITE - chunk.keys.size())) {
                    if (chunk.keys.size() == KEYS_PER_WRITE) {
                        if (!queue.push(std::move(chunk)))
                            return;
                        chunk = Chunk{perm, {}, false};
                        chunk.keys.reserve(KEYS_PER_WRITE);
                    }
                }
                sorter.reset(); // its runs' files go now
                chunk.last = true;
                if (!queue.push(std::move(chunk)))
                    return;
            }
            queue.close(nullptr);
        } catch (...) {
            queue.close(std::current_exception());
        }
    });
    struct Join {
        ChunkQueue& queue;
        std::thread& thread;
        ~Join() {
            queue.leave();
            thread.join();
        }
    } join{queue, merger};

    // The statistics: facts per predicate and context and distinct subjects per predicate
    // from SPOC, distinct objects per predicate from POSC (counted in hash maps, moved to
    // the ordered delta at the end).
    std::unordered_map<TermId, StatsDelta::Predicate> predicates;
    std::unordered_map<TermId, std::int64_t> contexts;
    std::uint64_t facts = 0, written = 0;
    Key previous{};
    bool first = true; // of its index
    Chunk chunk;
    while (queue.pop(chunk)) {
        const QuadIndex& index = store_.index(chunk.perm);
        for (const Key& key : chunk.keys) {
            if (chunk.perm == Permutation::SPOC) {
                auto& predicate = predicates[key[P]];
                ++predicate.facts;
                ++contexts[key[C]];
                if (first || previous[S] != key[S] || previous[P] != key[P])
                    ++predicate.distinct_subjects;
            } else if (chunk.perm == Permutation::POSC) {
                if (first || previous[0] != key[0] || previous[1] != key[1])
                    ++predicates[key[0]].distinct_objects;
            }
            previous = key;
            first = false;
        }
        written += index.insert(txn_, chunk.keys);
        if (!chunk.last)
            continue;
        if (chunk.perm == Permutation::SPOC)
            facts = written;
        else if (written != facts)
            throw StorageError(fmt::format("bulk append: index {} got {} keys, SPOC {}", permutation_name(chunk.perm),
                                           written, facts));
        written = 0;
        first = true;
    }
    StatsDelta delta;
    delta.facts = static_cast<std::int64_t>(facts);
    delta.predicates.insert(predicates.begin(), predicates.end());
    delta.contexts.insert(contexts.begin(), contexts.end());
    store_.statistics().apply(txn_, delta);
    return facts;
}

} // namespace quarry::storage
