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

namespace {

// Lines "1", "2", …: line n holds n (then, on line `long_line`, more than a block of
// spaces); the last line has no line break.
std::string numbered_lines(std::uint64_t count, std::uint64_t long_line) {
    std::string text;
    for (std::uint64_t n = 1; n <= count; ++n) {
        text += std::to_string(n);
        if (n == long_line)
            text += std::string(ReadAhead::BLOCK_BYTES + 1000, ' ');
        if (n < count)
            text += '\n';
    }
    return text;
}

// A block's source: each line's number must be the line it is on; `bad(n)` lines throw
// ImportError. The statement is (n, p, o).
ReadAhead::BlockSource checked_lines(std::function<bool(std::uint64_t)> bad = [](std::uint64_t) { return false; }) {
    return [bad](std::istream& block, std::size_t first_line) {
        return ReadAhead::Source([&block, bad, line = first_line - 1](ReadAhead::Statement& statement) mutable {
            std::string text;
            if (!std::getline(block, text))
                return false;
            ++line;
            const auto n = std::stoull(text);
            if (n != line)
                throw std::logic_error("line " + std::to_string(line) + " holds " + text);
            if (bad(n))
                throw ImportError("f.nt", line, 1, "bad");
            statement = {Term::integer(static_cast<std::int64_t>(n)), Term::name("p"), Term::name("o"), std::nullopt};
            return true;
        });
    };
}

} // namespace

TEST_CASE("read-ahead in blocks hands over every line in order, numbered as in the input", "[engine][transfer]") {
    const std::uint64_t count = 400'000; // about 2.6 MB: three blocks and more
    const std::string text = numbered_lines(count, 123'456);
    for (const unsigned parsers : {1u, 3u}) {
        INFO(parsers << " parsers");
        std::istringstream in(text);
        ReadAhead ahead(checked_lines(), in, false, parsers);
        ReadAhead::Batch batch;
        std::uint64_t seen = 0;
        std::vector<engine::io::LoadProgress> progress;
        while (ahead.next(batch)) {
            progress.insert(progress.end(), batch.progress.begin(), batch.progress.end());
            for (std::size_t i = 0; i < batch.size; ++i) {
                ++seen;
                REQUIRE(batch.facts[i].terms[0].inline_id == storage::inline_id(Term::integer(static_cast<std::int64_t>(seen))));
            }
        }
        CHECK(seen == count);
        CHECK(ahead.read() == count);
        // A point at the start and where each multiple of PROGRESS_EVERY was reached.
        REQUIRE(progress.size() == count / engine::io::LoadOptions::PROGRESS_EVERY + 1);
        for (std::size_t i = 0; i < progress.size(); ++i) {
            CHECK(progress[i].statements == i * engine::io::LoadOptions::PROGRESS_EVERY);
            // Line k ends at the offset of line k + 1's start: check against the text.
            const std::uint64_t k = progress[i].statements;
            if (k > 0 && k < 123'456)
                CHECK(text.compare(progress[i].bytes, std::to_string(k + 1).size() + 1, std::to_string(k + 1) + "\n") == 0);
        }
    }
}

TEST_CASE("read-ahead in blocks stops at the first error, after the lines before it", "[engine][transfer]") {
    const std::string text = numbered_lines(300'000, 0);
    std::istringstream in(text);
    ReadAhead ahead(checked_lines([](std::uint64_t n) { return n == 250'000; }), in, false, 2);
    ReadAhead::Batch batch;
    std::uint64_t seen = 0;
    CHECK_THROWS_WITH(
        [&] {
            while (ahead.next(batch))
                seen += batch.size;
        }(),
        "f.nt:250000:1: bad");
    CHECK(seen == 249'999);
    CHECK_THROWS_WITH(ahead.next(batch), "f.nt:250000:1: bad"); // and again, not a hang
}

TEST_CASE("read-ahead in blocks skips malformed lines when asked, in order across blocks", "[engine][transfer]") {
    const std::string text = numbered_lines(300'000, 0);
    std::istringstream in(text);
    ReadAhead ahead(checked_lines([](std::uint64_t n) { return n % 25'000 == 0; }), in, true, 2);
    ReadAhead::Batch batch;
    std::uint64_t seen = 0;
    while (ahead.next(batch))
        seen += batch.size;
    CHECK(seen == 300'000 - 12);
    CHECK(ahead.skipped() == 12);
    REQUIRE(ahead.first_skipped().size() == 10);
    for (std::size_t i = 0; i < 10; ++i)
        CHECK(ahead.first_skipped()[i] == "f.nt:" + std::to_string((i + 1) * 25'000) + ":1: bad");
}

TEST_CASE("read-ahead in blocks stops when the loader leaves early", "[engine][transfer]") {
    const std::string text = numbered_lines(1'000'000, 0);
    std::istringstream in(text);
    {
        ReadAhead ahead(checked_lines(), in, false, 2);
        ReadAhead::Batch batch;
        REQUIRE(ahead.next(batch));
        CHECK(batch.size > 0);
    } // must return: the cutting and parsing threads see the loader gone and stop
    SUCCEED();
}
