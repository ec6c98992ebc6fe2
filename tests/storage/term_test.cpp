#include "storage/error.hpp"
#include "storage/term.hpp"
#include "storage/term_codec.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

using namespace quarry;
using namespace quarry::storage;

namespace {

// Encoding, inline id (when the kind is inline) and decoding all give the term back.
void check_round_trip(const Term& term) {
    INFO("term of kind " << kind_name(term.kind()) << " with text '" << term.text() << "'");
    CHECK(decode_term(encode_term(term)) == term);
    if (auto id = inline_id(term)) {
        CHECK(decode_inline(*id) == term);
        CHECK(kind_of(*id) == term.kind());
    } else {
        CHECK(kind_of(make_id(dictionary_tag(term), 1)) == term.kind());
    }
}

} // namespace

TEST_CASE("every kind of term survives encoding and decoding", "[storage][term]") {
    SECTION("names, including UTF-8, punctuation and multi-word names") {
        for (const char* text : {"Khaji", "Syrian delegation", "Mohammad Reza Aref", "Türkiye",
                                 "Al-Akhbar", "Organization, the", "Ağaoğlu", "北京", "x"})
            check_round_trip(Term::name(text));
    }
    SECTION("IRIs") {
        check_round_trip(Term::iri("http://example.org/e/Khaji"));
        check_round_trip(Term::iri("http://example.org/é/Türkiye#x"));
        check_round_trip(Term::iri(""));
    }
    SECTION("strings with and without language tags, escapes and NULs") {
        check_round_trip(Term::string("IRNA reported"));
        check_round_trip(Term::string("Astana", "en"));
        check_round_trip(Term::string("Астана", "ru-Cyrl-KZ"));
        check_round_trip(Term::string(std::string("a\0b\n\"c\"", 7)));
        check_round_trip(Term::string(""));
    }
    SECTION("a 100 KB string") {
        std::string big;
        for (int i = 0; big.size() < 100 * 1024; ++i)
            big += "Türkiye, Iran and Russia " + std::to_string(i) + "\n";
        check_round_trip(Term::string(big, "en"));
    }
    SECTION("typed literals") {
        check_round_trip(Term::typed("abc", "http://example.org/dt"));
        check_round_trip(Term::typed("01", "http://www.w3.org/2001/XMLSchema#integer"));
    }
    SECTION("booleans") {
        check_round_trip(Term::boolean(true));
        check_round_trip(Term::boolean(false));
    }
    SECTION("integers across the whole 64-bit range") {
        for (std::int64_t value :
             {std::int64_t{0}, std::int64_t{22}, std::int64_t{-3}, INLINE_INTEGER_MIN,
              INLINE_INTEGER_MAX, INLINE_INTEGER_MIN - 1, INLINE_INTEGER_MAX + 1,
              std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()})
            check_round_trip(Term::integer(value));
        CHECK_FALSE(inline_id(Term::integer(std::numeric_limits<std::int64_t>::max())));
        CHECK(inline_id(Term::integer(INLINE_INTEGER_MAX)));
    }
    SECTION("decimals") {
        for (double value : {1.5, 6e3, -0.1, 1e300, -1e-300, std::numeric_limits<double>::max(),
                             std::numeric_limits<double>::denorm_min(), 0.0})
            check_round_trip(Term::decimal(value));
        CHECK(Term::decimal(-0.0) == Term::decimal(0.0));
    }
    SECTION("dates from year 1 to 9999") {
        check_round_trip(Term::date(1, 1, 1));
        check_round_trip(Term::date(0, 1, 1));
        check_round_trip(Term::date(9999, 12, 31));
        check_round_trip(Term::date(2024, 2, 29));
        check_round_trip(Term::date(1970, 1, 1));
        check_round_trip(Term::date(1969, 12, 31));
    }
    SECTION("datetimes with and without offsets") {
        check_round_trip(Term::datetime(2024, 11, 12, 8, 30, 0, 0, 0));
        check_round_trip(Term::datetime(2024, 11, 12, 8, 30, 0, 250, 3 * 60 + 30));
        check_round_trip(Term::datetime(2024, 11, 12, 8, 30, 0, 0, -14 * 60));
        check_round_trip(Term::datetime(2024, 11, 12, 8, 30, 0, 0, 14 * 60));
        check_round_trip(Term::datetime(2024, 11, 12, 8, 30, 0, 0, std::nullopt));
        check_round_trip(Term::datetime(1, 1, 1, 0, 0, 0, 0, 14 * 60));
        check_round_trip(Term::datetime(9999, 12, 31, 23, 59, 59, 999, -14 * 60));
        check_round_trip(Term::datetime(0, 1, 1, 0, 0, 0, 0, 14 * 60));
    }
    SECTION("the default context") {
        check_round_trip(Term::default_context());
        CHECK(*inline_id(Term::default_context()) == DEFAULT_CONTEXT_ID);
    }
}

TEST_CASE("every date from year 1 to 9999 converts to days and back", "[storage][term]") {
    std::int64_t previous = days_from_civil(0, 12, 31);
    for (std::int64_t year = 1; year <= 9999; ++year) {
        for (unsigned month = 1; month <= 12; ++month) {
            for (unsigned day = 1; is_valid_date(year, month, day); ++day) {
                const std::int64_t days = days_from_civil(year, month, day);
                REQUIRE(days == previous + 1);
                const CivilDate civil = civil_from_days(days);
                REQUIRE(civil.year == year);
                REQUIRE(civil.month == month);
                REQUIRE(civil.day == day);
                previous = days;
            }
        }
    }
}

TEST_CASE("inline ids sort in value order", "[storage][term]") {
    std::mt19937_64 random(7);
    SECTION("integers") {
        std::uniform_int_distribution<std::int64_t> dist(INLINE_INTEGER_MIN, INLINE_INTEGER_MAX);
        for (int i = 0; i < 10000; ++i) {
            const std::int64_t a = i % 3 == 0 ? dist(random) % 100 : dist(random);
            const std::int64_t b = i % 3 == 0 ? dist(random) % 100 : dist(random);
            REQUIRE((a < b) == (*inline_id(Term::integer(a)) < *inline_id(Term::integer(b))));
        }
        CHECK(*inline_id(Term::integer(-1)) < *inline_id(Term::integer(0)));
        CHECK(*inline_id(Term::integer(INLINE_INTEGER_MIN)) < *inline_id(Term::integer(-1)));
    }
    SECTION("dates") {
        std::uniform_int_distribution<std::int64_t> dist(days_from_civil(0, 1, 1),
                                                         days_from_civil(9999, 12, 31));
        for (int i = 0; i < 10000; ++i) {
            const std::int64_t a = dist(random);
            const std::int64_t b = dist(random);
            REQUIRE((a < b) == (*inline_id(Term::date_from_days(a)) <
                                *inline_id(Term::date_from_days(b))));
        }
    }
    SECTION("datetimes: by instant, whatever the offset") {
        const Term early = Term::datetime(2024, 11, 12, 8, 30, 0, 0, 3 * 60); // 05:30Z
        const Term late = Term::datetime(2024, 11, 12, 6, 0, 0, 0, 0);        // 06:00Z
        CHECK(*inline_id(early) < *inline_id(late));
        std::uniform_int_distribution<std::int64_t> ms(days_from_civil(1, 1, 1) * MS_PER_DAY,
                                                       days_from_civil(9999, 1, 1) * MS_PER_DAY);
        std::uniform_int_distribution<int> offset(-840, 840);
        for (int i = 0; i < 10000; ++i) {
            const std::int64_t a = ms(random);
            const std::int64_t b = ms(random);
            const Term ta = Term::datetime(a, offset(random));
            const Term tb = Term::datetime(b, std::nullopt);
            REQUIRE((a < b) == (*inline_id(ta) < *inline_id(tb)));
            const auto [lo, hi] = inline_datetime_range(std::min(a, b), std::max(a, b));
            REQUIRE(lo <= *inline_id(ta));
            REQUIRE(*inline_id(ta) <= hi);
        }
    }
    SECTION("booleans") {
        CHECK(*inline_id(Term::boolean(false)) < *inline_id(Term::boolean(true)));
    }
    SECTION("kinds are grouped: tags follow the kind order") {
        CHECK(*inline_id(Term::boolean(true)) < *inline_id(Term::integer(INLINE_INTEGER_MIN)));
        CHECK(*inline_id(Term::integer(INLINE_INTEGER_MAX)) < *inline_id(Term::date(0, 1, 1)));
        CHECK(*inline_id(Term::date(9999, 12, 31)) <
              *inline_id(Term::datetime(0, 1, 1, 0, 0, 0, 0, 0)));
    }
}

TEST_CASE("invalid values are refused with a clear message", "[storage][term]") {
    CHECK_THROWS_WITH(Term::date(2023, 2, 29), Catch::Contains("not a valid date"));
    CHECK_THROWS_WITH(Term::date(2024, 13, 1), Catch::Contains("not a valid date"));
    CHECK_THROWS_WITH(Term::date(10000, 1, 1), Catch::Contains("not a valid date"));
    CHECK_THROWS_WITH(Term::datetime(2024, 1, 1, 24, 0, 0, 0, 0),
                      Catch::Contains("not a valid time"));
    CHECK_THROWS_WITH(Term::datetime(2024, 1, 1, 0, 0, 0, 0, 15 * 60),
                      Catch::Contains("outside ±14:00"));
    CHECK_THROWS_WITH(Term::decimal(std::nan("")), Catch::Contains("finite"));
    CHECK_THROWS_WITH(Term::decimal(HUGE_VAL), Catch::Contains("finite"));
    CHECK_THROWS_WITH(Term::name(""), Catch::Contains("cannot be empty"));
    CHECK_THROWS_WITH(Term::name("bad \xC3\x28 byte"), Catch::Contains("not valid UTF-8"));
    CHECK_THROWS_WITH(Term::string("\xED\xA0\x80"), Catch::Contains("not valid UTF-8"));
    CHECK_THROWS_WITH(Term::string("overlong \xC0\xAF"), Catch::Contains("not valid UTF-8"));
    CHECK_THROWS_WITH(Term::string("x", "en-"), Catch::Contains("not a valid language tag"));
    CHECK_THROWS_WITH(Term::string("x", "1en"), Catch::Contains("not a valid language tag"));
    CHECK_THROWS_WITH(Term::iri("http://ex/a b"), Catch::Contains("not allowed in an IRI"));
    CHECK_THROWS_WITH(Term::typed("x", "has space"), Catch::Contains("not allowed in an IRI"));
    CHECK_THROWS_AS(Term::name("\xFF"), TermError);
}

TEST_CASE("corrupt encodings and ids are reported, not misread", "[storage][term]") {
    CHECK_THROWS_WITH(decode_term(""), Catch::Contains("corrupt term record"));
    CHECK_THROWS_WITH(decode_term(std::string(1, char(99))), Catch::Contains("unknown kind"));
    CHECK_THROWS_WITH(decode_term(std::string(1, char(TermKind::INTEGER)) + "abc"),
                      Catch::Contains("corrupt term record"));
    CHECK_THROWS_WITH(decode_term(std::string(1, char(TermKind::STRING)) + "no separator"),
                      Catch::Contains("corrupt term record"));
    CHECK_THROWS_WITH(decode_term(std::string(1, char(TermKind::NAME)) + "\xFF"),
                      Catch::Contains("not valid UTF-8"));
    CHECK_THROWS_WITH(kind_of(make_id(static_cast<IdTag>(15), 1)), Catch::Contains("unknown tag"));
    CHECK_THROWS_WITH(decode_inline(make_id(IdTag::NAME, 1)), Catch::Contains("not an inline"));
    CHECK_THROWS_WITH(decode_inline(make_id(IdTag::BOOLEAN, 2)), Catch::Contains("not an inline"));
}

TEST_CASE("is_valid_utf8 rejects a bad byte wherever it falls in a run of ASCII", "[storage][term]") {
    for (std::size_t offset = 0; offset < 20; ++offset) {
        const std::string ascii(offset, 'a');
        INFO("offset " << offset);
        CHECK_FALSE(quarry::storage::is_valid_utf8(ascii + "\xC3" + "bbbbbbbbb"));
        CHECK_FALSE(quarry::storage::is_valid_utf8(ascii + "\xFF" + "bbbbbbbbb"));
        CHECK_FALSE(quarry::storage::is_valid_utf8(ascii + "\xC3\xA9" + "bbbbbbbbb\xE2\x82"));
        CHECK(quarry::storage::is_valid_utf8(ascii + "Türkiye 北京 bbbbbbbbbbb"));
    }
}

TEST_CASE("a term made in place equals the one its factory makes", "[storage][term]") {
    Term term = Term::datetime(1'700'000'000'000, 180); // every field set
    term.assign_name("Syrian delegation");
    CHECK(term == Term::name("Syrian delegation"));
    term.assign_string("IRNA reported", "en");
    CHECK(term == Term::string("IRNA reported", "en"));
    term.assign_iri("http://example.org/e/Khaji");
    CHECK(term == Term::iri("http://example.org/e/Khaji"));
    term.assign_string("plain");
    CHECK(term == Term::string("plain"));
    term.assign_name(term.text()); // from its own text
    CHECK(term == Term::name("plain"));
    // A refused value leaves the term as it was.
    CHECK_THROWS_AS(term.assign_name(""), TermError);
    CHECK_THROWS_AS(term.assign_iri("http://e/a b"), TermError);
    CHECK_THROWS_AS(term.assign_string("x", "e n"), TermError);
    CHECK_THROWS_AS(term.assign_string("\xFF"), TermError);
    CHECK(term == Term::name("plain"));
}
