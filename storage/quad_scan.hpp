#pragma once

// A scan of the facts matching a quad pattern, on the index whose key order puts the
// pattern's bound positions first (so the scan is one prefix range, entered by a seek).

#include "storage/quad_index.hpp"

#include <optional>
#include <span>
#include <vector>

namespace quarry::storage {

enum class ScanMode {
    QUADS,   // every matching quad
    TRIPLES, // context left open: each (s, p, o) once, whatever its contexts; the quad
             // returned carries the first context in index order
};

// Decides, for a scan that has one, which facts it returns (a match written `asserted`
// skips the facts only rules derive).
class ScanFilter {
public:
    virtual ~ScanFilter() = default;
    virtual bool keep(const Quad& quad) const = 0;
};

class QuadScan {
public:
    // The facts matching `pattern`. TRIPLES requires the context to be open.
    QuadScan(const lmdb::Txn& txn, const QuadIndex& index, const QuadPattern& pattern,
             ScanMode mode);
    // The facts whose keys in `index`'s order lie in [lo, hi]: a prefix followed by a
    // range of one position, for range conditions on inline values.
    QuadScan(const lmdb::Txn& txn, const QuadIndex& index, const Key& lo, const Key& hi,
             ScanMode mode);

    Permutation permutation() const noexcept { return perm_; }

    // The next fact in index order, in SPOC order, or nullopt at the end.
    std::optional<Quad> next();
    // The next fact's key in index order (no conversion), or nullopt at the end.
    std::optional<Key> next_key();
    // Returns only the facts `filter` keeps from now on (null: all). It must outlive the scan.
    void set_filter(const ScanFilter* filter) noexcept { filter_ = filter; }

    // The next keys in index order, up to the end of an index block (see
    // IndexScanner::next_keys); empty at the end. Every key, whatever the mode: copies
    // of one triple in several contexts are adjacent, and a TRIPLES scan's caller skips
    // them (repeats_triple). With a filter, only the keys it keeps. Not to be mixed with next()
    // and next_key().
    std::span<const Key> next_keys();
    // For next_keys(): whether `key` is, in a TRIPLES scan, a copy in another context of
    // the triple of the key before it (adjacent in index order), which the caller skips;
    // false in a QUADS scan. Called on every key, in order.
    bool repeats_triple(const Key& key) {
        if (mode_ != ScanMode::TRIPLES)
            return false;
        if (last_ && (*last_)[0] == key[0] && (*last_)[1] == key[1] && (*last_)[2] == key[2])
            return true;
        last_ = key;
        return false;
    }
    // Skips to the first key ≥ target (index order); see IndexScanner::seek.
    void seek(const Key& target) { scanner_.seek(target); }

    // [lo, hi] key bounds of a pattern's prefix range in `perm`.
    static std::pair<Key, Key> bounds(Permutation perm, const QuadPattern& pattern);

private:
    Permutation perm_;
    ScanMode mode_;
    IndexScanner scanner_;
    std::optional<Key> last_;
    const ScanFilter* filter_ = nullptr;
    std::vector<Key> kept_; // next_keys() with a filter: the keys of a block it keeps
};

} // namespace quarry::storage
