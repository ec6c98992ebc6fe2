// DistinctCounter (count(distinct)'s pairs): its reductions along the way (a partition
// reduced when it doubles) and at the end agree with a plain set.

#include "engine/op/row_table.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <vector>

using quarry::engine::DistinctCounter;
using quarry::engine::TermId;
using quarry::engine::UNBOUND;

TEST_CASE("DistinctCounter counts each group's distinct ids, reducing along the way",
          "[engine][aggregate]") {
    // Enough pairs that every partition is reduced several times before the end, most of
    // them repeats; some ids UNBOUND (not counted).
    const std::size_t rows = DistinctCounter::PARTITIONS * DistinctCounter::FIRST_REDUCTION * 3;
    std::mt19937_64 random(5);
    DistinctCounter counter;
    std::vector<char> seen(300 * 3000); // group * 3000 + id
    std::vector<std::size_t> groups(1024);
    std::vector<TermId> ids(1024);
    for (std::size_t done = 0; done < rows; done += groups.size()) {
        for (std::size_t i = 0; i < groups.size(); ++i) {
            groups[i] = random() % 300;
            ids[i] = random() % 50 == 0 ? UNBOUND : random() % 3000;
            if (ids[i] != UNBOUND)
                seen[groups[i] * 3000 + ids[i]] = 1;
        }
        counter.add_batch(groups.data(), ids.data(), groups.size());
    }
    std::vector<std::uint64_t> counts(300 * 2, 7);
    counter.count(counts.data(), 2, 1);
    std::vector<std::uint64_t> expected(300);
    for (std::size_t pair = 0; pair < seen.size(); ++pair)
        expected[pair / 3000] += seen[pair];
    for (std::size_t group = 0; group < 300; ++group) {
        INFO(group);
        CHECK(counts[group * 2] == 7);
        CHECK(counts[group * 2 + 1] == 7 + expected[group]);
    }
}
