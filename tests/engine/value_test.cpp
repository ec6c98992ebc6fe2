#include "engine/value.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace quarry::engine;
using quarry::storage::Term;

namespace {
Value v(Term t) { return Value(std::move(t)); }
const Value UNBOUND_VALUE;
} // namespace

TEST_CASE("comparisons are by value across numeric kinds and by identity otherwise", "[engine][value]") {
    CHECK(compare(v(Term::integer(2)), v(Term::decimal(2.0)), Comparison::EQ) == Truth::TRUE);
    CHECK(compare(v(Term::integer(2)), v(Term::decimal(2.0)), Comparison::NE) == Truth::FALSE);
    CHECK(compare(v(Term::string("22")), v(Term::integer(22)), Comparison::EQ) == Truth::FALSE);
    CHECK(compare(v(Term::string("22")), v(Term::integer(22)), Comparison::NE) == Truth::TRUE);
    CHECK(compare(v(Term::name("Khaji")), v(Term::string("Khaji")), Comparison::EQ) == Truth::FALSE);
    CHECK(compare(v(Term::name("Khaji")), v(Term::name("Khaji")), Comparison::EQ) == Truth::TRUE);
    CHECK(compare(v(Term::string("a", "en")), v(Term::string("a")), Comparison::EQ) == Truth::FALSE);
    CHECK(compare(v(Term::date(2024, 11, 12)), v(Term::datetime(2024, 11, 12, 8, 30, 0, 0, 0)),
                  Comparison::LT) == Truth::TRUE);
    CHECK(compare(v(Term::datetime(2024, 11, 12, 8, 30, 0, 0, 180)),
                  v(Term::datetime(2024, 11, 12, 5, 30, 0, 0, 0)), Comparison::EQ) == Truth::TRUE);
    CHECK(compare(v(Term::name("b")), v(Term::name("a")), Comparison::GT) == Truth::TRUE);
    CHECK(compare(v(Term::integer(-1)), v(Term::decimal(0.5)), Comparison::LE) == Truth::TRUE);
    SECTION("ordering incomparable kinds is false, so its negation holds") {
        CHECK(compare(v(Term::name("a")), v(Term::integer(1)), Comparison::LT) == Truth::FALSE);
        CHECK(compare(v(Term::name("a")), v(Term::integer(5)), Comparison::GT) == Truth::FALSE);
        CHECK(logical_not(compare(v(Term::name("a")), v(Term::integer(5)), Comparison::GT)) == Truth::TRUE);
        CHECK(compare(v(Term::boolean(true)), v(Term::integer(1)), Comparison::GE) == Truth::FALSE);
        CHECK(compare(v(Term::default_context()), v(Term::default_context()), Comparison::LE) == Truth::FALSE);
    }
    SECTION("comparing an unbound value is an error") {
        CHECK(compare(UNBOUND_VALUE, v(Term::integer(1)), Comparison::EQ) == Truth::ERROR);
        CHECK(compare(UNBOUND_VALUE, v(Term::integer(1)), Comparison::GT) == Truth::ERROR);
    }
}

TEST_CASE("the total order sorts by kind, then value", "[engine][value]") {
    const std::vector<Value> ordered = {
        UNBOUND_VALUE,
        v(Term::default_context()),
        v(Term::name("Aref")),
        v(Term::name("Khaji")),
        v(Term::iri("http://example.org/a")),
        v(Term::string("Astana")),
        v(Term::string("Astana", "en")),
        v(Term::typed("x", "http://example.org/t")),
        v(Term::boolean(false)),
        v(Term::boolean(true)),
        v(Term::integer(-3)),
        v(Term::decimal(0.5)),
        v(Term::integer(2)),
        v(Term::decimal(2.0)),
        v(Term::integer(std::numeric_limits<std::int64_t>::max())),
        v(Term::date(2024, 11, 12)),
        v(Term::datetime(2024, 11, 12, 5, 30, 0, 0, 0)),
        v(Term::datetime(2024, 11, 12, 8, 30, 0, 0, 180)),
        v(Term::date(2024, 11, 13)),
    };
    for (std::size_t i = 0; i < ordered.size(); ++i)
        for (std::size_t j = 0; j < ordered.size(); ++j) {
            INFO(i << " vs " << j);
            const int c = total_order(ordered[i], ordered[j]);
            CHECK((c < 0) == (i < j));
            CHECK((c == 0) == (i == j));
        }
}

TEST_CASE("arithmetic keeps integers exact and gives nothing for what it cannot do", "[engine][value]") {
    CHECK(arithmetic(v(Term::integer(2)), v(Term::integer(3)), Arithmetic::ADD) == v(Term::integer(5)));
    CHECK(arithmetic(v(Term::integer(2)), v(Term::decimal(0.5)), Arithmetic::MULTIPLY) == v(Term::decimal(1.0)));
    CHECK(arithmetic(v(Term::integer(1)), v(Term::integer(2)), Arithmetic::DIVIDE) == v(Term::decimal(0.5)));
    CHECK(arithmetic(v(Term::integer(std::numeric_limits<std::int64_t>::max())), v(Term::integer(1)),
                     Arithmetic::ADD) == v(Term::decimal(9223372036854775808.0)));
    CHECK_FALSE(arithmetic(v(Term::integer(1)), v(Term::integer(0)), Arithmetic::DIVIDE));
    CHECK_FALSE(arithmetic(v(Term::string("a")), v(Term::integer(1)), Arithmetic::ADD));
    CHECK_FALSE(arithmetic(UNBOUND_VALUE, v(Term::integer(1)), Arithmetic::ADD));
    CHECK(negate(v(Term::integer(3))) == v(Term::integer(-3)));
    CHECK(negate(v(Term::integer(std::numeric_limits<std::int64_t>::min()))) ==
          v(Term::decimal(9223372036854775808.0)));
}

TEST_CASE("conditions use three-valued logic", "[engine][value]") {
    CHECK(logical_and(Truth::FALSE, Truth::ERROR) == Truth::FALSE);
    CHECK(logical_and(Truth::TRUE, Truth::ERROR) == Truth::ERROR);
    CHECK(logical_or(Truth::TRUE, Truth::ERROR) == Truth::TRUE);
    CHECK(logical_or(Truth::FALSE, Truth::ERROR) == Truth::ERROR);
    CHECK(logical_not(Truth::ERROR) == Truth::ERROR);
    CHECK(truth_of(v(Term::integer(1))) == Truth::ERROR); // only booleans are true or false
}

TEST_CASE("functions of the language", "[engine][value]") {
    auto call = [](const char* name, std::vector<Value> args) { return call_function(name, args); };
    CHECK(call("contains", {v(Term::name("Syrian delegation")), v(Term::string("delegation"))}) == v(Term::boolean(true)));
    CHECK(call("starts_with", {v(Term::string("Astana")), v(Term::string("Ast"))}) == v(Term::boolean(true)));
    CHECK(call("ends_with", {v(Term::string("Astana")), v(Term::string("x"))}) == v(Term::boolean(false)));
    CHECK(call("matches", {v(Term::string("IRNA reported")), v(Term::string("^IR.A"))}) == v(Term::boolean(true)));
    CHECK_FALSE(call("matches", {v(Term::string("x")), v(Term::string("("))}));
    CHECK(call("lower", {v(Term::name("IRNA"))}) == v(Term::name("irna")));
    CHECK(call("upper", {v(Term::string("astana", "en"))}) == v(Term::string("ASTANA", "en")));
    CHECK(call("length", {v(Term::name("Türkiye"))}) == v(Term::integer(7)));
    CHECK(call("str", {v(Term::integer(22))}) == v(Term::string("22")));
    CHECK(call("str", {v(Term::iri("http://e/x"))}) == v(Term::string("http://e/x")));
    CHECK(call("lang", {v(Term::string("x", "en"))}) == v(Term::string("en")));
    CHECK(call("year", {v(Term::date(2024, 11, 12))}) == v(Term::integer(2024)));
    CHECK(call("day", {v(Term::datetime(2024, 11, 12, 23, 30, 0, 0, -120))}) == v(Term::integer(12)));
    CHECK(call("is_number", {v(Term::decimal(2.0))}) == v(Term::boolean(true)));
    CHECK(call("is_name", {v(Term::string("x"))}) == v(Term::boolean(false)));
    CHECK(call("is_date", {v(Term::datetime(2024, 1, 1, 0, 0, 0, 0, std::nullopt))}) == v(Term::boolean(true)));
    CHECK_FALSE(call("year", {v(Term::string("2024"))}));
    CHECK_FALSE(call("contains", {UNBOUND_VALUE, v(Term::string("a"))}));
}

TEST_CASE("dates take and give days", "[engine][value]") {
    const Value day = v(Term::date(2024, 11, 12));
    CHECK(arithmetic(day, v(Term::integer(7)), Arithmetic::ADD) == v(Term::date(2024, 11, 19)));
    CHECK(arithmetic(v(Term::integer(20)), day, Arithmetic::ADD) == v(Term::date(2024, 12, 2)));
    CHECK(arithmetic(day, v(Term::integer(366)), Arithmetic::SUBTRACT) == v(Term::date(2023, 11, 12)));
    CHECK(arithmetic(day, v(Term::date(2024, 1, 1)), Arithmetic::SUBTRACT) == v(Term::integer(316)));
    CHECK(arithmetic(v(Term::date(2024, 1, 1)), day, Arithmetic::SUBTRACT) == v(Term::integer(-316)));
    // Not: a date plus a date, an integer minus a date, days that are not integers, a date
    // beyond year 9999.
    CHECK_FALSE(arithmetic(day, day, Arithmetic::ADD));
    CHECK_FALSE(arithmetic(v(Term::integer(1)), day, Arithmetic::SUBTRACT));
    CHECK_FALSE(arithmetic(day, v(Term::decimal(1.5)), Arithmetic::ADD));
    CHECK_FALSE(arithmetic(day, v(Term::integer(2)), Arithmetic::MULTIPLY));
    CHECK_FALSE(arithmetic(day, v(Term::integer(10'000'000)), Arithmetic::ADD));
}

TEST_CASE("concat, substr, replace, coalesce, matches with flags and now", "[engine][value]") {
    auto call = [](const char* name, std::vector<Value> args) { return call_function(name, args); };
    CHECK(call("concat", {v(Term::name("Khaji")), v(Term::string(" met ")), v(Term::integer(22))}) ==
          v(Term::string("Khaji met 22")));
    CHECK_FALSE(call("concat", {v(Term::name("Khaji")), UNBOUND_VALUE}));
    // substr counts code points from 1, keeps a name a name and a string's language.
    CHECK(call("substr", {v(Term::name("Türkiye")), v(Term::integer(2)), v(Term::integer(3))}) == v(Term::name("ürk")));
    CHECK(call("substr", {v(Term::string("Astana", "en")), v(Term::integer(4))}) == v(Term::string("ana", "en")));
    CHECK(call("substr", {v(Term::name("Iran")), v(Term::integer(9))}) == v(Term::string("")));
    CHECK_FALSE(call("substr", {v(Term::name("Iran")), v(Term::string("1"))}));
    CHECK(call("replace", {v(Term::string("vice minister")), v(Term::string("i")), v(Term::string("I"))}) ==
          v(Term::string("vIce mInIster")));
    CHECK(call("replace", {v(Term::name("Vice Minister")), v(Term::string("v(ice)")), v(Term::string("$1-")),
                           v(Term::string("i"))}) == v(Term::name("ice- Minister")));
    CHECK(call("coalesce", {UNBOUND_VALUE, v(Term::integer(2)), v(Term::integer(3))}) == v(Term::integer(2)));
    CHECK_FALSE(call("coalesce", {UNBOUND_VALUE}));
    CHECK(call("matches", {v(Term::string("Vice")), v(Term::string("^vice")), v(Term::string("i"))}) ==
          v(Term::boolean(true)));
    CHECK(call("matches", {v(Term::string("Vice")), v(Term::string("^vice"))}) == v(Term::boolean(false)));
    CHECK(call("matches", {v(Term::string("a\nvice")), v(Term::string("^vice")), v(Term::string("m"))}) ==
          v(Term::boolean(true)));
    CHECK_FALSE(call("matches", {v(Term::string("Vice")), v(Term::string("x")), v(Term::string("q"))}));
    const Value now = call("now", {});
    REQUIRE(now);
    CHECK(now->kind() == quarry::storage::TermKind::DATETIME);
    CHECK(now->epoch_ms() > Term::datetime(2026, 1, 1, 0, 0, 0, 0, 0).epoch_ms());
}
