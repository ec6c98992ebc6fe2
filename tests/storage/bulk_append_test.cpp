#include "storage/bulk_append.hpp"
#include "tests/support/random_quads.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace quarry;
using namespace quarry::storage;
using quarry::testing::IdPools;
using quarry::testing::TempDir;

namespace {

std::set<Quad> all_facts(const Store& store, const lmdb::Txn& txn, Permutation perm) {
    std::set<Quad> out;
    const QuadIndex& index = store.index(perm);
    IndexScanner scanner(txn, index, Key{0, 0, 0, 0}, Key{~0ULL, ~0ULL, ~0ULL, ~0ULL});
    while (auto key = scanner.next())
        out.insert(from_key(perm, *key));
    return out;
}

} // namespace

TEST_CASE("a bulk append fills every index and the statistics as adds would", "[storage][bulk]") {
    TempDir dir;
    std::mt19937_64 random(17);
    const IdPools pools(random, 400, 12, 900, 9);
    std::vector<Quad> quads;
    for (int i = 0; i < 120'000; ++i)
        quads.push_back(pools.quad(random));
    for (int i = 0; i < 20'000; ++i) // repeats
        quads.push_back(quads[random() % quads.size()]);
    const std::set<Quad> expected(quads.begin(), quads.end());

    for (const std::size_t memory : {std::size_t{6 * 64 * 1024}, std::size_t{1} << 30}) {
        INFO("memory " << memory);
        Store bulk(dir.file("bulk-" + std::to_string(memory) + ".qdb"));
        const std::uint64_t added = bulk.write([&](lmdb::WriteTxn& txn) {
            BulkAppender appender(bulk, txn, memory, dir.path());
            for (const Quad& quad : quads)
                appender.add(quad);
            return appender.finish();
        });
        CHECK(added == expected.size());

        Store plain(dir.file("plain-" + std::to_string(memory) + ".qdb"));
        plain.write([&](lmdb::WriteTxn& txn) { plain.add(txn, quads); });

        auto txn = bulk.begin_read();
        auto plain_txn = plain.begin_read();
        CHECK(bulk.verify(txn).empty()); // indexes agree, statistics equal a recount
        CHECK(bulk.fact_count(txn) == expected.size());
        for (Permutation perm : ALL_PERMUTATIONS)
            CHECK(all_facts(bulk, txn, perm) == expected);
        for (const TermId predicate : pools.predicates)
            CHECK(bulk.estimate(txn, QuadPattern{{std::nullopt, predicate, std::nullopt, std::nullopt}}) ==
                  plain.estimate(plain_txn, QuadPattern{{std::nullopt, predicate, std::nullopt, std::nullopt}}));
    }
    // Sorted runs were spilled and are gone.
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        CHECK(entry.path().filename().string().rfind("quarry-sort-", 0) != 0);
}

TEST_CASE("a bulk append refuses a store that holds facts", "[storage][bulk]") {
    TempDir dir;
    Store store(dir.file("db.qdb"));
    store.write([&](lmdb::WriteTxn& txn) { store.add(txn, std::vector<Quad>{{make_id(IdTag::NAME, 1), make_id(IdTag::NAME, 2), make_id(IdTag::NAME, 3), DEFAULT_CONTEXT_ID}}); });
    CHECK_THROWS_WITH(store.write([&](lmdb::WriteTxn& txn) { BulkAppender appender(store, txn, 1 << 20); }),
                      Catch::Contains("needs a store without facts"));
}

TEST_CASE("a bulk append given up while its blocks wait leaves the store as it was", "[storage][bulk]") {
    TempDir dir;
    std::mt19937_64 random(5);
    const IdPools pools(random, 300, 10, 700, 6);
    Store store(dir.file("db.qdb"));
    // A small budget: runs spill, and the merging threads soon wait for the writer, which
    // never comes; giving up must stop them.
    for (const bool started : {false, true}) {
        CHECK_THROWS_WITH(store.write([&](lmdb::WriteTxn& txn) {
            BulkAppender appender(store, txn, 6 * 64 * 1024, dir.path());
            for (int i = 0; i < 60'000; ++i)
                appender.add(pools.quad(random));
            if (started)
                appender.start_merging();
            throw std::runtime_error("given up");
        }),
                          "given up");
        auto txn = store.begin_read();
        CHECK(store.fact_count(txn) == 0);
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir.path()))
        CHECK(entry.path().filename().string().rfind("quarry-sort-", 0) != 0);
}
