#include "storage/dictionary_batch.hpp"
#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <limits>
#include <set>

using namespace quarry;
using namespace quarry::storage;
using quarry::testing::TempDir;

TEST_CASE("the dictionary maps terms to ids and back", "[storage][dictionary]") {
    TempDir dir;
    Store store(dir.file("dict.qdb"));
    std::string long_text(200 * 1024, 'x');
    std::string long_text_2 = long_text;
    long_text_2.back() = 'y'; // same 248-byte prefix, different hash
    const std::vector<Term> terms = {
        Term::name("Khaji"),
        Term::name("Syrian delegation"),
        Term::name("Türkiye"),
        Term::iri("http://example.org/e/Khaji"),
        Term::string("Khaji"),
        Term::string("Khaji", "en"),
        Term::typed("Khaji", "http://example.org/dt"),
        Term::decimal(1.5),
        Term::integer(std::numeric_limits<std::int64_t>::max()),
        Term::integer(22),
        Term::date(2024, 11, 12),
        Term::name(long_text),
        Term::name(long_text_2),
        Term::string(long_text, "en"),
    };

    std::vector<TermId> ids;
    store.write([&](lmdb::WriteTxn& txn) {
        ids.clear();
        for (const Term& term : terms)
            ids.push_back(store.intern(txn, term));
    });

    SECTION("distinct terms get distinct ids, of their kind") {
        std::set<TermId> unique(ids.begin(), ids.end());
        CHECK(unique.size() == terms.size());
        for (std::size_t i = 0; i < terms.size(); ++i)
            CHECK(kind_of(ids[i]) == terms[i].kind());
    }
    SECTION("ids resolve to their terms, and terms find their ids") {
        auto txn = store.begin_read();
        for (std::size_t i = 0; i < terms.size(); ++i) {
            CHECK(store.resolve(txn, ids[i]) == terms[i]);
            CHECK(store.find(txn, terms[i]) == ids[i]);
        }
    }
    SECTION("interning again returns the same id and stores nothing new") {
        auto txn = store.begin_read();
        const std::size_t before = store.dictionary().size(txn);
        txn.abort();
        store.write([&](lmdb::WriteTxn& write) {
            for (std::size_t i = 0; i < terms.size(); ++i)
                CHECK(store.intern(write, terms[i]) == ids[i]);
        });
        auto after = store.begin_read();
        CHECK(store.dictionary().size(after) == before);
    }
    SECTION("inline terms take no dictionary entry") {
        auto txn = store.begin_read();
        CHECK(store.dictionary().size(txn) == terms.size() - 2); // 22 and the date
    }
    SECTION("unknown terms and ids are reported as such") {
        auto txn = store.begin_read();
        CHECK_FALSE(store.find(txn, Term::name("Nobody")));
        CHECK(store.find(txn, Term::integer(7)) == inline_id(Term::integer(7)));
        CHECK_THROWS_WITH(store.resolve(txn, make_id(IdTag::NAME, 999999)),
                          Catch::Contains("not in the dictionary"));
    }
    SECTION("names can be listed by prefix, in order") {
        auto txn = store.begin_read();
        std::vector<std::string> found;
        store.dictionary().scan_prefix(txn, TermKind::NAME, "Sy", [&](const Term& t, TermId) {
            found.push_back(t.text());
            return true;
        });
        CHECK(found == std::vector<std::string>{"Syrian delegation"});
        found.clear();
        store.dictionary().scan_prefix(txn, TermKind::NAME, "", [&](const Term& t, TermId) {
            found.push_back(t.text().substr(0, 5));
            return true;
        });
        CHECK(found == std::vector<std::string>{"Khaji", "Syria", "Türk" /* 5 bytes */, "xxxxx", "xxxxx"});
        found.clear();
        store.dictionary().scan_prefix(txn, TermKind::NAME, long_text.substr(0, 300) + "x",
                                       [&](const Term& t, TermId) {
                                           found.push_back(t.text());
                                           return false; // stop after the first
                                       });
        CHECK(found.size() == 1);
    }
}

TEST_CASE("the lookup key of a long term is its prefix and a hash", "[storage][dictionary]") {
    const std::string shortest(Dictionary::MAX_DIRECT_KEY, 'a');
    CHECK(Dictionary::lookup_key(shortest) == shortest);
    const std::string longer(Dictionary::MAX_DIRECT_KEY + 1, 'a');
    const std::string key = Dictionary::lookup_key(longer);
    CHECK(key.size() == Dictionary::HASHED_PREFIX + 8);
    CHECK(key.substr(0, Dictionary::HASHED_PREFIX) == longer.substr(0, Dictionary::HASHED_PREFIX));
    CHECK(Dictionary::hash("abc") != Dictionary::hash("abd"));
    CHECK(Dictionary::hash("abc") == Dictionary::hash("abc"));
}

TEST_CASE("a dictionary batch gives the ids intern would, and writes new terms on flush", "[storage][dictionary]") {
    TempDir dir;
    std::string long_text(1000, 'x');
    std::string long_text_2 = long_text;
    long_text_2.back() = 'y'; // same 248-byte prefix, different hash
    std::vector<Term> terms;
    for (int i = 0; i < 3000; ++i) {
        terms.push_back(Term::name("person " + std::to_string(i % 700)));    // repeats
        terms.push_back(Term::iri("http://e/doc/" + std::to_string(i % 50)));
        terms.push_back(Term::string("quote " + std::to_string(i), i % 2 ? "en" : "fr"));
        terms.push_back(Term::integer(i));                                     // inline
        if (i % 100 == 0) {
            terms.push_back(Term::name(long_text + std::to_string(i)));
            terms.push_back(Term::name(long_text_2 + std::to_string(i)));
        }
    }
    // The memory budget decides only how often the batch flushes, and interning many terms
    // at once is interning each in turn: the ids are the same. Into an empty dictionary
    // the first flush appends every new term; where the tables have terms already, some
    // go in one by one.
    for (const bool empty : {true, false}) {
        const std::vector<Term> existing =
            empty ? std::vector<Term>{}
                  : std::vector<Term>{Term::name("person 3"), Term::string("quote 7", "en"), Term::name("elsewhere")};
        for (const bool at_once : {false, true}) {
            for (const std::size_t memory : {std::size_t{4096}, std::size_t{64} << 20}) {
                INFO("memory " << memory << (at_once ? ", terms interned 4,000 at once" : ", one by one")
                               << (empty ? ", empty" : ""));
                Store direct(dir.file(fmt::format("direct-{}-{}-{}.qdb", memory, at_once, empty)));
                Store batched(dir.file(fmt::format("batched-{}-{}-{}.qdb", memory, at_once, empty)));
                std::vector<TermId> want, got;
                direct.write([&](lmdb::WriteTxn& txn) {
                    for (const Term& term : existing)
                        direct.intern(txn, term);
                    for (const Term& term : terms)
                        want.push_back(direct.intern(txn, term));
                });
                batched.write([&](lmdb::WriteTxn& txn) {
                    for (const Term& term : existing)
                        batched.intern(txn, term);
                    DictionaryBatch batch(batched.dictionary(), txn, memory);
                    if (at_once) {
                        std::vector<PreparedTerm> prepared(terms.size());
                        std::vector<const PreparedTerm*> pointers;
                        for (std::size_t i = 0; i < terms.size(); ++i) {
                            prepared[i].prepare(terms[i]);
                            pointers.push_back(&prepared[i]);
                        }
                        got.resize(terms.size());
                        for (std::size_t first = 0; first < terms.size(); first += 4000)
                            batch.intern(pointers.data() + first, std::min<std::size_t>(4000, terms.size() - first),
                                         got.data() + first);
                    } else {
                        PreparedTerm prepared;
                        for (const Term& term : terms) {
                            prepared.prepare(term);
                            got.push_back(batch.intern(prepared));
                        }
                    }
                    batch.flush();
                });
                CHECK(got == want);
                const auto txn = batched.begin_read();
                CHECK(batched.dictionary().size(txn) == direct.dictionary().size(direct.begin_read()));
                for (std::size_t i = 0; i < terms.size(); i += 7) {
                    INFO(terms[i].text());
                    CHECK(batched.find(txn, terms[i]) == got[i]);
                    CHECK(batched.resolve(txn, got[i]) == terms[i]);
                }
            }
        }
    }
}
