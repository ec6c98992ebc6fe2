#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

using namespace quarry;
using namespace quarry::storage;
using quarry::testing::TempDir;

namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

std::filesystem::path lock_file(const std::filesystem::path& path) {
    return path.string() + "-lock";
}

// Opening `path` must fail with a message containing `message`, leaving the file's bytes
// and modification time as they were and creating no lock file.
void check_refused(const std::filesystem::path& path, const std::string& message,
                   bool lock_existed = false) {
    const std::string before = read_file(path);
    const auto mtime = std::filesystem::last_write_time(path);
    for (bool read_only : {false, true}) {
        StoreOptions options;
        options.read_only = read_only;
        CHECK_THROWS_WITH(Store(path, options), Catch::Contains(message) &&
                                                    Catch::Contains(path.filename().string()));
    }
    CHECK(read_file(path) == before);
    CHECK(std::filesystem::last_write_time(path) == mtime);
    CHECK(std::filesystem::exists(lock_file(path)) == lock_existed);
}

} // namespace

TEST_CASE("a new database is created and opens again with its facts", "[storage][open]") {
    TempDir dir;
    const auto path = dir.file("news.qdb");
    TermId khaji = 0;
    {
        Store store(path);
        store.write([&](lmdb::WriteTxn& txn) {
            khaji = store.intern(txn, Term::name("Khaji"));
            const Quad quad{khaji, store.intern(txn, Term::name("met")),
                            store.intern(txn, Term::name("Syrian delegation")),
                            store.intern(txn, Term::name("Astana"))};
            store.add(txn, std::span(&quad, 1));
            store.set_prefix(txn, "ex", "http://example.org/e/");
        });
    }
    CHECK(std::filesystem::is_regular_file(path)); // one file (MDB_NOSUBDIR), plus -lock
    StoreOptions read_only;
    read_only.read_only = true;
    Store store(path, read_only);
    auto txn = store.begin_read();
    CHECK(store.fact_count(txn) == 1);
    CHECK(store.find(txn, Term::name("Khaji")) == khaji);
    CHECK(store.prefixes(txn) ==
          std::vector<std::pair<std::string, std::string>>{{"ex", "http://example.org/e/"}});
    txn.abort();
    CHECK_THROWS_WITH(store.begin_write(), Catch::Contains("open read-only"));
}

TEST_CASE("an empty file becomes a new database", "[storage][open]") {
    TempDir dir;
    const auto path = dir.file("empty.qdb");
    write_file(path, "");
    Store store(path);
    auto txn = store.begin_read();
    CHECK(store.fact_count(txn) == 0);
}

TEST_CASE("files that are not Quarry databases are refused and left unchanged",
          "[storage][open]") {
    TempDir dir;
    SECTION("a text file") {
        const auto path = dir.file("notes.txt");
        write_file(path, "Khaji met the Syrian delegation in Astana.\n");
        check_refused(path, "not a Quarry database (not an LMDB file)");
    }
    SECTION("binary garbage of page size") {
        const auto path = dir.file("garbage.qdb");
        std::string bytes(8192, '\0');
        for (std::size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<char>((i * 7919) % 251);
        write_file(path, bytes);
        check_refused(path, "not a Quarry database");
    }
    SECTION("an LMDB file of another program") {
        const auto path = dir.file("other.mdb");
        {
            lmdb::Env env(path, lmdb::EnvOptions{});
            lmdb::WriteTxn txn(env);
            auto dbi = lmdb::Dbi::open(txn, "things", MDB_CREATE);
            dbi->put(txn, "key", "value");
            txn.commit();
        }
        std::filesystem::remove(lock_file(path));
        check_refused(path, "not a Quarry database (an LMDB file without a Quarry format record)");
    }
    SECTION("a Quarry database of an unknown format version") {
        const auto path = dir.file("future.qdb");
        { Store store(path); }
        {
            lmdb::Env env(path, lmdb::EnvOptions{});
            lmdb::WriteTxn txn(env);
            auto meta = lmdb::Dbi::open(txn, "meta");
            meta->put(txn, "format", Store::format_record(FORMAT_VERSION + 1));
            txn.commit();
        }
        check_refused(path, "has database format version 2; this build of Quarry reads version 1",
                      /*lock_existed=*/true);
    }
    SECTION("a directory") {
        CHECK_THROWS_WITH(Store(dir.path()), Catch::Contains("not a regular file"));
    }
    SECTION("a missing file opened read-only") {
        StoreOptions options;
        options.read_only = true;
        CHECK_THROWS_WITH(Store(dir.file("missing.qdb"), options),
                          Catch::Contains("no such database"));
        CHECK_FALSE(std::filesystem::exists(dir.file("missing.qdb")));
    }
}
