#include "storage/error.hpp"
#include "storage/key_sorter.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

using namespace quarry;
using namespace quarry::storage;
using quarry::testing::TempDir;

namespace {

// Every key, through next() or through read() in batches of 1, 7 and 1,000 in turn.
std::vector<Key> drain(KeySorter& sorter, bool batches) {
    std::vector<Key> out;
    if (batches) {
        for (std::size_t round = 0;; ++round) {
            const std::size_t before = out.size();
            const std::size_t max = round % 3 == 0 ? 1 : round % 3 == 1 ? 7 : 1000;
            if (!sorter.read(out, max)) {
                CHECK(out.size() == before);
                break;
            }
            CHECK(out.size() - before <= max);
        }
        return out;
    }
    while (auto key = sorter.next())
        out.push_back(*key);
    return out;
}

} // namespace

TEST_CASE("the key sorter yields each distinct key once, in order, whatever the budget", "[storage][sort]") {
    TempDir dir;
    std::mt19937_64 random(3);
    // Small components, so that duplicates are common, and one large one.
    const auto draw = [&] { return Key{random() % 50, random() % 7, random() % 3000, random() % 1000000}; };
    for (const bool batches : {false, true})
    for (const std::size_t keys : {std::size_t{0}, std::size_t{1}, std::size_t{1000}, std::size_t{60'000}}) {
        for (const std::size_t memory : {std::size_t{1}, std::size_t{64 * 1024}, std::size_t{1} << 30}) {
            KeySorter sorter(memory, dir.path());
            std::set<Key> expected;
            for (std::size_t i = 0; i < keys; ++i) {
                Key key = draw();
                if (i % 5 == 4) // exact repeats, across runs too
                    key = *expected.begin();
                expected.insert(key);
                sorter.add(key);
            }
            INFO(keys << " keys in " << memory << " bytes, " << sorter.runs() << " runs before reading"
                      << (batches ? ", read in batches" : ""));
            const std::vector<Key> got = drain(sorter, batches);
            CHECK(got == std::vector<Key>(expected.begin(), expected.end()));
            CHECK_FALSE(sorter.next()); // stays at the end
            std::vector<Key> more;
            CHECK_FALSE(sorter.read(more, 10));
            if (memory == (std::size_t{1} << 30))
                CHECK(sorter.runs() == 0); // fits: no file at all
            if (keys == 60'000 && memory == 64 * 1024)
                CHECK(sorter.runs() == 59); // 1024 keys a run: two buffers share the budget
        }
    }
    // Runs are unlinked at once: nothing is left in the directory.
    CHECK(std::filesystem::is_empty(dir.path()));
}

TEST_CASE("the key sorter reports a directory it cannot write runs in", "[storage][sort]") {
    KeySorter sorter(1, "/nonexistent-quarry-dir");
    for (std::uint64_t i = 0; i < 1024; ++i)
        sorter.add({i, 0, 0, 0});
    CHECK_THROWS_AS(sorter.add({0, 0, 0, 0}), StorageError);
    CHECK_THROWS_WITH(sorter.add({0, 0, 0, 0}), Catch::Contains("cannot create a sort run in /nonexistent-quarry-dir"));
}

TEST_CASE("sort_keys puts keys in the order std::sort does", "[storage][sort]") {
    std::mt19937_64 random(11);
    // Shapes of ids: small dictionary ids under a tag, full 64-bit values, few distinct
    // values (many equal keys), and a mix of tags in the top bits.
    const auto draw = [&](int shape) -> TermId {
        switch (shape) {
        case 0: return make_id(IdTag::NAME, random() % 2'000'000);
        case 1: return random();
        case 2: return random() % 3;
        default: return make_id(static_cast<IdTag>(1 + random() % 10), random() % 100'000);
        }
    };
    for (const std::size_t size : {0, 1, 2, 63, 64, 65, 1000, 100'000}) {
        for (int shape = 0; shape < 4; ++shape) {
            INFO(size << " keys of shape " << shape);
            std::vector<Key> keys(size);
            for (Key& key : keys)
                key = {draw(shape), draw((shape + 1) % 4), draw(shape), draw((shape + 3) % 4)};
            std::vector<Key> expected = keys;
            std::sort(expected.begin(), expected.end());
            sort_keys(keys);
            // Where they part, rather than both vectors in full.
            const auto parted = std::mismatch(keys.begin(), keys.end(), expected.begin()).first - keys.begin();
            CHECK(static_cast<std::size_t>(parted) == size);
        }
    }
}
