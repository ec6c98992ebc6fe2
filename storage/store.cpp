#include "storage/store.hpp"

#include <fmt/format.h>
#include <fmt/std.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

namespace quarry::storage {

namespace {

constexpr std::string_view FORMAT_KEY = "format";
constexpr std::string_view FORMAT_MAGIC = "quarry-db";
constexpr std::size_t MAX_MAP_SIZE = std::size_t{1} << 42; // 4 TiB of address space
constexpr std::size_t MAP_GRANULE = std::size_t{1} << 20;

// The LMDB meta page starts with a 16-byte page header, then the magic 0xBEEFC0DE.
constexpr unsigned char LMDB_MAGIC[] = {0xDE, 0xC0, 0xEF, 0xBE};
constexpr std::size_t LMDB_MAGIC_OFFSET = 16;

enum class FileState { MISSING, EMPTY, LMDB, FOREIGN };

FileState inspect(const std::filesystem::path& path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status))
        return FileState::MISSING;
    if (!std::filesystem::is_regular_file(status))
        throw StorageError(fmt::format("cannot open {}: not a regular file", path));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw StorageError(fmt::format("cannot open {}: {}", path, std::strerror(errno)), errno);
    char header[LMDB_MAGIC_OFFSET + sizeof LMDB_MAGIC];
    in.read(header, sizeof header);
    if (in.gcount() == 0)
        return FileState::EMPTY;
    if (static_cast<std::size_t>(in.gcount()) < sizeof header ||
        std::memcmp(header + LMDB_MAGIC_OFFSET, LMDB_MAGIC, sizeof LMDB_MAGIC) != 0)
        return FileState::FOREIGN;
    return FileState::LMDB;
}

// Validates the format record; `what` names the file in messages.
void check_format(std::optional<std::string_view> record, const std::filesystem::path& path) {
    if (!record || record->substr(0, FORMAT_MAGIC.size()) != FORMAT_MAGIC ||
        record->size() != FORMAT_MAGIC.size() + 4)
        throw StorageError(fmt::format(
            "{} is not a Quarry database (an LMDB file without a Quarry format record)", path));
    std::uint32_t version = 0;
    for (char byte : record->substr(FORMAT_MAGIC.size()))
        version = (version << 8) | static_cast<unsigned char>(byte);
    if (version != FORMAT_VERSION)
        throw StorageError(fmt::format("{} has database format version {}; this build of "
                                       "Quarry reads version {} only",
                                       path, version, FORMAT_VERSION));
}

// Reads the format record without creating a lock file or writing anything, so a foreign
// LMDB file is left exactly as it was.
void probe(const std::filesystem::path& path) {
    lmdb::EnvOptions options;
    options.read_only = true;
    options.no_lock = true;
    lmdb::Env env(path, options);
    lmdb::ReadTxn txn(env);
    const auto meta = lmdb::Dbi::open(txn, "meta");
    check_format(meta ? meta->get(txn, FORMAT_KEY) : std::nullopt, path);
}

std::size_t round_up(std::size_t bytes) { return (bytes + MAP_GRANULE - 1) / MAP_GRANULE * MAP_GRANULE; }

} // namespace

std::string Store::format_record(std::uint32_t version) {
    std::string record(FORMAT_MAGIC);
    for (int shift = 24; shift >= 0; shift -= 8)
        record.push_back(static_cast<char>((version >> shift) & 0xFF));
    return record;
}

Store::Store(const std::filesystem::path& path, const StoreOptions& options) : path_(path) {
    const FileState state = inspect(path);
    switch (state) {
    case FileState::MISSING:
    case FileState::EMPTY:
        if (options.read_only)
            throw StorageError(fmt::format("cannot open {} read-only: no such database", path));
        break;
    case FileState::FOREIGN:
        throw StorageError(fmt::format("{} is not a Quarry database (not an LMDB file)", path));
    case FileState::LMDB:
        try {
            probe(path);
        } catch (const StorageError& e) {
            if (e.code() == MDB_INVALID || e.code() == MDB_VERSION_MISMATCH)
                throw StorageError(fmt::format("{} is not a Quarry database ({})", path,
                                               e.what()));
            throw;
        }
        break;
    }

    lmdb::EnvOptions env_options;
    env_options.read_only = options.read_only;
    env_options.no_sync = options.no_sync;
    env_options.map_size = round_up(std::max(options.map_size, MAP_GRANULE));
    try {
        env_ = std::make_unique<lmdb::Env>(path, env_options);
    } catch (const StorageError& e) {
        throw StorageError(fmt::format("cannot open {}: {}", path, e.what()), e.code());
    }

    if (options.read_only) {
        lmdb::ReadTxn txn(*env_);
        check_format(lmdb::Dbi::open(txn, "meta")->get(txn, FORMAT_KEY), path);
        open_tables(txn);
        txn.commit(); // keeps the table handles for the Env's lifetime
        return;
    }
    if (state == FileState::LMDB) {
        // An existing database opens in a read transaction, so that opening never waits
        // for another process's write; only a file still missing tables needs a write.
        lmdb::ReadTxn txn(*env_);
        const auto meta = lmdb::Dbi::open(txn, "meta");
        check_format(meta ? meta->get(txn, FORMAT_KEY) : std::nullopt, path);
        try {
            open_tables(txn);
            txn.commit(); // keeps the table handles for the Env's lifetime
            return;
        } catch (const StorageError&) {
            // a table is missing: created below
        }
    }
    lmdb::WriteTxn txn(*env_);
    if (state == FileState::LMDB) {
        // Checked again under the lock: another process may have changed the file.
        const auto meta = lmdb::Dbi::open(txn, "meta");
        check_format(meta ? meta->get(txn, FORMAT_KEY) : std::nullopt, path);
    }
    open_tables(txn);
    if (state != FileState::LMDB)
        meta_.put(txn, FORMAT_KEY, format_record(FORMAT_VERSION));
    txn.commit();
}

void Store::open_tables(const lmdb::Txn& txn) {
    const unsigned create = txn.read_only() ? 0 : MDB_CREATE;
    auto open = [&](const char* name) {
        auto dbi = lmdb::Dbi::open(txn, name, create);
        if (!dbi)
            throw StorageError(fmt::format("{} is damaged: it has no '{}' table", path_, name));
        return *dbi;
    };
    meta_ = open("meta");
    prefixes_ = open("prefixes");
    // The tables of rules came later: a read-only open of an older file goes without them.
    auto open_later = [&](const char* name) -> std::optional<lmdb::Dbi> {
        if (env_->read_only())
            return lmdb::Dbi::open(txn, name);
        return open(name);
    };
    rules_ = open_later("rules");
    derived_ = open_later("derived");
    dictionary_ = Dictionary(txn);
    for (Permutation perm : ALL_PERMUTATIONS)
        indexes_[static_cast<std::size_t>(perm)] = QuadIndex(txn, perm);
    statistics_ = Statistics(txn, meta_);
}

lmdb::WriteTxn Store::begin_write() {
    if (env_->read_only())
        throw StorageError(fmt::format("{} is open read-only", path_));
    if (env_->active_transactions() == 0) {
        const std::size_t map = env_->map_size();
        if (env_->used_bytes() > map / 4 * 3)
            grow_map(map);
    }
    return lmdb::WriteTxn(*env_);
}

void Store::grow_map(std::size_t at_least) {
    const std::size_t current = env_->map_size();
    const std::size_t target = round_up(std::max(current * 2, at_least * 2));
    if (current >= MAX_MAP_SIZE)
        throw StorageError(fmt::format("{} is full: the map reached its limit of {} bytes",
                                       path_, MAX_MAP_SIZE),
                           MDB_MAP_FULL);
    if (env_->active_transactions() != 0)
        throw StorageError(fmt::format("{}: the map is full and cannot grow while this "
                                       "process holds an open transaction",
                                       path_),
                           MDB_MAP_FULL);
    env_->set_map_size(std::min(target, MAX_MAP_SIZE));
}

void Store::reserve_map(std::size_t more) {
    if (env_->read_only() || env_->active_transactions() != 0)
        return;
    const std::size_t wanted = std::min(MAX_MAP_SIZE, round_up(env_->used_bytes() + more));
    if (wanted > env_->map_size())
        env_->set_map_size(wanted);
}

namespace {

template <typename Less>
std::vector<Quad> sorted(std::span<const Quad> quads, Less less) {
    std::vector<Quad> out(quads.begin(), quads.end());
    std::sort(out.begin(), out.end(), less);
    return out;
}

std::vector<Key> keys_of(Permutation perm, std::span<const Quad> quads) {
    std::vector<Key> keys;
    keys.reserve(quads.size());
    for (const Quad& quad : quads)
        keys.push_back(to_key(perm, quad));
    std::sort(keys.begin(), keys.end());
    return keys;
}

} // namespace

AddResult Store::add(const lmdb::WriteTxn& txn, std::span<const Quad> quads) {
    std::vector<Key> spoc = keys_of(Permutation::SPOC, quads);
    spoc.erase(std::unique(spoc.begin(), spoc.end()), spoc.end());

    std::vector<char> inserted;
    std::vector<char> new_subject; // (s, p) had no fact before
    index(Permutation::SPOC).insert(txn, spoc, &inserted, &new_subject);

    StatsDelta delta;
    std::vector<Quad> fresh;
    for (std::size_t i = 0; i < spoc.size(); ++i) {
        if (!inserted[i])
            continue;
        const Quad& quad = spoc[i]; // SPOC keys are quads
        fresh.push_back(quad);
        auto& predicate = delta.predicates[quad[P]];
        ++predicate.facts;
        ++delta.contexts[quad[C]];
        // new_subject flags every fact of a new (s, p) pair: count the pair once.
        if (new_subject[i] && (i == 0 || spoc[i - 1][S] != quad[S] || spoc[i - 1][P] != quad[P]))
            ++predicate.distinct_subjects;
    }
    delta.facts = static_cast<std::int64_t>(fresh.size());
    if (fresh.empty())
        return {0, quads.size()};

    for (Permutation perm : ALL_PERMUTATIONS) {
        if (perm == Permutation::SPOC)
            continue;
        const std::vector<Key> keys = keys_of(perm, fresh);
        std::vector<char> new_object; // (p, o) had no fact before
        const bool posc = perm == Permutation::POSC;
        const std::size_t count = index(perm).insert(txn, keys, nullptr, posc ? &new_object : nullptr);
        QUARRY_ASSERT(count == fresh.size(),
                      fmt::format("index {} disagrees with SPOC", permutation_name(perm)));
        if (posc)
            for (std::size_t i = 0; i < keys.size(); ++i)
                if (new_object[i] && (i == 0 || keys[i - 1][0] != keys[i][0] ||
                                      keys[i - 1][1] != keys[i][1]))
                    ++delta.predicates[keys[i][0]].distinct_objects;
    }
    statistics_.apply(txn, delta);
    return {fresh.size(), quads.size() - fresh.size()};
}

RemoveResult Store::remove(const lmdb::WriteTxn& txn, std::span<const Quad> quads) {
    std::vector<Key> spoc = keys_of(Permutation::SPOC, quads);
    spoc.erase(std::unique(spoc.begin(), spoc.end()), spoc.end());
    std::vector<char> removed;
    index(Permutation::SPOC).remove(txn, spoc, &removed);

    std::vector<Quad> gone;
    for (std::size_t i = 0; i < spoc.size(); ++i)
        if (removed[i])
            gone.push_back(spoc[i]);
    if (gone.empty())
        return {0, quads.size()};

    StatsDelta delta;
    delta.facts = -static_cast<std::int64_t>(gone.size());
    for (Permutation perm : ALL_PERMUTATIONS) {
        if (perm == Permutation::SPOC)
            continue;
        const std::size_t count = index(perm).remove(txn, keys_of(perm, gone));
        QUARRY_ASSERT(count == gone.size(),
                      fmt::format("index {} disagrees with SPOC", permutation_name(perm)));
    }
    for (std::size_t i = 0; i < gone.size(); ++i) {
        const Quad& quad = gone[i];
        auto& predicate = delta.predicates[quad[P]];
        --predicate.facts;
        --delta.contexts[quad[C]];
        const bool first_of_pair =
            i == 0 || gone[i - 1][S] != quad[S] || gone[i - 1][P] != quad[P];
        if (first_of_pair &&
            !index(Permutation::SPOC).contains_prefix(txn, {quad[S], quad[P], 0, 0}, 2))
            --predicate.distinct_subjects;
    }
    const std::vector<Key> posc = keys_of(Permutation::POSC, gone);
    for (std::size_t i = 0; i < posc.size(); ++i) {
        const bool first_of_pair =
            i == 0 || posc[i - 1][0] != posc[i][0] || posc[i - 1][1] != posc[i][1];
        if (first_of_pair && !index(Permutation::POSC).contains_prefix(txn, posc[i], 2))
            --delta.predicates[posc[i][0]].distinct_objects;
    }
    statistics_.apply(txn, delta);
    return {gone.size(), quads.size() - gone.size()};
}

bool Store::contains(const lmdb::Txn& txn, const Quad& quad) const {
    return index(Permutation::SPOC).contains_prefix(txn, quad, 4);
}

QuadScan Store::scan(const lmdb::Txn& txn, const QuadPattern& pattern, ScanMode mode) const {
    return QuadScan(txn, index(choose_permutation(pattern.bound_mask())), pattern, mode);
}

std::uint64_t Store::estimate(const lmdb::Txn& txn, const QuadPattern& pattern) const {
    const unsigned mask = pattern.bound_mask();
    if (mask == 0)
        return statistics_.facts(txn);
    if (mask == (1u << P))
        return statistics_.predicate(txn, *pattern.terms[P]).value_or(PredicateStats{}).facts;
    if (mask == (1u << C))
        return statistics_.context(txn, *pattern.terms[C]);

    QuadScan scan = this->scan(txn, pattern);
    std::uint64_t counted = 0;
    while (counted <= EXACT_ESTIMATE_LIMIT && scan.next_key())
        ++counted;
    if (counted <= EXACT_ESTIMATE_LIMIT)
        return counted;

    // More than the limit: use what the statistics say about the predicate, if bound.
    std::uint64_t derived = 0;
    if (pattern.terms[P]) {
        const auto stats = statistics_.predicate(txn, *pattern.terms[P]);
        if (stats && pattern.terms[S] && stats->distinct_subjects > 0)
            derived = stats->facts / stats->distinct_subjects;
        else if (stats && pattern.terms[O] && stats->distinct_objects > 0)
            derived = stats->facts / stats->distinct_objects;
    } else if (pattern.terms[C]) {
        derived = statistics_.context(txn, *pattern.terms[C]) / 2;
    }
    return std::max(counted, derived);
}

void Store::set_prefix(const lmdb::WriteTxn& txn, std::string_view name, std::string_view iri) {
    prefixes_.put(txn, name, iri);
}

bool Store::remove_prefix(const lmdb::WriteTxn& txn, std::string_view name) {
    return prefixes_.del(txn, name);
}

std::vector<std::pair<std::string, std::string>> Store::prefixes(const lmdb::Txn& txn) const {
    std::vector<std::pair<std::string, std::string>> out;
    lmdb::Cursor cursor(txn, prefixes_);
    for (auto entry = cursor.get(MDB_FIRST); entry; entry = cursor.get(MDB_NEXT))
        out.emplace_back(entry->first, entry->second);
    return out;
}

namespace {

std::string derived_key(const Quad& quad) {
    std::string key(32, '\0');
    for (unsigned pos = 0; pos < 4; ++pos)
        for (unsigned byte = 0; byte < 8; ++byte)
            key[pos * 8 + byte] = static_cast<char>(quad[pos] >> (56 - 8 * byte));
    return key;
}

Quad derived_quad(std::string_view key) {
    Quad quad{};
    for (unsigned pos = 0; pos < 4; ++pos)
        for (unsigned byte = 0; byte < 8; ++byte)
            quad[pos] = quad[pos] << 8 | static_cast<unsigned char>(key[pos * 8 + byte]);
    return quad;
}

std::string derived_value(DerivedMark mark) {
    std::string value(5, '\0');
    value[0] = mark.asserted ? 1 : 0;
    for (unsigned byte = 0; byte < 4; ++byte)
        value[1 + byte] = static_cast<char>(mark.rank >> (24 - 8 * byte));
    return value;
}

DerivedMark derived_mark(std::string_view value) {
    DerivedMark mark;
    mark.asserted = value.at(0) != 0;
    mark.rank = 0;
    for (unsigned byte = 0; byte < 4; ++byte)
        mark.rank = mark.rank << 8 | static_cast<unsigned char>(value.at(1 + byte));
    return mark;
}

} // namespace

std::vector<std::pair<std::string, std::string>> Store::rules(const lmdb::Txn& txn) const {
    std::vector<std::pair<std::string, std::string>> out;
    if (!rules_)
        return out;
    lmdb::Cursor cursor(txn, *rules_);
    for (auto entry = cursor.get(MDB_FIRST); entry; entry = cursor.get(MDB_NEXT))
        out.emplace_back(entry->first, entry->second);
    return out;
}

bool Store::has_rules(const lmdb::Txn& txn) const {
    if (!rules_)
        return false;
    lmdb::Cursor cursor(txn, *rules_);
    return cursor.get(MDB_FIRST).has_value();
}

void Store::put_rule(const lmdb::WriteTxn& txn, std::string_view name, std::string_view text) {
    rules_->put(txn, name, text);
}

bool Store::remove_rule(const lmdb::WriteTxn& txn, std::string_view name) {
    return rules_->del(txn, name);
}

std::optional<DerivedMark> Store::derived(const lmdb::Txn& txn, const Quad& quad) const {
    if (!derived_)
        return std::nullopt;
    const auto value = derived_->get(txn, derived_key(quad));
    if (!value)
        return std::nullopt;
    return derived_mark(*value);
}

void Store::set_derived(const lmdb::WriteTxn& txn, const Quad& quad, DerivedMark mark) {
    derived_->put(txn, derived_key(quad), derived_value(mark));
}

bool Store::unset_derived(const lmdb::WriteTxn& txn, const Quad& quad) {
    return derived_->del(txn, derived_key(quad));
}

void Store::for_each_derived(const lmdb::Txn& txn, const Quad& prefix, unsigned length,
                             const std::function<void(const Quad&, DerivedMark)>& fn) const {
    if (!derived_)
        return;
    const std::string start = derived_key(prefix).substr(0, length * 8);
    lmdb::Cursor cursor(txn, *derived_);
    for (auto entry = start.empty() ? cursor.get(MDB_FIRST) : cursor.seek(start); entry;
         entry = cursor.get(MDB_NEXT)) {
        if (entry->first.substr(0, start.size()) != start)
            break;
        fn(derived_quad(entry->first), derived_mark(entry->second));
    }
}

std::uint64_t Store::derived_count(const lmdb::Txn& txn) const {
    return derived_ ? derived_->size(txn) : 0;
}

std::vector<std::string> Store::verify(const lmdb::Txn& txn) const {
    std::vector<std::string> problems;
    auto all = [&](Permutation perm) {
        std::vector<Quad> quads;
        QuadScan scan(txn, index(perm), Key{}, Key{~0ULL, ~0ULL, ~0ULL, ~0ULL}, ScanMode::QUADS);
        std::optional<Key> previous;
        while (auto key = scan.next_key()) {
            if (previous && !(*previous < *key))
                problems.push_back(fmt::format("index {} is out of order", permutation_name(perm)));
            previous = key;
            quads.push_back(from_key(perm, *key));
        }
        std::sort(quads.begin(), quads.end());
        return quads;
    };
    const std::vector<Quad> reference = all(Permutation::SPOC);
    for (Permutation perm : ALL_PERMUTATIONS)
        if (perm != Permutation::SPOC && all(perm) != reference)
            problems.push_back(
                fmt::format("index {} holds other facts than SPOC", permutation_name(perm)));

    // Recount the statistics from SPOC.
    std::map<TermId, PredicateStats> predicates;
    std::map<TermId, std::uint64_t> contexts;
    std::set<std::pair<TermId, TermId>> subject_pairs;
    std::set<std::pair<TermId, TermId>> object_pairs;
    for (const Quad& quad : reference) {
        PredicateStats& stats = predicates[quad[P]];
        ++stats.facts;
        if (subject_pairs.emplace(quad[P], quad[S]).second)
            ++stats.distinct_subjects;
        if (object_pairs.emplace(quad[P], quad[O]).second)
            ++stats.distinct_objects;
        ++contexts[quad[C]];
    }
    if (statistics_.facts(txn) != reference.size())
        problems.push_back(fmt::format("fact count is {}, recount gives {}",
                                       statistics_.facts(txn), reference.size()));
    std::map<TermId, PredicateStats> stored_predicates;
    statistics_.for_each_predicate(
        txn, [&](TermId id, const PredicateStats& stats) { stored_predicates[id] = stats; });
    if (stored_predicates != predicates)
        problems.push_back("predicate statistics differ from a recount");
    std::map<TermId, std::uint64_t> stored_contexts;
    statistics_.for_each_context(
        txn, [&](TermId id, std::uint64_t count) { stored_contexts[id] = count; });
    if (stored_contexts != contexts)
        problems.push_back("context statistics differ from a recount");
    // Every derived mark belongs to a fact the indexes hold.
    std::size_t orphans = 0;
    for_each_derived(txn, Quad{}, 0, [&](const Quad& quad, DerivedMark) {
        if (!std::binary_search(reference.begin(), reference.end(), quad))
            ++orphans;
    });
    if (orphans)
        problems.push_back(fmt::format("{} derived marks of facts the indexes do not hold", orphans));
    return problems;
}

} // namespace quarry::storage
