#include "storage/store.hpp"
#include "storage/transaction.hpp"
#include "tests/support/random_quads.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace quarry;
using namespace quarry::storage;
using quarry::testing::IdPools;
using quarry::testing::TempDir;

namespace {

std::vector<Quad> scan_all(const Store& store, const lmdb::Txn& txn, const QuadPattern& pattern,
                           ScanMode mode) {
    std::vector<Quad> out;
    QuadScan scan = store.scan(txn, pattern, mode);
    while (auto quad = scan.next())
        out.push_back(*quad);
    return out;
}

// The same through next_keys(), a block at a time, skipping copies of a triple as a
// triple scan's caller does.
std::vector<Quad> scan_blocks(const Store& store, const lmdb::Txn& txn, const QuadPattern& pattern,
                              ScanMode mode) {
    std::vector<Quad> out;
    QuadScan scan = store.scan(txn, pattern, mode);
    for (auto keys = scan.next_keys(); !keys.empty(); keys = scan.next_keys())
        for (const Key& key : keys)
            if (!scan.repeats_triple(key))
                out.push_back(from_key(scan.permutation(), key));
    return out;
}

// What a scan must return, by brute force over the reference set, in the scan's order.
std::vector<Quad> expected(const std::set<Quad>& facts, const QuadPattern& pattern,
                           ScanMode mode) {
    const Permutation perm = choose_permutation(pattern.bound_mask());
    std::vector<Key> keys;
    for (const Quad& quad : facts)
        if (pattern.matches(quad))
            keys.push_back(to_key(perm, quad));
    std::sort(keys.begin(), keys.end());
    std::vector<Quad> out;
    std::set<std::array<TermId, 3>> seen;
    for (const Key& key : keys) {
        const Quad quad = from_key(perm, key);
        if (mode == ScanMode::TRIPLES && !seen.insert({quad[S], quad[P], quad[O]}).second)
            continue;
        out.push_back(quad);
    }
    return out;
}

// Every one of the 16 bound/unbound patterns, bound to the values of `sample` (a fact, so
// there is at least one match) and to values that match nothing.
void check_all_patterns(const Store& store, const std::set<Quad>& facts, std::mt19937_64& random,
                        const IdPools& pools) {
    auto txn = store.begin_read();
    std::vector<Quad> samples(facts.begin(), facts.end());
    for (unsigned mask = 0; mask < 16; ++mask) {
        for (int trial = 0; trial < 12; ++trial) {
            const Quad sample = trial % 3 == 2 || samples.empty() ? pools.quad(random)
                                                                  : samples[random() % samples.size()];
            QuadPattern pattern;
            for (unsigned pos = 0; pos < 4; ++pos)
                if (mask & (1u << pos))
                    pattern.terms[pos] = sample[pos];
            for (ScanMode mode : {ScanMode::QUADS, ScanMode::TRIPLES}) {
                if (mode == ScanMode::TRIPLES && pattern.terms[C])
                    continue;
                INFO("mask " << mask << ", mode " << static_cast<int>(mode));
                const auto want = expected(facts, pattern, mode);
                REQUIRE(scan_all(store, txn, pattern, mode) == want);
                REQUIRE(scan_blocks(store, txn, pattern, mode) == want);
                if (mode == ScanMode::QUADS) {
                    const std::uint64_t estimate = store.estimate(txn, pattern);
                    if (want.size() <= Store::EXACT_ESTIMATE_LIMIT)
                        REQUIRE(estimate == want.size());
                    else
                        REQUIRE(estimate >= Store::EXACT_ESTIMATE_LIMIT);
                }
            }
        }
    }
}

} // namespace

TEST_CASE("all 16 patterns scan exactly the matching facts", "[storage][scan]") {
    TempDir dir;
    Store store(dir.file("scan.qdb"));
    std::mt19937_64 random(2024);
    const IdPools pools(random);
    std::set<Quad> facts;
    std::vector<Quad> batch;
    for (int i = 0; i < 10000; ++i)
        batch.push_back(pools.quad(random));
    facts.insert(batch.begin(), batch.end());

    const AddResult added = store.write([&](lmdb::WriteTxn& txn) { return store.add(txn, batch); });
    CHECK(added.added == facts.size());
    CHECK(added.already_present == batch.size() - facts.size());
    check_all_patterns(store, facts, random, pools);

    SECTION("after more adds, one fact per transaction and in batches") {
        for (int i = 0; i < 300; ++i) {
            const Quad quad = pools.quad(random);
            const bool is_new = facts.insert(quad).second;
            const AddResult one = store.write(
                [&](lmdb::WriteTxn& txn) { return store.add(txn, std::span(&quad, 1)); });
            REQUIRE(one.added == (is_new ? 1u : 0u));
            REQUIRE(one.already_present == (is_new ? 0u : 1u));
        }
        check_all_patterns(store, facts, random, pools);
    }
    SECTION("after removes, including facts that are absent") {
        std::vector<Quad> doomed;
        std::vector<Quad> all(facts.begin(), facts.end());
        std::shuffle(all.begin(), all.end(), random);
        doomed.assign(all.begin(), all.begin() + 7000);
        for (int i = 0; i < 200; ++i)
            doomed.push_back(pools.quad(random)); // some present, most already doomed or absent
        std::size_t expected_removed = 0;
        for (const Quad& quad : std::set<Quad>(doomed.begin(), doomed.end()))
            expected_removed += facts.erase(quad);
        const RemoveResult removed =
            store.write([&](lmdb::WriteTxn& txn) { return store.remove(txn, doomed); });
        CHECK(removed.removed == expected_removed);
        CHECK(removed.not_found == doomed.size() - expected_removed);
        check_all_patterns(store, facts, random, pools);
        auto txn = store.begin_read();
        CHECK(store.verify(txn).empty());
    }
    SECTION("after removing everything") {
        std::vector<Quad> all(facts.begin(), facts.end());
        store.write([&](lmdb::WriteTxn& txn) { store.remove(txn, all); });
        facts.clear();
        check_all_patterns(store, facts, random, pools);
        auto txn = store.begin_read();
        CHECK(store.fact_count(txn) == 0);
        for (Permutation perm : ALL_PERMUTATIONS)
            CHECK(store.index(perm).block_count(txn) == 0);
        CHECK(store.verify(txn).empty());
    }
}

TEST_CASE("a triple scan yields each triple once however many contexts hold it",
          "[storage][scan]") {
    TempDir dir;
    Store store(dir.file("triples.qdb"));
    const TermId khaji = make_id(IdTag::NAME, 1), met = make_id(IdTag::NAME, 2),
                 syria = make_id(IdTag::NAME, 3), astana = make_id(IdTag::NAME, 4),
                 riyadh = make_id(IdTag::NAME, 5);
    const std::vector<Quad> quads{{khaji, met, syria, astana},
                                  {khaji, met, syria, riyadh},
                                  {khaji, met, syria, DEFAULT_CONTEXT_ID},
                                  {khaji, met, riyadh, astana}};
    store.write([&](lmdb::WriteTxn& txn) { store.add(txn, quads); });
    auto txn = store.begin_read();
    CHECK(scan_all(store, txn, QuadPattern{}, ScanMode::TRIPLES).size() == 2);
    CHECK(scan_all(store, txn, QuadPattern{}, ScanMode::QUADS).size() == 4);
    QuadPattern by_object;
    by_object.terms[O] = syria;
    CHECK(scan_all(store, txn, by_object, ScanMode::TRIPLES).size() == 1);
    CHECK(scan_all(store, txn, by_object, ScanMode::QUADS).size() == 3);
}

TEST_CASE("a scan can seek forward within its range", "[storage][scan]") {
    TempDir dir;
    Store store(dir.file("seek.qdb"));
    std::vector<Quad> quads;
    for (TermId s = 1; s <= 3000; ++s)
        quads.push_back({s, 7, s * 2, 0});
    store.write([&](lmdb::WriteTxn& txn) { store.add(txn, quads); });
    auto txn = store.begin_read();
    QuadScan scan = store.scan(txn, QuadPattern{});
    CHECK((*scan.next())[S] == 1);
    scan.seek(Key{1500, 0, 0, 0});
    CHECK((*scan.next())[S] == 1500);
    scan.seek(Key{1502, 7, 3004, 0});
    CHECK((*scan.next())[S] == 1502);
    scan.seek(Key{10, 0, 0, 0}); // backwards: no effect
    CHECK((*scan.next())[S] == 1503);
    scan.seek(Key{2999, 8, 0, 0});
    CHECK((*scan.next())[S] == 3000);
    CHECK_FALSE(scan.next());
}

TEST_CASE("statistics after random adds and removes equal a recount", "[storage][stats]") {
    TempDir dir;
    Store store(dir.file("stats.qdb"));
    std::mt19937_64 random(99);
    const IdPools pools(random, 40, 5, 50, 4);
    std::set<Quad> facts;
    for (int round = 0; round < 60; ++round) {
        std::vector<Quad> batch;
        const std::size_t size = 1 + random() % (round % 5 == 0 ? 2000 : 40);
        for (std::size_t i = 0; i < size; ++i)
            batch.push_back(pools.quad(random));
        const bool adding = round % 3 != 2;
        if (!adding) // remove mostly facts that exist
            for (std::size_t i = 0; i < size && !facts.empty(); ++i)
                batch[i] = *std::next(facts.begin(), static_cast<std::ptrdiff_t>(random() % facts.size()));
        store.write([&](lmdb::WriteTxn& txn) {
            if (adding)
                store.add(txn, batch);
            else
                store.remove(txn, batch);
        });
        for (const Quad& quad : batch)
            adding ? (void)facts.insert(quad) : (void)facts.erase(quad);
        auto txn = store.begin_read();
        const auto problems = store.verify(txn);
        INFO("round " << round);
        for (const auto& problem : problems)
            UNSCOPED_INFO(problem);
        REQUIRE(problems.empty());
        REQUIRE(store.fact_count(txn) == facts.size());
    }
    // Spot-check one predicate against a hand count.
    auto txn = store.begin_read();
    const TermId p = pools.predicates[0];
    std::set<TermId> subjects, objects;
    std::uint64_t count = 0;
    for (const Quad& quad : facts)
        if (quad[P] == p) {
            ++count;
            subjects.insert(quad[S]);
            objects.insert(quad[O]);
        }
    const auto stats = store.statistics().predicate(txn, p);
    REQUIRE(stats);
    CHECK(stats->facts == count);
    CHECK(stats->distinct_subjects == subjects.size());
    CHECK(stats->distinct_objects == objects.size());
}

TEST_CASE("a failed write leaves nothing half-written", "[storage][txn]") {
    TempDir dir;
    Store store(dir.file("atomic.qdb"));
    const Quad first{make_id(IdTag::NAME, 1), make_id(IdTag::NAME, 2), make_id(IdTag::NAME, 3), 0};
    store.write([&](lmdb::WriteTxn& txn) { store.add(txn, std::span(&first, 1)); });
    struct Boom {};
    CHECK_THROWS_AS(store.write([&](lmdb::WriteTxn& txn) {
        std::vector<Quad> more;
        for (TermId i = 0; i < 5000; ++i)
            more.push_back({i, i + 1, i + 2, 0});
        store.add(txn, more);
        store.intern(txn, Term::name("Ghost"));
        throw Boom{};
    }),
                    Boom);
    auto txn = store.begin_read();
    CHECK(store.fact_count(txn) == 1);
    CHECK_FALSE(store.find(txn, Term::name("Ghost")));
    CHECK(scan_all(store, txn, QuadPattern{}, ScanMode::QUADS) == std::vector<Quad>{first});
    CHECK(store.verify(txn).empty());
}

TEST_CASE("a database started with a tiny map grows to take a million facts",
          "[storage][map]") {
    TempDir dir;
    StoreOptions options;
    options.map_size = 1 << 20; // 1 MiB
    Store store(dir.file("grow.qdb"), options);
    const std::size_t initial_map = store.env().map_size();
    std::mt19937_64 random(3);
    std::set<Quad> unique;
    for (int round = 0; round < 4; ++round) {
        std::vector<Quad> batch;
        for (int i = 0; i < 250000; ++i) {
            const Quad quad{make_id(IdTag::NAME, random() % 200000),
                            make_id(IdTag::NAME, random() % 50),
                            make_id(IdTag::INTEGER, random() % 1000000),
                            make_id(IdTag::NAME, random() % 20)};
            batch.push_back(quad);
            unique.insert(quad);
        }
        int attempts = 0;
        store.write([&](lmdb::WriteTxn& txn) {
            ++attempts;
            store.add(txn, batch);
        });
        if (round == 0)
            CHECK(attempts > 1); // the first batch overflowed the map and was run again
    }
    auto txn = store.begin_read();
    CHECK(store.fact_count(txn) == unique.size());
    CHECK(unique.size() > 990000);
    CHECK(store.env().map_size() > initial_map);
    QuadPattern one;
    one.terms[S] = (*unique.begin())[S];
    std::size_t expected_count = 0;
    for (const Quad& quad : unique)
        expected_count += quad[S] == (*unique.begin())[S];
    CHECK(scan_all(store, txn, one, ScanMode::QUADS).size() == expected_count);
}

TEST_CASE("a long transaction whose map fills starts again larger and runs its writes again",
          "[storage][map][transaction]") {
    TempDir dir;
    StoreOptions options;
    options.map_size = 1 << 20; // 1 MiB: a few thousand facts
    Store store(dir.file("long.qdb"), options);
    const std::size_t initial_map = store.env().map_size();
    std::mt19937_64 random(5);
    std::set<Quad> unique;
    std::vector<int> runs(8, 0); // how often each write ran
    {
        Transaction transaction(store);
        for (int round = 0; round < 8; ++round) {
            std::vector<Quad> batch;
            for (int i = 0; i < 20000; ++i) {
                const Quad quad{make_id(IdTag::NAME, random() % 100000), make_id(IdTag::NAME, random() % 20),
                                make_id(IdTag::INTEGER, random() % 1000000), DEFAULT_CONTEXT_ID};
                batch.push_back(quad);
                unique.insert(quad);
            }
            const std::size_t added = transaction.run([&store, &runs, round, batch](lmdb::WriteTxn& txn) {
                ++runs[round];
                return store.add(txn, batch).added;
            });
            CHECK(added > 0);
            // Inside the transaction, every write so far shows, replayed or not.
            CHECK(store.fact_count(transaction.txn()) == unique.size());
        }
        transaction.commit();
    }
    CHECK(store.env().map_size() > initial_map);
    CHECK(runs[0] > 1); // the first write ran again when a later one filled the map
    auto txn = store.begin_read();
    CHECK(store.fact_count(txn) == unique.size());
    CHECK(store.verify(txn).empty());
}

TEST_CASE("a long transaction given up stores none of its writes", "[storage][transaction]") {
    TempDir dir;
    Store store(dir.file("abort.qdb"));
    {
        Transaction transaction(store);
        const std::vector<Quad> one{{make_id(IdTag::NAME, 1), make_id(IdTag::NAME, 2), make_id(IdTag::NAME, 3),
                                     DEFAULT_CONTEXT_ID}};
        transaction.run([&store, one](lmdb::WriteTxn& txn) { store.add(txn, one); });
        CHECK_THROWS_AS(transaction.run([](lmdb::WriteTxn&) -> int { throw StorageError("refused"); }), StorageError);
        CHECK(store.fact_count(transaction.txn()) == 1); // the failed write took nothing back
    } // destroyed without commit: aborted
    CHECK(store.fact_count(store.begin_read()) == 0);
}
