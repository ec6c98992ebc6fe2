// The join choices of issue 13's performance work, each checked against the same query
// planned with it switched off (PlannerOptions): CountJoin (counting instead of joining),
// MergeJoin's seeks, the leapfrog join's hashed first levels, and the dense closure of a
// path. Graphs are large enough that scans span many index blocks.

#include "quarry/database.hpp"
#include "tests/support/rows_text.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <random>

using namespace quarry;
using quarry::testing::TempDir;
using quarry::Term;

namespace {

// All rows of a query as text, sorted (the choices may produce rows in another order).
std::vector<std::string> sorted_rows(Database& db, const std::string& text) {
    std::vector<std::string> out = quarry::testing::rows_text(db, text);
    std::sort(out.begin(), out.end());
    return out;
}

std::string plan_of(Database& db, const std::string& text) {
    auto results = db.execute("explain " + text);
    std::string plan;
    while (const auto row = results.at(0).rows->next())
        plan += (*row)[0]->text() + "\n";
    return plan;
}

// A graph of people meeting people (skewed: low numbers meet and are met most), members
// of organisations, with roles, places in a hierarchy with a cycle, and facts repeated in
// several contexts.
void fill(const std::filesystem::path& path) {
    Database db(path, DatabaseOptions{.no_sync = true});
    std::mt19937_64 random(13);
    const auto person = [&](std::uint64_t bound) {
        const std::uint64_t a = random() % bound, b = random() % bound;
        return Term::name(fmt::format("person {}", std::min(a, b)));
    };
    std::vector<Fact> facts;
    for (int i = 0; i < 6000; ++i) {
        const Term context = Term::name(fmt::format("city {}", random() % 5));
        facts.push_back({person(800), Term::name("met"), person(800), context});
    }
    for (int i = 0; i < 1500; ++i)
        facts.push_back({person(800), Term::name("member_of"), Term::name(fmt::format("org {}", random() % 20))});
    for (int i = 0; i < 400; ++i) {
        facts.push_back({person(800), Term::name("role"), Term::name(fmt::format("role {}", random() % 7))});
        facts.push_back({person(800), Term::name("knows"), person(800)});
    }
    for (int i = 0; i < 300; ++i)
        facts.push_back({Term::name(fmt::format("place {}", i)), Term::name("located_in"),
                         Term::name(fmt::format("place {}", i / 3))});
    facts.push_back({Term::name("place 0"), Term::name("located_in"), Term::name("place 250"), Term::name("old map")});
    for (int i = 0; i < 30; ++i)
        facts.push_back({person(800), Term::name("knows"), Term::name("person 5")});
    db.add(facts);
}

} // namespace

TEST_CASE("each join choice gives the rows of the plan without it", "[engine][join]") {
    TempDir dir;
    const auto path = dir.file("graph.qdb");
    fill(path);
    const auto with = [&](auto&& set) {
        PlannerOptions options;
        set(options);
        return std::make_unique<Database>(path, DatabaseOptions{.read_only = true, .planner = options});
    };
    auto all_on = with([](PlannerOptions&) {});
    auto no_count_join = with([](PlannerOptions& o) { o.count_join = false; });
    auto no_merge_seek = with([](PlannerOptions& o) { o.merge_seek = false; });
    auto no_leapfrog_hash = with([](PlannerOptions& o) { o.leapfrog_hash = false; });
    auto no_leapfrog = with([](PlannerOptions& o) { o.leapfrog = false; });
    auto no_closure = with([](PlannerOptions& o) { o.dense_closure = false; });
    auto no_triangle = with([](PlannerOptions& o) { o.dense_triangle = false; });

    SECTION("CountJoin counts what the join would produce") {
        const std::vector<std::string> queries = {
            "match (?a, met, ?b), (?b, member_of, ?org) return count(*)",
            "match (?a, met, ?b, ?c), (?b, member_of, ?org) return count(*), count(?c) as contexts",
            "match (?a, met, ?b), (?b, member_of, ?org) return ?b, count(*) as n",
            "match (?a, met, ?b), (?b, met, ?c) return count(*)",
            "match (?a, met, ?b), (?b, member_of, org 3) return distinct ?b",
            "match (?x, role, ?r), (?x, member_of, ?o) return distinct ?x",
            "match (?x, role, ?r), (?x, member_of, ?o) return count(distinct ?x) as people, count(*) as rows",
            "match (?x, knows, ?x), (?x, met, ?y) return count(*)",
            "match (?a, met, ?b, ?b), (?b, met, ?c) return count(*)",
            "match (?a, met, ?b), (?b, nothing_like_this, ?c) return count(*)",
            "match (?a, met, ?b), (?b, nothing_like_this, ?c) return ?b, count(*) as n",
            "match (?a, met, ?b), (?c, member_of, ?b) return distinct ?b",
            "match (?a, ?p, ?b), (?b, member_of, ?o) return count(*)",
        };
        for (const auto& query : queries) {
            INFO(query);
            CHECK_THAT(plan_of(*all_on, query), Catch::Contains("CountJoin"));
            CHECK_THAT(plan_of(*no_count_join, query), !Catch::Contains("CountJoin"));
            CHECK(sorted_rows(*all_on, query) == sorted_rows(*no_count_join, query));
        }
        CHECK(sorted_rows(*all_on, "match (?a, met, ?b), (?b, nothing_like_this, ?c) return count(*)") ==
              std::vector<std::string>{"0"});
        // Not for what needs the joined rows: another variable, other aggregates, three
        // tuples, two shared variables, a condition.
        for (const auto& query : {
                 "match (?a, met, ?b), (?b, member_of, ?org) return distinct ?org",
                 "match (?a, met, ?b), (?b, member_of, ?org) return ?b",
                 "match (?a, met, ?b), (?b, member_of, ?org) return count(distinct ?a)",
                 "match (?a, met, ?b), (?b, member_of, ?org) return ?b, max(?org)",
                 "match (?a, met, ?b), (?b, met, ?a) return count(*)",
                 "match (?a, met, ?b), (?b, member_of, ?org), (?org, role, ?r) return count(*)",
                 "match (?a, met, ?b), (?b, member_of, ?org) where ?a != ?b return count(*)",
             }) {
            INFO(query);
            CHECK_THAT(plan_of(*all_on, query), !Catch::Contains("CountJoin"));
        }
    }
    SECTION("CountJoin with parameters, prepared") {
        const std::string text = "match (?a, met, ?b, $city), (?b, member_of, $org) return count(*)";
        auto prepared = all_on->prepare(text);
        auto plain = no_count_join->prepare(text);
        for (const auto& [city, org] : {std::pair{"city 1", "org 2"}, std::pair{"city 3", "org 0"},
                                        std::pair{"nowhere", "org 0"}}) {
            const std::vector<Term> values{Term::name(city), Term::name(org)};
            auto a = prepared->run(values);
            auto b = plain->run(values);
            CHECK(format_term(*(*a->next())[0]) == format_term(*(*b->next())[0]));
        }
    }
    SECTION("MergeJoin seeks the side behind and finds every match") {
        for (const auto& query : {
                 "match (?a, met, ?b), (?b, member_of, org 3) return ?a, ?b",
                 "match (?a, met, ?b), (?b, member_of, org 19) return distinct ?a",
                 "match (?a, knows, ?b), (?b, member_of, org 0)",
                 "match (?a, knows, ?b), (?b, role, role 1) return ?a, ?b",
             }) {
            INFO(query);
            CHECK_THAT(plan_of(*all_on, query), Catch::Contains("MergeJoin"));
            CHECK(sorted_rows(*all_on, query) == sorted_rows(*no_merge_seek, query));
        }
    }
    SECTION("the leapfrog join with hashed first levels") {
        for (const auto& query : {
                 "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a) return count(*)",
                 "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a)",
                 "match (?a, met, ?b, ?g), (?b, met, ?c, ?g), (?c, met, ?a, ?g) return count(*)",
                 "match (?a, met, ?b), (?b, knows, ?c), (?c, met, ?a) return ?a, ?c",
                 "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?d), (?d, knows, ?a) return count(*)",
             }) {
            INFO(query);
            const auto rows = sorted_rows(*all_on, query);
            CHECK(rows == sorted_rows(*no_leapfrog_hash, query));
            CHECK(rows == sorted_rows(*no_leapfrog, query));
        }
    }
    SECTION("the dense triangle join, counting and joining") {
        for (
            const auto& query : {
                "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a) return count(*)",
                "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a)",
                "match (?a, met, ?b, _), (?b, met, ?c, _), (?c, met, ?a, _) return count(*), count(?b) as b",
                "match (?a, met, ?b), (?b, knows, ?c), (?c, met, ?a) return ?a, ?c",
                "match (?a, met, ?b), (?c, knows, ?b), (?a, met, ?c) return count(*)",
                "match (?a, met, ?b, city 1), (?b, met, ?c, city 2), (?c, met, ?a) return count(*)",
                "match (?a, met, ?b), (?b, met, ?c), (?a, knows, ?c) return count(*)",
                "match (?a, met, ?b), (?b, met, ?c), (?c, nothing_like_this, ?a) return count(*)",
                "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a) return distinct ?b",
            }) {
            INFO(query);
            CHECK_THAT(plan_of(*all_on, query), Catch::Contains("TriangleJoin"));
            CHECK_THAT(plan_of(*no_triangle, query), !Catch::Contains("TriangleJoin"));
            CHECK(sorted_rows(*all_on, query) == sorted_rows(*no_triangle, query));
        }
        CHECK(sorted_rows(*all_on,
                          "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a) return count(*)") !=
              std::vector<std::string>{"0"});
        // Not for a context that joins, or a fourth tuple.
        for (
            const auto& query : {
                "match (?a, met, ?b, ?g), (?b, met, ?c, ?g), (?c, met, ?a, ?g) return count(*)",
                "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?d), (?d, knows, ?a) return count(*)",
            }) {
            INFO(query);
            CHECK_THAT(plan_of(*all_on, query), !Catch::Contains("TriangleJoin"));
        }
        const std::string text =
            "match (?a, met, ?b, $city), (?b, met, ?c), (?c, met, ?a, $city) return count(*)";
        auto prepared = all_on->prepare(text);
        auto plain = no_triangle->prepare(text);
        for (const char* city : {"city 0", "city 4", "nowhere"}) {
            INFO(city);
            const std::vector<Term> values{Term::name(city)};
            auto a = prepared->run(values);
            auto b = plain->run(values);
            CHECK(format_term(*(*a->next())[0]) == format_term(*(*b->next())[0]));
        }
    }
    SECTION("the dense closure of a path with both ends open") {
        for (const auto& query : {
                 "match (?x, located_in+, ?y)",
                 "match (?x, located_in+, ?x)",
                 "match (?x, located_in+, ?y, old map)",
                 "match (?x, knows+, ?y) return count(*)",
                 "match (?x, nothing_like_this+, ?y)",
             }) {
            INFO(query);
            CHECK(sorted_rows(*all_on, query) == sorted_rows(*no_closure, query));
        }
        CHECK(sorted_rows(*all_on, "match (?x, located_in+, ?x)").size() > 0); // the cycle
    }
}

TEST_CASE("the dense triangle join agrees with the leapfrog join on random graphs",
          "[engine][join]") {
    for (std::uint64_t seed = 1; seed <= 4; ++seed) {
        INFO("seed " << seed);
        TempDir dir;
        const auto path = dir.file("graph.qdb");
        {
            Database db(path, DatabaseOptions{.no_sync = true});
            std::mt19937_64 random(seed);
            const std::uint64_t nodes = 20 + seed * 30;
            std::vector<Fact> facts;
            for (int i = 0; i < 1500; ++i) {
                const Term s = Term::name(fmt::format("n{}", random() % nodes));
                const Term o = Term::name(fmt::format("n{}", random() % nodes));
                const Term p = Term::name(random() % 3 == 0 ? "q" : "p");
                facts.push_back({s, p, o, Term::name(fmt::format("g{}", random() % 3))});
            }
            db.add(facts);
        }
        const auto open = [&](bool triangle) {
            PlannerOptions options;
            options.dense_triangle = triangle;
            return std::make_unique<Database>(
                path, DatabaseOptions{.read_only = true, .planner = options});
        };
        auto on = open(true), off = open(false);
        for (const auto& query : {
                 "match (?a, p, ?b), (?b, p, ?c), (?c, p, ?a) return count(*)",
                 "match (?a, p, ?b, _), (?b, q, ?c, _), (?c, p, ?a, _) return count(*)",
                 "match (?a, p, ?b), (?c, q, ?b), (?a, p, ?c)",
                 "match (?a, q, ?b, g1), (?b, p, ?c), (?a, p, ?c, _)",
             }) {
            INFO(query);
            CHECK_THAT(plan_of(*on, query), Catch::Contains("TriangleJoin"));
            CHECK(sorted_rows(*on, query) == sorted_rows(*off, query));
        }
    }
}
