#include "storage/bulk_append.hpp"

#include "storage/error.hpp"

#include <fmt/format.h>

#include <future>

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

std::uint64_t BulkAppender::finish() {
    // Sorting the six orders is independent work: half of it on a second thread.
    auto other_half = std::async(std::launch::async, [this] {
        for (std::size_t i = 1; i < sorters_.size(); i += 2)
            sorters_[i]->prepare();
    });
    for (std::size_t i = 0; i < sorters_.size(); i += 2)
        sorters_[i]->prepare();
    other_half.get();

    StatsDelta delta;
    std::uint64_t facts = 0;
    std::vector<Key> batch;
    batch.reserve(KEYS_PER_WRITE);
    for (Permutation perm : ALL_PERMUTATIONS) {
        KeySorter& sorter = *sorters_[static_cast<std::size_t>(perm)];
        const QuadIndex& index = store_.index(perm);
        std::uint64_t written = 0;
        std::optional<Key> previous;
        while (auto key = sorter.next()) {
            // The statistics: facts per predicate and context and distinct subjects per
            // predicate from SPOC, distinct objects per predicate from POSC.
            if (perm == Permutation::SPOC) {
                const Quad& quad = *key; // SPOC keys are quads
                auto& predicate = delta.predicates[quad[P]];
                ++predicate.facts;
                ++delta.contexts[quad[C]];
                if (!previous || (*previous)[S] != quad[S] || (*previous)[P] != quad[P])
                    ++predicate.distinct_subjects;
            } else if (perm == Permutation::POSC) {
                if (!previous || (*previous)[0] != (*key)[0] || (*previous)[1] != (*key)[1])
                    ++delta.predicates[(*key)[0]].distinct_objects;
            }
            previous = key;
            batch.push_back(*key);
            if (batch.size() == KEYS_PER_WRITE) {
                written += index.insert(txn_, batch);
                batch.clear();
            }
        }
        written += index.insert(txn_, batch);
        batch.clear();
        sorters_[static_cast<std::size_t>(perm)].reset(); // its runs' files go now
        if (perm == Permutation::SPOC)
            facts = written;
        else if (written != facts)
            throw StorageError(fmt::format("bulk append: index {} got {} keys, SPOC {}", permutation_name(perm),
                                           written, facts));
    }
    delta.facts = static_cast<std::int64_t>(facts);
    store_.statistics().apply(txn_, delta);
    return facts;
}

} // namespace quarry::storage
