#pragma once

// The store: one LMDB file holding the term dictionary, the six quad indexes, the
// statistics, the prefixes and the format record (docs/storage.md).
//
// Rules of use:
//  - Open a file once per process. Any number of processes may read while one writes;
//    each read transaction sees the snapshot of its start.
//  - Every write goes through one WriteTxn: either write(fn), which runs fn in a fresh
//    transaction and commits it, growing the map and running fn again if the map fills
//    (so fn must be safe to run twice: keep its effects inside the transaction), or
//    begin_write(), for callers that manage the transaction and its retry themselves.
//  - One write transaction at a time per process (LMDB serialises writers; a second
//    begin in the same thread deadlocks).
//  - Everything that ends an operation throws (StorageError, TermError, InternalError);
//    the transaction then aborts in its destructor and nothing is half-written.

#include "storage/dictionary.hpp"
#include "storage/lmdb.hpp"
#include "storage/quad.hpp"
#include "storage/quad_index.hpp"
#include "storage/quad_scan.hpp"
#include "storage/statistics.hpp"

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace quarry::storage {

constexpr std::uint32_t FORMAT_VERSION = 1;

struct StoreOptions {
    bool read_only = false;
    // Initial map size of a new database; the map grows on demand from there.
    std::size_t map_size = std::size_t{64} << 20;
    // Skip fsync on commit: faster, but a power loss may lose recent commits (a killed
    // process never does).
    bool no_sync = false;
};

struct AddResult {
    std::size_t added = 0;
    std::size_t already_present = 0; // includes repeats within the same call
};

// A fact some rule derives (SPEC §10): whether it is also asserted (stored by add or load),
// and its rank, 1 + the highest rank of the facts of the derivation that put it there (an
// asserted fact ranks 0), so that following lower ranks down from a fact ends at asserted
// facts.
struct DerivedMark {
    bool asserted = false;
    std::uint32_t rank = 1;
    friend bool operator==(const DerivedMark&, const DerivedMark&) = default;
};

struct RemoveResult {
    std::size_t removed = 0;
    std::size_t not_found = 0;
};

class Store {
public:
    // Opens or creates the database file at `path`. Throws StorageError, naming the path,
    // if the file is not a Quarry database, has an unknown format version, or cannot be
    // opened; such a file is left untouched.
    Store(const std::filesystem::path& path, const StoreOptions& options = {});

    Store(Store&&) noexcept = default;
    Store& operator=(Store&&) noexcept = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }
    bool read_only() const noexcept { return env_->read_only(); }
    lmdb::Env& env() noexcept { return *env_; }

    lmdb::ReadTxn begin_read() const { return lmdb::ReadTxn(*env_); }
    // Grows the map first if it is nearly full and no transaction of ours is open.
    lmdb::WriteTxn begin_write();

    template <typename Fn>
    auto write(Fn&& fn) -> std::invoke_result_t<Fn&, lmdb::WriteTxn&>;

    // --- terms ---
    const Dictionary& dictionary() const noexcept { return dictionary_; }
    TermId intern(const lmdb::WriteTxn& txn, const Term& term) {
        return dictionary_.intern(txn, term);
    }
    std::optional<TermId> find(const lmdb::Txn& txn, const Term& term) const {
        return dictionary_.find(txn, term);
    }
    Term resolve(const lmdb::Txn& txn, TermId id) const { return dictionary_.resolve(txn, id); }
    // Stores a term under a given id (restoring a dump); see Dictionary::insert.
    void insert_term(const lmdb::WriteTxn& txn, TermId id, std::string_view encoding) {
        dictionary_.insert(txn, id, encoding);
    }

    // --- facts ---
    // Adds facts (set semantics) and updates the statistics.
    AddResult add(const lmdb::WriteTxn& txn, std::span<const Quad> quads);
    // Removes facts and updates the statistics.
    RemoveResult remove(const lmdb::WriteTxn& txn, std::span<const Quad> quads);
    bool contains(const lmdb::Txn& txn, const Quad& quad) const;

    // The facts matching `pattern`, as one prefix range of the index that suits it.
    QuadScan scan(const lmdb::Txn& txn, const QuadPattern& pattern,
                  ScanMode mode = ScanMode::QUADS) const;
    const QuadIndex& index(Permutation perm) const {
        return indexes_[static_cast<std::size_t>(perm)];
    }

    // --- rules and derived facts (SPEC §10) ---
    // The rules, name → text, by name. A database made before rules existed has none.
    std::vector<std::pair<std::string, std::string>> rules(const lmdb::Txn& txn) const;
    // True if there is at least one rule: one seek.
    bool has_rules(const lmdb::Txn& txn) const;
    void put_rule(const lmdb::WriteTxn& txn, std::string_view name, std::string_view text);
    bool remove_rule(const lmdb::WriteTxn& txn, std::string_view name);
    // The mark of a derived fact; nullopt for a fact no rule derives (stored, or absent).
    std::optional<DerivedMark> derived(const lmdb::Txn& txn, const Quad& quad) const;
    void set_derived(const lmdb::WriteTxn& txn, const Quad& quad, DerivedMark mark);
    bool unset_derived(const lmdb::WriteTxn& txn, const Quad& quad);
    // Calls fn(quad, mark) for each derived fact whose first `length` positions (in SPOC
    // order) are those of `prefix`, in SPOC order (length 0: all of them).
    void for_each_derived(const lmdb::Txn& txn, const Quad& prefix, unsigned length,
                          const std::function<void(const Quad&, DerivedMark)>& fn) const;
    std::uint64_t derived_count(const lmdb::Txn& txn) const;

    // --- statistics ---
    const Statistics& statistics() const noexcept { return statistics_; }
    std::uint64_t fact_count(const lmdb::Txn& txn) const { return statistics_.facts(txn); }
    // An estimate of the number of facts matching `pattern`: exact when at most
    // EXACT_ESTIMATE_LIMIT facts match (found by a bounded scan) or when only the
    // predicate or only the context is bound; otherwise derived from the statistics.
    std::uint64_t estimate(const lmdb::Txn& txn, const QuadPattern& pattern) const;
    static constexpr std::uint64_t EXACT_ESTIMATE_LIMIT = 1000;

    // --- prefixes (prefix name → IRI) ---
    void set_prefix(const lmdb::WriteTxn& txn, std::string_view name, std::string_view iri);
    bool remove_prefix(const lmdb::WriteTxn& txn, std::string_view name);
    std::vector<std::pair<std::string, std::string>> prefixes(const lmdb::Txn& txn) const;

    // Checks that the six indexes hold the same facts, that the statistics equal a
    // recount and that every derived mark is of a fact the indexes hold. Returns a description of each problem found (none: empty). Reads all.
    std::vector<std::string> verify(const lmdb::Txn& txn) const;

    // The format record: the value of the "format" key in the meta table.
    static std::string format_record(std::uint32_t version);

    // Grows the map (to twice its size, or twice `at_least`). For callers that keep a
    // write transaction across calls and met MDB_MAP_FULL: abort it first. Throws
    // StorageError if a transaction of this process is open or the map is at its limit.
    void grow_map(std::size_t at_least);
    // Makes the map hold at least `more` bytes beyond what is used, ahead of a large write
    // (a load, a restore), so that it need not run again on MDB_MAP_FULL. The map is
    // address space: the file grows only as pages are written. Does nothing while a
    // transaction of this process is open.
    void reserve_map(std::size_t more);

private:
    void open_tables(const lmdb::Txn& txn);

    std::filesystem::path path_;
    std::unique_ptr<lmdb::Env> env_;
    lmdb::Dbi meta_;
    lmdb::Dbi prefixes_;
    // Empty only in a read-only open of a file made before rules existed (a writable open
    // creates them): then there are no rules and no derived facts.
    std::optional<lmdb::Dbi> rules_;
    std::optional<lmdb::Dbi> derived_; // SPOC key (32 bytes, big-endian) → DerivedMark
    Dictionary dictionary_;
    std::array<QuadIndex, PERMUTATION_COUNT> indexes_;
    Statistics statistics_;
};

template <typename Fn>
auto Store::write(Fn&& fn) -> std::invoke_result_t<Fn&, lmdb::WriteTxn&> {
    using Result = std::invoke_result_t<Fn&, lmdb::WriteTxn&>;
    for (;;) {
        std::size_t used = 0;
        try {
            lmdb::WriteTxn txn = begin_write();
            if constexpr (std::is_void_v<Result>) {
                fn(txn);
                txn.commit();
                return;
            } else {
                Result result = fn(txn);
                txn.commit();
                return result;
            }
        } catch (const StorageError& e) {
            if (e.code() != MDB_MAP_FULL)
                throw;
            used = env_->used_bytes();
        }
        // The transaction is gone; make room and run fn again.
        grow_map(used);
    }
}

} // namespace quarry::storage
