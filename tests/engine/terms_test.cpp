#include "engine/error.hpp"
#include "engine/terms.hpp"
#include "parser/parse.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <random>

using namespace quarry;
using namespace quarry::storage;
using quarry::engine::format_term;

namespace {

// The stored term that `text`, written as the object of an add, stands for.
Term read_back(const std::string& text, const engine::PrefixMap& prefixes = {}) {
    const parser::ParsedStatements parsed = parser::parse("add (s, p, " + text + ")");
    INFO(text);
    REQUIRE(parsed.ok());
    return engine::to_storage(parsed.statements()[0].statement->tuples[0].object, prefixes);
}

} // namespace

TEST_CASE("stored terms print in their canonical text form", "[engine][terms]") {
    CHECK(format_term(Term::name("Syrian delegation")) == "Syrian delegation");
    CHECK(format_term(Term::name("Türkiye")) == "Türkiye");
    CHECK(format_term(Term::name("Al-Akhbar")) == "Al-Akhbar");
    CHECK(format_term(Term::name("22nd meeting")) == "22nd meeting");
    CHECK(format_term(Term::name("Organization, the")) == "`Organization, the`");
    CHECK(format_term(Term::name("22")) == "`22`");
    CHECK(format_term(Term::name("6e3")) == "`6e3`");
    CHECK(format_term(Term::name("2024-11-12")) == "`2024-11-12`");
    CHECK(format_term(Term::name("True")) == "`True`");
    CHECK(format_term(Term::name("default")) == "`default`");
    CHECK(format_term(Term::name("_")) == "`_`");
    CHECK(format_term(Term::name("?who")) == "`?who`");
    CHECK(format_term(Term::name("a  b")) == "`a  b`");
    CHECK(format_term(Term::name("ex:Khaji")) == "`ex:Khaji`");
    CHECK(format_term(Term::name("back`tick\\")) == "`back\\`tick\\\\`");
    CHECK(format_term(Term::iri("http://example.org/e/Khaji")) == "<http://example.org/e/Khaji>");
    CHECK(format_term(Term::string("IRNA reported")) == "\"IRNA reported\"");
    CHECK(format_term(Term::string("Astana", "en")) == "\"Astana\"@en");
    CHECK(format_term(Term::string("a\"b\\c\nd\te\x01")) == "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
    CHECK(format_term(Term::typed("abc", "http://x/dt")) == "\"abc\"^^<http://x/dt>");
    CHECK(format_term(Term::integer(22)) == "22");
    CHECK(format_term(Term::integer(-3)) == "-3");
    CHECK(format_term(Term::integer(std::numeric_limits<std::int64_t>::min())) ==
          "-9223372036854775808");
    CHECK(format_term(Term::decimal(1.5)) == "1.5");
    CHECK(format_term(Term::decimal(6e3)) == "6000.0");
    CHECK(format_term(Term::decimal(1e300)) == "1e+300");
    CHECK(format_term(Term::boolean(true)) == "true");
    CHECK(format_term(Term::date(2024, 11, 12)) == "2024-11-12");
    CHECK(format_term(Term::date(1, 2, 3)) == "0001-02-03");
    CHECK(format_term(Term::datetime(2024, 11, 12, 8, 30, 0, 0, 0)) == "2024-11-12T08:30:00Z");
    CHECK(format_term(Term::datetime(2024, 11, 12, 8, 30, 5, 250, 3 * 60 + 30)) ==
          "2024-11-12T08:30:05.25+03:30");
    CHECK(format_term(Term::datetime(2024, 11, 12, 0, 0, 0, 0, -5 * 60)) ==
          "2024-11-12T00:00:00-05:00");
    CHECK(format_term(Term::datetime(2024, 11, 12, 23, 59, 59, 1, std::nullopt)) ==
          "2024-11-12T23:59:59.001");
    CHECK(format_term(Term::default_context()) == "default");
}

TEST_CASE("every stored term prints as text that reads back as the same term",
          "[engine][terms]") {
    std::mt19937_64 random(1112);
    auto text = [&] {
        static const char* const PIECES[] = {"Astana", " ", "\"", "\\", "\n", "`", ",", ")",
                                             "Türkiye", "北京", "\x01", "#", ";", "  ", "?",
                                             "and", "22", "true", "default", ":", "-"};
        std::string out;
        for (std::size_t i = 0, n = 1 + random() % 4; i < n; ++i)
            out += PIECES[random() % std::size(PIECES)];
        return out;
    };
    for (int i = 0; i < 5000; ++i) {
        Term term;
        switch (random() % 9) {
        case 0: term = Term::name(text()); break;
        case 1: {
            static const char* const PATHS[] = {"a", "Türkiye", "北京", "x;y", "#frag", "%20", "?q=1&b"};
            term = Term::iri(std::string("http://example.org/") + PATHS[random() % std::size(PATHS)]);
            break;
        }
        case 2: term = Term::string(text(), random() % 2 ? "en" : ""); break;
        case 3: term = Term::typed(text(), "http://example.org/dt"); break;
        case 4: term = Term::integer(static_cast<std::int64_t>(random())); break;
        case 5: term = Term::decimal(std::ldexp(static_cast<double>(random() >> 12), static_cast<int>(random() % 100) - 60)); break;
        case 6: term = Term::boolean(random() % 2); break;
        case 7: term = Term::date_from_days(static_cast<std::int64_t>(random() % 3000000) - 719000); break;
        default:
            term = Term::datetime(static_cast<std::int64_t>(random() % 300000000000000) - 62000000000000,
                                  random() % 3 ? std::optional<int>(static_cast<int>(random() % 1681) - 840)
                                               : std::nullopt);
            break;
        }
        const std::string printed = format_term(term);
        INFO("case " << i << ": " << printed);
        REQUIRE(read_back(printed) == term);
    }
}

TEST_CASE("values written in statements convert to stored terms", "[engine][terms]") {
    const engine::PrefixMap prefixes{{"ex", "http://example.org/e/"}};
    CHECK(read_back("ex:Khaji", prefixes) == Term::iri("http://example.org/e/Khaji"));
    CHECK(read_back("\"01\"^^ex:int", prefixes) == Term::typed("01", "http://example.org/e/int"));
    CHECK(read_back("2024-11-12T08:30:00+03:00") ==
          Term::datetime(2024, 11, 12, 8, 30, 0, 0, 180));
    CHECK(read_back("2024-11-12") == Term::date(2024, 11, 12));
    CHECK(read_back("-9223372036854775808") ==
          Term::integer(std::numeric_limits<std::int64_t>::min()));
    CHECK_THROWS_WITH(read_back("nope:Khaji", prefixes), Catch::Contains("unknown prefix 'nope:'"));
    const parser::ParsedStatements parsed = parser::parse("remove (?x, p, o)");
    try {
        engine::to_storage(parsed.statements()[0].statement->tuples[0].subject, prefixes);
        FAIL("a variable converted to a value");
    } catch (const QueryError& e) {
        REQUIRE(e.node());
        CHECK(parsed.error_at(*e.node(), e.what()).what() ==
              std::string("line 1, column 9: a value is needed here, not a variable"));
    }
}
