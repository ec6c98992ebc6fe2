#include "storage/quad_scan.hpp"

#include "storage/error.hpp"

#include <bit>

namespace quarry::storage {

std::pair<Key, Key> QuadScan::bounds(Permutation perm, const QuadPattern& pattern) {
    const auto ord = order(perm);
    const unsigned length = bound_prefix_length(perm, pattern);
    QUARRY_ASSERT(length == static_cast<unsigned>(std::popcount(pattern.bound_mask())),
                  "the pattern's bound positions are not a prefix of the index order");
    Key lo{};
    Key hi{};
    for (unsigned i = 0; i < 4; ++i) {
        if (i < length) {
            lo[i] = hi[i] = *pattern.terms[ord[i]];
        } else {
            lo[i] = 0;
            hi[i] = ~TermId{0};
        }
    }
    return {lo, hi};
}

QuadScan::QuadScan(const lmdb::Txn& txn, const QuadIndex& index, const QuadPattern& pattern,
                   ScanMode mode)
    : QuadScan(txn, index, bounds(index.permutation(), pattern).first,
               bounds(index.permutation(), pattern).second, mode) {
    QUARRY_ASSERT(mode == ScanMode::QUADS || !pattern.terms[C],
                  "a triple scan leaves the context open");
}

QuadScan::QuadScan(const lmdb::Txn& txn, const QuadIndex& index, const Key& lo, const Key& hi,
                   ScanMode mode)
    : perm_(index.permutation()), mode_(mode), scanner_(txn, index, lo, hi) {
    QUARRY_ASSERT(mode == ScanMode::QUADS || order(perm_)[3] == C,
                  "a triple scan needs an index with the context last");
}

std::optional<Key> QuadScan::next_key() {
    for (;;) {
        auto key = scanner_.next();
        if (key && filter_ && !filter_->keep(from_key(perm_, *key)))
            continue;
        if (!key || mode_ == ScanMode::QUADS)
            return key;
        // Copies of one triple in several contexts are adjacent: keep the first.
        if (last_ && (*last_)[0] == (*key)[0] && (*last_)[1] == (*key)[1] &&
            (*last_)[2] == (*key)[2])
            continue;
        last_ = key;
        return key;
    }
}

std::optional<Quad> QuadScan::next() {
    auto key = next_key();
    if (!key)
        return std::nullopt;
    return from_key(perm_, *key);
}

} // namespace quarry::storage
