#include "storage/bulk_append.hpp"

#include "storage/block.hpp"
#include "storage/error.hpp"

#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <latch>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace quarry::storage {

namespace {

// Keys merged, and cut into blocks, at a time.
constexpr std::size_t KEYS_PER_CHUNK = 1 << 16;

// A chunk of one index's keys on their way to be written: either the keys themselves, or
// the blocks they make, encoded (each block's first key, and where its value, the rest
// encoded as block.hpp has it, lies in the chunk's deltas).
struct Blocks {
    std::vector<Key> keys;     // not yet encoded
    std::vector<Key> firsts;
    std::string deltas;
    std::vector<std::pair<std::size_t, std::size_t>> values; // [begin, end) in `deltas`
    std::size_t key_count = 0;

    // Cuts `sorted` (distinct keys) into blocks.
    void encode(std::span<const Key> sorted) {
        PlannedBlocks plan = plan_blocks(sorted);
        firsts.clear();
        values.clear();
        for (std::size_t b = 0; b < plan.starts.size(); ++b) {
            firsts.push_back(sorted[plan.starts[b]]);
            values.push_back(plan.bounds(b, sorted.size()));
        }
        deltas = std::move(plan.deltas);
        key_count = sorted.size();
    }
    std::size_t bytes() const {
        return keys.size() * sizeof(Key) + firsts.size() * sizeof(Key) + deltas.size() +
               values.size() * sizeof(values[0]);
    }
    std::string_view value(std::size_t b) const {
        return std::string_view(deltas).substr(values[b].first, values[b].second - values[b].first);
    }
};

// Blocks passed from the merging threads to the writing one, an index's queue for each,
// up to a number of bytes in all. A chunk always goes into an empty queue, so the queue
// the writer waits on never waits for the others to drain.
class BlockQueues {
public:
    explicit BlockQueues(std::size_t limit) : limit_(limit) {}

    // False if the writer has gone.
    bool push(Permutation perm, Blocks blocks) {
        Queue& queue = queues_[static_cast<std::size_t>(perm)];
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return gone_ || queue.chunks.empty() || bytes_ + blocks.bytes() <= limit_; });
        if (gone_)
            return false;
        bytes_ += blocks.bytes();
        queue.chunks.push_back(std::move(blocks));
        changed_.notify_all();
        return true;
    }
    // No more blocks for the index: it is complete, or `error` stopped its merge.
    void close(Permutation perm, std::exception_ptr error) {
        std::lock_guard lock(mutex_);
        Queue& queue = queues_[static_cast<std::size_t>(perm)];
        queue.closed = true;
        queue.error = error;
        changed_.notify_all();
    }
    // False at the index's end; rethrows its merging thread's error.
    bool pop(Permutation perm, Blocks& blocks) {
        Queue& queue = queues_[static_cast<std::size_t>(perm)];
        std::unique_lock lock(mutex_);
        queue.waited = queue.chunks.empty();
        changed_.wait(lock, [&] { return queue.closed || !queue.chunks.empty(); });
        if (queue.chunks.empty()) {
            if (queue.error)
                std::rethrow_exception(queue.error);
            return false;
        }
        blocks = std::move(queue.chunks.front());
        queue.chunks.pop_front();
        bytes_ -= blocks.bytes();
        changed_.notify_all();
        return true;
    }
    // Whether the writer found the index's queue empty when it last came for a chunk: it
    // has time to spare, and can encode keys itself.
    bool writer_waited(Permutation perm) {
        std::lock_guard lock(mutex_);
        return queues_[static_cast<std::size_t>(perm)].waited;
    }
    // The writer goes: pushes return false from now on.
    void leave() {
        std::lock_guard lock(mutex_);
        gone_ = true;
        changed_.notify_all();
    }

private:
    struct Queue {
        std::deque<Blocks> chunks;
        bool waited = false;
        bool closed = false;
        std::exception_ptr error;
    };
    std::mutex mutex_;
    std::condition_variable changed_;
    std::array<Queue, PERMUTATION_COUNT> queues_;
    std::size_t bytes_ = 0;
    const std::size_t limit_;
    bool gone_ = false;
};

} // namespace

// Two threads, which prepare the sorters and then merge them into their queues; the
// statistics are counted as SPOC and POSC go by.
struct BulkAppender::Merging {
    BlockQueues queues;
    // Facts per predicate and context and distinct subjects per predicate, from SPOC;
    // distinct objects per predicate, from POSC. Each is complete when its index's queue
    // has closed.
    std::unordered_map<TermId, StatsDelta::Predicate> predicates;
    std::unordered_map<TermId, std::int64_t> contexts;
    std::unordered_map<TermId, std::int64_t> distinct_objects;
    // Each thread first prepares half of the sorters (sorting what they buffer), noting a
    // failure for the thread that merges that index.
    std::array<std::exception_ptr, PERMUTATION_COUNT> unprepared;
    std::latch prepared{2};
    std::atomic<std::size_t> next{0}; // the next index to merge
    std::thread threads[2];

    // The sorters' buffers are gone once they are merged: an eighth of their memory holds
    // blocks (more would raise the peak, which comes at the end, with the index pages).
    Merging(std::array<std::unique_ptr<KeySorter>, PERMUTATION_COUNT>& sorters, std::size_t memory)
        : queues(memory / 8) {
        try {
            for (std::size_t half = 0; half < 2; ++half)
                threads[half] = std::thread([this, &sorters, half] { run(sorters, half); });
        } catch (...) {
            prepared.count_down(); // for the thread that did not start
            stop();
            throw;
        }
    }
    ~Merging() { stop(); }
    void stop() {
        queues.leave();
        for (auto& thread : threads)
            if (thread.joinable())
                thread.join();
    }

    void run(std::array<std::unique_ptr<KeySorter>, PERMUTATION_COUNT>& sorters, std::size_t half) {
        for (std::size_t i = half; i < sorters.size(); i += 2)
            try {
                sorters[i]->prepare();
            } catch (...) {
                unprepared[i] = std::current_exception();
            }
        prepared.arrive_and_wait();
        // Then each thread merges the next index not yet taken, in the order they are
        // written, so that neither waits while there is work. After an error, the indexes
        // a thread takes close with it.
        std::exception_ptr error;
        for (std::size_t i; (i = next++) < sorters.size();) {
            if (!error)
                error = unprepared[i];
            if (!error) {
                try {
                    if (!merge(static_cast<Permutation>(i), *sorters[i]))
                        return;
                    sorters[i].reset(); // its runs' files go now
                } catch (...) {
                    error = std::current_exception();
                }
            }
            queues.close(static_cast<Permutation>(i), error);
        }
    }

    // False if the writer has gone.
    bool merge(Permutation perm, KeySorter& sorter) {
        std::vector<Key> keys;
        keys.reserve(KEYS_PER_CHUNK);
        Key previous{};
        bool first = true;
        while (sorter.read(keys, KEYS_PER_CHUNK)) {
            for (const Key& key : keys) {
                if (perm == Permutation::SPOC) {
                    auto& predicate = predicates[key[P]];
                    ++predicate.facts;
                    ++contexts[key[C]];
                    if (first || previous[S] != key[S] || previous[P] != key[P])
                        ++predicate.distinct_subjects;
                } else if (perm == Permutation::POSC) {
                    if (first || previous[0] != key[0] || previous[1] != key[1])
                        ++distinct_objects[key[0]];
                }
                previous = key;
                first = false;
            }
            // Encoding falls to whichever thread has time: the writer, if it came to an
            // empty queue last time, otherwise this one.
            Blocks blocks;
            if (queues.writer_waited(perm)) {
                blocks.keys = std::move(keys);
                keys = std::vector<Key>();
                keys.reserve(KEYS_PER_CHUNK);
            } else {
                blocks.encode(keys);
                keys.clear();
            }
            if (!queues.push(perm, std::move(blocks)))
                return false;
        }
        return true;
    }
};

BulkAppender::BulkAppender(const Store& store, const lmdb::WriteTxn& txn, std::size_t memory,
                           const std::filesystem::path& temp_dir)
    : store_(store), txn_(txn), memory_(memory) {
    if (store.fact_count(txn) != 0)
        throw StorageError("a bulk append needs a store without facts");
    for (auto& sorter : sorters_)
        sorter = std::make_unique<KeySorter>(memory / PERMUTATION_COUNT, temp_dir);
}

BulkAppender::~BulkAppender() = default;

void BulkAppender::add(const Quad& quad) {
    for (Permutation perm : ALL_PERMUTATIONS)
        sorters_[static_cast<std::size_t>(perm)]->add(to_key(perm, quad));
}

void BulkAppender::start_merging() {
    if (!merging_)
        merging_ = std::make_unique<Merging>(sorters_, memory_);
}

std::uint64_t BulkAppender::finish() {
    start_merging();
    std::uint64_t facts = 0;
    Blocks blocks;
    for (Permutation perm : ALL_PERMUTATIONS) {
        const QuadIndex& index = store_.index(perm);
        std::uint64_t written = 0;
        while (merging_->queues.pop(perm, blocks)) {
            if (!blocks.keys.empty())
                blocks.encode(blocks.keys);
            for (std::size_t b = 0; b < blocks.firsts.size(); ++b)
                index.append_block(txn_, blocks.firsts[b], blocks.value(b));
            written += blocks.key_count;
        }
        if (perm == Permutation::SPOC)
            facts = written;
        else if (written != facts)
            throw StorageError(
                fmt::format("bulk append: index {} got {} keys, SPOC {}", permutation_name(perm), written, facts));
    }
    StatsDelta delta;
    delta.facts = static_cast<std::int64_t>(facts);
    for (const auto& [predicate, objects] : merging_->distinct_objects)
        merging_->predicates[predicate].distinct_objects += objects;
    delta.predicates.insert(merging_->predicates.begin(), merging_->predicates.end());
    delta.contexts.insert(merging_->contexts.begin(), merging_->contexts.end());
    store_.statistics().apply(txn_, delta);
    merging_.reset();
    return facts;
}

} // namespace quarry::storage
