#include "storage/dump.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <random>
#include <set>

using namespace quarry;
using namespace quarry::storage;
using quarry::testing::TempDir;

namespace {

std::set<Quad> all_facts(const Store& store) {
    auto txn = store.begin_read();
    std::set<Quad> out;
    QuadScan scan = store.scan(txn, QuadPattern{});
    while (auto quad = scan.next())
        out.insert(*quad);
    return out;
}

std::vector<std::pair<TermId, std::string>> all_terms(const Store& store) {
    auto txn = store.begin_read();
    std::vector<std::pair<TermId, std::string>> out;
    store.dictionary().for_each(txn, [&](TermId id, std::string_view encoding) {
        out.emplace_back(id, std::string(encoding));
    });
    return out;
}

// A database with terms of every dictionary kind (one of them far longer than a key),
// some thousands of facts over them and two prefixes.
void fill(Store& store, std::size_t facts) {
    std::mt19937_64 random(7);
    store.write([&](lmdb::WriteTxn& txn) {
        std::vector<TermId> ids;
        for (int i = 0; i < 300; ++i) {
            ids.push_back(store.intern(txn, Term::name("entity " + std::to_string(i))));
            ids.push_back(store.intern(txn, Term::string("text " + std::to_string(i), i % 2 ? "en" : "")));
            ids.push_back(store.intern(txn, Term::integer(i * 1000003)));
        }
        ids.push_back(store.intern(txn, Term::iri("http://example.org/" + std::string(3000, 'x'))));
        ids.push_back(store.intern(txn, Term::typed("7", "http://example.org/dt")));
        std::vector<Quad> quads;
        for (std::size_t i = 0; i < facts; ++i) {
            const TermId context = i % 5 == 0 ? DEFAULT_CONTEXT_ID : ids[random() % 40];
            quads.push_back({ids[random() % ids.size()], ids[random() % 20], ids[random() % ids.size()], context});
        }
        store.add(txn, quads);
        store.set_prefix(txn, "ex", "http://example.org/");
        store.set_prefix(txn, "schema", "https://schema.org/");
    });
}

std::string read_bytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::filesystem::path& file, const std::string& bytes) {
    std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
}

// Restoring `file` into a new database fails with a StorageError, and leaves it empty.
void check_refused(const TempDir& dir, const std::filesystem::path& file, const std::string& why) {
    Store target(dir.file("target-" + std::to_string(std::hash<std::string>{}(why)) + ".qdb"));
    INFO(why);
    CHECK_THROWS_AS(restore(target, file), StorageError);
    auto txn = target.begin_read();
    CHECK(target.fact_count(txn) == 0);
    CHECK(target.dictionary().size(txn) == 0);
    CHECK(target.prefixes(txn).empty());
}

} // namespace

TEST_CASE("a dump restores to the same terms, ids, facts and prefixes", "[storage][dump]") {
    TempDir dir;
    Store source(dir.file("source.qdb"));
    fill(source, 150'000); // several quad batches
    const auto file = dir.file("source.qdump");
    DumpCounts written;
    {
        auto txn = source.begin_read();
        written = dump(source, txn, file);
        CHECK(written.facts == source.fact_count(txn));
        CHECK(written.terms == source.dictionary().size(txn));
    }

    Store copy(dir.file("copy.qdb"));
    const DumpCounts restored = restore(copy, file);
    CHECK(restored.terms == written.terms);
    CHECK(restored.facts == written.facts);
    CHECK(all_terms(copy) == all_terms(source));
    CHECK(all_facts(copy) == all_facts(source));
    auto txn = copy.begin_read();
    auto source_txn = source.begin_read();
    CHECK(copy.prefixes(txn) == source.prefixes(source_txn));
    CHECK(copy.verify(txn).empty());
    // The copy is a working database: its statistics and later terms follow on.
    CHECK(copy.fact_count(txn) == source.fact_count(source_txn));
    CHECK(copy.resolve(txn, *copy.find(txn, Term::name("entity 299"))) == Term::name("entity 299"));
}

TEST_CASE("an empty database dumps and restores", "[storage][dump]") {
    TempDir dir;
    Store source(dir.file("empty.qdb"));
    const auto file = dir.file("empty.qdump");
    {
        auto txn = source.begin_read();
        dump(source, txn, file);
    }
    Store copy(dir.file("copy.qdb"));
    const DumpCounts restored = restore(copy, file);
    CHECK(restored.terms == 0);
    CHECK(restored.facts == 0);
}

TEST_CASE("a truncated, damaged or foreign dump is refused and changes nothing",
          "[storage][dump]") {
    TempDir dir;
    Store source(dir.file("source.qdb"));
    fill(source, 3'000);
    const auto file = dir.file("source.qdump");
    {
        auto txn = source.begin_read();
        dump(source, txn, file);
    }
    const std::string bytes = read_bytes(file);
    REQUIRE(bytes.size() > 1000);
    const auto bad = dir.file("bad.qdump");

    SECTION("truncated") {
        for (std::size_t length : {std::size_t{0}, std::size_t{5}, std::size_t{8}, std::size_t{40},
                                   bytes.size() / 3, bytes.size() / 2, bytes.size() - 20, bytes.size() - 1}) {
            write_bytes(bad, bytes.substr(0, length));
            check_refused(dir, bad, "truncated to " + std::to_string(length));
        }
    }
    SECTION("bit flips anywhere") {
        // Every byte of the head (magic, header, prefixes, first terms), then random ones.
        std::mt19937_64 random(11);
        for (std::size_t trial = 0; trial < 260; ++trial) {
            std::string damaged = bytes;
            const std::size_t at = trial < 160 ? trial : random() % damaged.size();
            damaged[at] = static_cast<char>(damaged[at] ^ (1 << (random() % 8)));
            write_bytes(bad, damaged);
            check_refused(dir, bad, "bit flipped at byte " + std::to_string(at));
        }
    }
    SECTION("foreign files") {
        write_bytes(bad, "<a> <b> <c> .\n");
        check_refused(dir, bad, "an N-Triples file");
        write_bytes(bad, read_bytes(dir.file("source.qdb")).substr(0, 100000));
        check_refused(dir, bad, "an LMDB file");
        check_refused(dir, dir.file("missing.qdump"), "a missing file");
    }
    SECTION("trailing garbage") {
        write_bytes(bad, bytes + "more");
        check_refused(dir, bad, "bytes after the trailer");
    }
}

TEST_CASE("restore refuses a database that already holds data", "[storage][dump]") {
    TempDir dir;
    Store source(dir.file("source.qdb"));
    fill(source, 100);
    const auto file = dir.file("source.qdump");
    {
        auto txn = source.begin_read();
        dump(source, txn, file);
    }
    Store target(dir.file("target.qdb"));
    target.write([&](lmdb::WriteTxn& txn) { target.intern(txn, Term::name("already here")); });
    CHECK_THROWS_WITH(restore(target, file), Catch::Contains("restore needs a new database"));
    auto txn = target.begin_read();
    CHECK(target.dictionary().size(txn) == 1);
    CHECK(target.fact_count(txn) == 0);
}
