#include "engine/io/read_ahead.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>

using namespace quarry;
using engine::io::ReadAhead;
using storage::Term;

namespace {

// A source of `count` statements, the i-th (i, p, i) in context c when i is even;
// then `after_end`.
ReadAhead::Source numbered(std::uint64_t count, std::function<bool()> after_end = [] { return false; }) {
    return [count, after_end, i = std::uint64_t{0}](ReadAhead::Statement& statement) mutable {
        if (i == count)
            return after_end();
        statement = {Term::name("s" + std::to_string(i)), Term::name("p"), Term::integer(static_cast<std::int64_t>(i)),
                     i % 2 == 0 ? std::optional<Term>(Term::name("c")) : std::nullopt};
        ++i;
        return true;
    };
}

} // namespace

TEST_CASE("read-ahead hands over every statement in order, in batches", "[engine][transfer]") {
    std::istringstream in;
    const std::uint64_t count = ReadAhead::BATCH_FACTS * 10 + 17;
    ReadAhead ahead(numbered(count), in, false);
    ReadAhead::Batch batch;
    std::uint64_t seen = 0, progress_points = 0;
    while (ahead.next(batch)) {
        REQUIRE(batch.size <= ReadAhead::BATCH_FACTS);
        progress_points += batch.progress.size();
        for (std::size_t i = 0; i < batch.size; ++i, ++seen) {
            const auto& fact = batch.facts[i];
            CHECK(fact.terms[0].encoding == storage::encode_term(Term::name("s" + std::to_string(seen))));
            CHECK(fact.terms[2].inline_id == storage::inline_id(Term::integer(static_cast<std::int64_t>(seen))));
            CHECK(fact.has_context == (seen % 2 == 0));
        }
    }
    CHECK(seen == count);
    CHECK(ahead.read() == count);
    CHECK(progress_points == count / engine::io::LoadOptions::PROGRESS_EVERY + 1);
}

TEST_CASE("read-ahead rethrows the source's error after the statements before it", "[engine][transfer]") {
    std::istringstream in;
    ReadAhead ahead(numbered(5000, []() -> bool { throw std::runtime_error("disk on fire"); }), in, false);
    ReadAhead::Batch batch;
    std::uint64_t seen = 0;
    CHECK_THROWS_WITH(
        [&] {
            while (ahead.next(batch))
                seen += batch.size;
        }(),
        "disk on fire");
    CHECK(seen == 5000);
}

TEST_CASE("read-ahead skips malformed statements when asked, and counts them", "[engine][transfer]") {
    std::istringstream in;
    std::uint64_t line = 0;
    ReadAhead::Source source = [&line](ReadAhead::Statement& statement) {
        if (++line > 100)
            return false;
        if (line % 10 == 0)
            throw ImportError("f.nq", line, 1, "bad");
        statement = {Term::name("s"), Term::name("p"), Term::name("o"), std::nullopt};
        return true;
    };
    ReadAhead ahead(source, in, true);
    ReadAhead::Batch batch;
    std::uint64_t seen = 0;
    while (ahead.next(batch))
        seen += batch.size;
    CHECK(seen == 90);
    CHECK(ahead.read() == 90);
    CHECK(ahead.skipped() == 10);
    REQUIRE(ahead.first_skipped().size() == 10);
    CHECK(ahead.first_skipped()[0] == "f.nq:10:1: bad");
}

TEST_CASE("read-ahead stops reading when the loader leaves early", "[engine][transfer]") {
    std::istringstream in;
    // An endless source: only the loader's leaving ends it.
    ReadAhead::Source endless = [](ReadAhead::Statement& statement) {
        statement = {Term::name("s"), Term::name("p"), Term::name("o"), std::nullopt};
        return true;
    };
    {
        ReadAhead ahead(endless, in, false);
        ReadAhead::Batch batch;
        REQUIRE(ahead.next(batch));
        CHECK(batch.size == ReadAhead::BATCH_FACTS);
    } // must return: the reading thread waits for room, sees the loader gone, and stops
    SUCCEED();
}
