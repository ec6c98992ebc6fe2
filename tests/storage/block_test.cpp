#include "storage/block.hpp"
#include "storage/error.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>

using namespace quarry;
using namespace quarry::storage;

namespace {

std::vector<Key> random_sorted_keys(std::mt19937_64& random, std::size_t count, TermId spread) {
    std::set<Key> keys;
    std::uniform_int_distribution<TermId> small(0, spread);
    std::uniform_int_distribution<TermId> any;
    while (keys.size() < count) {
        // Mix ids with tags (large values) and small ones, as a real index has.
        auto id = [&] { return random() % 4 == 0 ? any(random) : small(random); };
        keys.insert({id(), id(), id(), id()});
    }
    return {keys.begin(), keys.end()};
}

} // namespace

TEST_CASE("a block decodes to the keys it was encoded from", "[storage][block]") {
    std::mt19937_64 random(11);
    for (TermId spread : {TermId{3}, TermId{1000}, ~TermId{0}}) {
        const auto keys = random_sorted_keys(random, 200, spread);
        std::string value;
        encode_block(keys, value);
        std::size_t expected_size = 0;
        for (std::size_t i = 1; i < keys.size(); ++i)
            expected_size += delta_size(keys[i - 1], keys[i]);
        CHECK(value.size() == expected_size);
        std::vector<Key> decoded;
        decode_block(keys.front(), value, decoded);
        CHECK(decoded == keys);
    }
}

TEST_CASE("a ranged decode keeps the keys from the target to the first past the end", "[storage][block]") {
    std::mt19937_64 random(12);
    for (TermId spread : {TermId{3}, TermId{1000}}) {
        const auto keys = random_sorted_keys(random, 150, spread);
        std::string value;
        encode_block(keys, value);
        for (int trial = 0; trial < 200; ++trial) {
            Key from = keys[random() % keys.size()], to = keys[random() % keys.size()];
            if (trial % 3 == 0)
                from[3] += 1; // between stored keys
            if (to < from)
                std::swap(from, to);
            std::vector<Key> expected;
            for (const Key& key : keys) {
                if (key < from)
                    continue;
                expected.push_back(key);
                if (to < key)
                    break;
            }
            std::vector<Key> decoded{{1, 2, 3, 4}}; // replaced, not appended to
            decode_block(keys.front(), value, from, to, decoded);
            CHECK(decoded == expected);
        }
    }
}

TEST_CASE("adjacent keys that share a prefix take one byte", "[storage][block]") {
    const Key a{100, 7, 42, 0};
    CHECK(delta_size(a, Key{100, 7, 42, 1}) == 1);
    CHECK(delta_size(a, Key{100, 7, 43, 0}) == 2);
    CHECK(key_bytes(a).size() == KEY_BYTES);
    CHECK(read_key(key_bytes(a)) == a);
}

TEST_CASE("block planning keeps every block within the size limit", "[storage][block]") {
    std::mt19937_64 random(5);
    const auto keys = random_sorted_keys(random, 5000, 1u << 20);
    const PlannedBlocks plan = plan_blocks(keys);
    const auto& starts = plan.starts;
    REQUIRE(starts.size() > 1);
    std::string value;
    for (std::size_t b = 0; b < starts.size(); ++b) {
        const std::size_t end = b + 1 < starts.size() ? starts[b + 1] : keys.size();
        CHECK(plan.end(b, keys.size()) == end);
        encode_block(std::span<const Key>(keys).subspan(starts[b], end - starts[b]), value);
        CHECK(plan.value(b, keys.size()) == value); // the planned slice is the block's encoding
        CHECK(value.size() <= MAX_BLOCK_BYTES);
        if (b + 1 < starts.size())
            CHECK(value.size() >= MAX_BLOCK_BYTES / 2); // no needlessly small blocks
    }
}

TEST_CASE("a damaged block is reported, not misread", "[storage][block]") {
    const std::vector<Key> keys{{1, 2, 3, 4}, {1, 2, 3, 900}, {1, 5, 0, 0}};
    std::string value;
    encode_block(keys, value);
    std::vector<Key> out;
    SECTION("truncated") {
        value.pop_back();
        value.push_back(static_cast<char>(0x80)); // a varint that never ends
        CHECK_THROWS_WITH(decode_block(keys.front(), value, out),
                          Catch::Contains("corrupt index block"));
    }
    SECTION("a key of the wrong length") {
        CHECK_THROWS_AS(read_key("short"), StorageError);
    }
}
