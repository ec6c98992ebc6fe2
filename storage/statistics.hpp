#pragma once

// Exact statistics for the planner, kept up to date by every write (Store::add/remove):
//   meta      "facts" → total facts (8 bytes big-endian)
//   pstats    predicate id → facts, distinct subjects, distinct objects (3 × 8 bytes)
//   cstats    context id → facts (8 bytes)
// A predicate or context with no facts left has no record.

#include "storage/lmdb.hpp"
#include "storage/term_codec.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>

namespace quarry::storage {

struct PredicateStats {
    std::uint64_t facts = 0;
    std::uint64_t distinct_subjects = 0;
    std::uint64_t distinct_objects = 0;
    friend bool operator==(const PredicateStats&, const PredicateStats&) = default;
};

// Changes to the statistics made by one write, applied at its end.
struct StatsDelta {
    struct Predicate {
        std::int64_t facts = 0;
        std::int64_t distinct_subjects = 0;
        std::int64_t distinct_objects = 0;
    };
    std::int64_t facts = 0;
    std::map<TermId, Predicate> predicates;
    std::map<TermId, std::int64_t> contexts;
};

class Statistics {
public:
    Statistics() = default;
    // Opens the tables in `meta`'s environment; creates them in a write transaction.
    Statistics(const lmdb::Txn& txn, const lmdb::Dbi& meta);

    std::uint64_t facts(const lmdb::Txn& txn) const;
    std::optional<PredicateStats> predicate(const lmdb::Txn& txn, TermId predicate) const;
    std::uint64_t context(const lmdb::Txn& txn, TermId context) const;
    void for_each_predicate(const lmdb::Txn& txn,
                            const std::function<void(TermId, const PredicateStats&)>& visit) const;
    void for_each_context(const lmdb::Txn& txn,
                          const std::function<void(TermId, std::uint64_t)>& visit) const;

    // Throws InternalError if a count would go negative.
    void apply(const lmdb::WriteTxn& txn, const StatsDelta& delta) const;

private:
    lmdb::Dbi meta_;
    lmdb::Dbi predicates_;
    lmdb::Dbi contexts_;
};

} // namespace quarry::storage
