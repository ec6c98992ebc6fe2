#include "engine/internals.hpp"
#include "quarry/database.hpp"
#include "tests/support/rows_text.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <thread>

using namespace quarry;
using quarry::testing::TempDir;

namespace {

// All rows of a query as text, "a | b" per row, in result order.
std::vector<std::string> rows_of(Database& db, const std::string& text) { return quarry::testing::rows_text(db, text); }

const char* const ASTANA = R"(
add (Khaji, met, Syrian delegation, Astana), (Khaji, role, adviser),
    (Iranian delegation, met, Russian delegation, Astana),
    (Aref, met, Mohammed bin Salman, Riyadh), (Aref, invited, Mohammed bin Salman, Riyadh),
    (Syrian delegation, part_of, Syria), (Astana, located_in, Kazakhstan),
    (Kazakhstan, located_in, Central Asia), (Astana talks, launched, 2017),
    (Astana talks, guarantor, Iran), (Astana talks, guarantor, Türkiye),
    (Astana talks, guarantor, Russia), (22nd meeting, date, 2024-11-12);
)";

} // namespace

TEST_CASE("add and remove report their counts and keep set semantics", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    auto results = db.execute(ASTANA);
    REQUIRE(results.size() == 1);
    CHECK(results[0].added == 13);
    results = db.execute("add (Khaji, met, Syrian delegation, Astana), (New, fact, here);");
    CHECK(results[0].added == 1);
    CHECK(results[0].already_present == 1);
    results = db.execute("remove (Khaji, role, adviser); remove (Nobody, role, adviser);");
    CHECK(results[0].removed == 1);
    CHECK(results[1].removed == 0);
    SECTION("remove with variables removes every matching fact, in every context") {
        results = db.execute("remove (?x, met, ?y);");
        CHECK(results[0].removed == 3);
        CHECK(rows_of(db, "match (?x, met, ?y)").empty());
    }
    SECTION("add and remove instantiated per solution of a match") {
        results = db.execute("add (?b, met, ?a) match (?a, met, ?b);");
        CHECK(results[0].added == 3);
        CHECK(rows_of(db, "match (Syrian delegation, met, ?who) return ?who") ==
              std::vector<std::string>{"Khaji"});
        results = db.execute("remove (?b, met, ?a) match (?a, met, ?b) where ?a = Khaji;");
        CHECK(results[0].removed == 1);
    }
    SECTION("a three-element fact lives in the default context") {
        CHECK(rows_of(db, "match (New, fact, here, ?c) return ?c") == std::vector<std::string>{"default"});
        CHECK(rows_of(db, "match (New, fact, here, default)") == std::vector<std::string>{""});
    }
}

TEST_CASE("queries answer the questions of the Astana article", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(ASTANA);
    CHECK(rows_of(db, "match (?who, met, ?whom, Astana) return ?who, ?whom order by ?who") ==
          std::vector<std::string>{"Iranian delegation | Russian delegation", "Khaji | Syrian delegation"});
    CHECK(rows_of(db, "match (Astana talks, guarantor, ?c) return count(*) as n") ==
          std::vector<std::string>{"3"});
    CHECK(rows_of(db, "match (Astana, located_in+, ?region) return ?region order by ?region") ==
          std::vector<std::string>{"Central Asia", "Kazakhstan"});
    CHECK(rows_of(db, "match (?x, met|invited, ?y, Riyadh) return distinct ?x, ?y") ==
          std::vector<std::string>{"Aref | Mohammed bin Salman"});
    CHECK(rows_of(db, "match (?x, met, ?y), not (?y, part_of, Syria) return ?x order by ?x") ==
          std::vector<std::string>{"Aref", "Iranian delegation"});
    CHECK(rows_of(db, "match (?x, met, ?y), optional (?x, role, ?r) return ?x, ?r order by ?x") ==
          std::vector<std::string>{"Aref | ", "Iranian delegation | ", "Khaji | adviser"});
    CHECK(rows_of(db, "match (?m, date, ?d) where year(?d) >= 2024 and ?d < 2025-01-01 return ?m") ==
          std::vector<std::string>{"22nd meeting"});
    CHECK(rows_of(db, "match (?a, met, ?b) return ?a, count(?b) as n order by n desc, ?a limit 2") ==
          std::vector<std::string>{"Aref | 1", "Iranian delegation | 1"});
    CHECK(rows_of(db, "match (?a, met, ?b) return ?a order by ?a offset 1 limit 1") ==
          std::vector<std::string>{"Iranian delegation"});
    CHECK(rows_of(db, "match (?t, launched, ?y) where ?y + 7 = 2024.0 return ?t") ==
          std::vector<std::string>{"Astana talks"});
    CHECK(rows_of(db, "match (?a, nothing, ?b) return count(*)") == std::vector<std::string>{"0"});
    CHECK(rows_of(db, "match (?a, nothing, ?b)").empty());
    const auto rows = db.query("match (?who, met, ?whom, Astana) return ?who as person, count(*)");
    CHECK(rows->columns() == std::vector<std::string>{"person", "count(*)"});
}

TEST_CASE("a transaction groups statements; rollback undoes them", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("begin; add (a, b, c); add (d, e, f);");
    CHECK(db.in_transaction());
    CHECK(rows_of(db, "match (?s, ?p, ?o) return count(*)") == std::vector<std::string>{"2"});
    db.execute("rollback;");
    CHECK_FALSE(db.in_transaction());
    CHECK(rows_of(db, "match (?s, ?p, ?o) return count(*)") == std::vector<std::string>{"0"});
    db.execute("begin; add (a, b, c); commit;");
    CHECK(rows_of(db, "match (?s, ?p, ?o) return count(*)") == std::vector<std::string>{"1"});
    CHECK_THROWS_WITH(db.execute("commit"), Catch::Contains("line 1, column 1: no transaction is open"));
    db.execute("begin");
    CHECK_THROWS_WITH(db.execute("begin"), Catch::Contains("already open"));
}

TEST_CASE("a transaction that outgrows the map is run again in a larger one", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"), DatabaseOptions{.map_size = 1 << 20});
    db.execute("begin");
    const std::size_t initial = engine::store_of(db).env().map_size();
    for (int round = 0; round < 10; ++round) {
        std::string batch = fmt::format("add (round, number, {})", round);
        for (int i = 0; i < 4000; ++i)
            batch += fmt::format(", (person {}-{}, met, person {}, place {})", round, i, i * 7 % 4000, i % 50);
        db.execute(batch);
    }
    db.execute("commit");
    CHECK(engine::store_of(db).env().map_size() > initial);
    CHECK(rows_of(db, "match (?a, met, ?b, ?c) return count(*)") == std::vector<std::string>{"40000"});
    CHECK(rows_of(db, "match (round, number, ?n) return count(*)") == std::vector<std::string>{"10"});
}

TEST_CASE("a failing statement changes nothing", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, b, c);");
    CHECK_THROWS(db.execute("add (d, e, f), (g, h, ex:unknown);"));
    CHECK(rows_of(db, "match (?s, ?p, ?o) return count(*)") == std::vector<std::string>{"1"});
}

TEST_CASE("errors name the line and column of the statement's node", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    const Script script("add (a, b, c);\nmatch (?a, b, ?c) where ?c = ex:thing;");
    REQUIRE(script.size() == 2);
    CHECK(script[0].kind == StatementKind::ADD);
    CHECK(script[1].kind == StatementKind::MATCH);
    db.run(script, 0);
    try {
        db.run(script, 1);
        FAIL("an unknown prefix was accepted");
    } catch (const ParseError& e) {
        CHECK(e.line() == 2);
        CHECK(e.column() == 30);
        CHECK(e.message() == "unknown prefix 'ex:' (declare it with prefix ex: <…>)");
    }
    const Script bad("match (?a, b ?c)");
    REQUIRE(bad.size() == 1);
    CHECK(!bad[0].kind);
    REQUIRE(bad[0].error);
    CHECK(bad.first_error() == bad[0].error);
    CHECK_THROWS_AS(db.run(bad, 0), ParseError);
    CHECK_THROWS_WITH(db.query("add (a, b, c)"), Catch::Contains("exactly one match"));
}

TEST_CASE("prefixes are kept in the database", "[engine][database]") {
    TempDir dir;
    const auto path = dir.file("db.qdb");
    {
        Database db(path);
        db.execute("prefix ex: <http://example.org/e/>; add (ex:Khaji, ex:met, ex:Aref);");
    }
    Database db(path);
    CHECK(rows_of(db, "match (ex:Khaji, ?p, ?o) return ?p, ?o") ==
          std::vector<std::string>{"<http://example.org/e/met> | <http://example.org/e/Aref>"});
}

TEST_CASE("load runs a .qry script relative to the running one, all or nothing", "[engine][database]") {
    TempDir dir;
    std::ofstream(dir.file("facts.qry")) << "add (a, b, c);\nadd (d, e, f);\n";
    std::ofstream(dir.file("broken.qry")) << "add (x, y, z);\nadd (oops;\n";
    Database db(dir.file("db.qdb"));
    const auto results = db.execute("load \"facts.qry\";", dir.path());
    CHECK(results[0].added == 2);
    CHECK_THROWS_WITH(db.execute("load \"broken.qry\";", dir.path()),
                      Catch::Contains("broken.qry:2:10: expected ','"));
    CHECK(rows_of(db, "match (x, ?p, ?o)").empty());
    CHECK_THROWS_WITH(db.execute("load \"missing.qry\";", dir.path()), Catch::Contains("cannot read"));
}

TEST_CASE("a read-only database answers queries and refuses changes", "[engine][database]") {
    TempDir dir;
    const auto path = dir.file("db.qdb");
    { Database(path).execute("add (a, b, c);"); }
    Database db(path, DatabaseOptions{.read_only = true});
    CHECK(rows_of(db, "match (a, b, ?o) return ?o") == std::vector<std::string>{"c"});
    CHECK_THROWS_WITH(db.execute("add (d, e, f)"), Catch::Contains("read-only"));
}

TEST_CASE("facts can be added from code", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    const auto result = db.add({{Term::name("Khaji"), Term::name("met"), Term::name("Aref")},
                                {Term::name("Khaji"), Term::name("age"), Term::integer(60), Term::name("IRNA")}});
    CHECK(result.added == 2);
    CHECK(rows_of(db, "match (Khaji, age, ?a, ?c) return ?a, ?c") == std::vector<std::string>{"60 | IRNA"});
}

TEST_CASE("explain shows the plan; explain analyze adds rows and times", "[engine][explain]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(ASTANA);
    auto lines = [&](const std::string& statement) {
        std::vector<std::string> out;
        auto results = db.execute(statement);
        while (auto row = results[0].rows->next())
            out.push_back((*row)[0]->text());
        return out;
    };
    const auto plan = lines("explain match (?who, met, ?whom, Astana), (?whom, part_of, ?country)");
    REQUIRE(plan.size() == 4);
    // The result stage on top; the smaller pattern runs first (bottom), the other joins on
    // ?whom through an index.
    CHECK(plan[0] == "Project ?who, ?whom, ?country");
    CHECK(plan[1] == "  IndexJoin (?who, met, ?whom, Astana) index CPOS bound [POC] est. 1");
    CHECK(plan[2] == "    IndexJoin (?whom, part_of, ?country) index POSC bound [P] triples est. 1");
    CHECK(plan[3] == "      Input");
    const auto analyzed = lines("explain analyze match (?who, met, ?whom, Astana) return distinct ?who");
    REQUIRE(analyzed.size() == 5);
    CHECK_THAT(analyzed[0], Catch::StartsWith("Distinct | rows 2 time "));
    CHECK_THAT(analyzed[1], Catch::StartsWith("  Project ?who | rows 2 time "));
    CHECK_THAT(analyzed[2], Catch::StartsWith("    IndexJoin (?who, met, ?whom, Astana) index CPOS bound [PC] est. 2 | rows 2 time "));
    CHECK_THAT(analyzed[4], Catch::Matches("2 rows in [0-9.]+ ms"));
}

TEST_CASE("cancel stops a huge cross product promptly, from another thread", "[engine][cancel]") {
    TempDir dir;
    Database db(dir.file("db.qdb"), DatabaseOptions{.no_sync = true});
    std::vector<Fact> facts;
    for (int i = 0; i < 2000; ++i)
        facts.push_back({Term::name("s" + std::to_string(i)), Term::name("p"), Term::integer(i)});
    db.add(facts);
    // 2000³ = 8·10⁹ rows: minutes of work without cancellation.
    auto rows = db.query("match (?a, p, ?b), (?c, p, ?d), (?e, p, ?f) return count(*)");
    std::chrono::steady_clock::time_point cancelled_at;
    std::thread canceller([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        cancelled_at = std::chrono::steady_clock::now();
        db.cancel();
    });
    CHECK_THROWS_AS(rows->next(), Cancelled);
    const auto stopped_at = std::chrono::steady_clock::now();
    canceller.join();
    const auto latency = std::chrono::duration_cast<std::chrono::milliseconds>(stopped_at - cancelled_at);
    // The engine checks between batches (well under 100 ms here); the bound is loose so
    // that a loaded machine or a sanitizer build cannot make it flaky.
    CHECK(latency < std::chrono::seconds(2));
    WARN("cancelled after " << latency.count() << " ms");
}

TEST_CASE("joins with many input rows hash instead of seeking", "[engine][explain]") {
    TempDir dir;
    PlannerOptions planner;
    planner.hash_join_min_input = 0; // hash whenever possible, to see it on small data
    Database db(dir.file("db.qdb"), DatabaseOptions{.planner = planner});
    db.execute(ASTANA);
    auto results = db.execute("explain analyze match (?a, located_in, ?b), (?b, located_in, ?c)");
    std::vector<std::string> plan;
    while (auto row = results[0].rows->next())
        plan.push_back((*row)[0]->text());
    REQUIRE(plan.size() == 5);
    CHECK_THAT(plan[0], Catch::StartsWith("Project ?a, ?b, ?c"));
    CHECK_THAT(plan[1], Catch::StartsWith("  HashJoin (?b, located_in, ?c) on [S] table 2 rows"));
    CHECK(rows_of(db, "match (?a, located_in, ?b), (?b, located_in, ?c)") ==
          std::vector<std::string>{"Astana | Kazakhstan | Central Asia"});
}

TEST_CASE("counts of one four-element tuple come from the statistics and equal a scan", "[engine][explain]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(ASTANA);
    db.execute("remove (Astana talks, guarantor, Russia); add (Khaji, met, Aref, Riyadh);"
               "begin; add (Aref, met, Khaji, Tehran); remove (Khaji, role, adviser);");
    // Inside the open transaction too: its writes are in the statistics it reads.
    const auto plan_of = [&](const std::string& query) {
        auto results = db.execute("explain " + query);
        std::string text;
        while (const auto row = results.at(0).rows->next())
            text += (*row)[0]->text() + "\n";
        return text;
    };
    const std::vector<std::string> answered = {
        "match (?s, ?p, ?o, ?g) return count(*)",
        "match (?s, ?p, ?o, ?g) return ?p, count(*) as n order by n desc, ?p",
        "match (?s, ?p, ?o, ?g) return ?g, count(?s) order by ?g",
        "match (_, ?p, _, _) return count(*), count(?p)",
        "match (?s, met, ?o, ?g) return count(*)",
        "match (?s, ?p, ?o, Astana) return count(*)",
        "match (?s, ?p, ?o, default) return count(*)",
        "match (?s, nothing_like_this, ?o, ?g) return count(*)",
        "match (?s, ?p, ?o, ?g) return ?p, count(*) * 2 as twice order by ?p",
    };
    for (const auto& query : answered) {
        INFO(query);
        CHECK_THAT(plan_of(query), Catch::Contains("StatisticsScan"));
        // `where true` keeps the planner from the shortcut: the same rows from a scan.
        const auto scanned = query.find(" return ");
        const auto forced = query.substr(0, scanned) + " where true" + query.substr(scanned);
        CHECK_THAT(plan_of(forced), !Catch::Contains("StatisticsScan"));
        CHECK(rows_of(db, query) == rows_of(db, forced));
    }
    CHECK(rows_of(db, "match (?s, ?p, ?o, ?g) return ?p, count(*) as n order by n desc, ?p").front() == "met | 5");
    // Anything the statistics cannot answer is scanned.
    for (const std::string query : {
             "match (?s, ?p, ?o) return count(*)",             // a triple once, whatever its contexts
             "match (?s, ?p, ?o, ?g) return count(distinct ?s)",
             "match (?s, ?p, ?s, ?g) return count(*)",         // a repeated variable filters
             "match (Khaji, ?p, ?o, ?g) return count(*)",
             "match (?s, met, ?o, Astana) return count(*)",
             "match (?s, ?p, ?o, ?g) return ?s, count(*)",
             "match (?s, ?p, ?o, ?g) return ?p, ?g, count(*)",
             "match (?s, ?p, ?o, ?g) return ?p",
             "match (?s, located_in+, ?o, Astana) return count(*)",
         }) {
        INFO(query);
        CHECK_THAT(plan_of(query), !Catch::Contains("StatisticsScan"));
    }
}

TEST_CASE("decoded terms kept across statements never outlive a rollback", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (Khaji, met, Aref);");
    CHECK(rows_of(db, "match (Khaji, met, ?x)") == std::vector<std::string>{"Aref"});
    // Inside the transaction a new term takes the next id; the rollback frees it, and the
    // next new term takes it again.
    db.execute("begin; add (Khaji, visited, Astana);");
    CHECK(rows_of(db, "match (Khaji, visited, ?x)") == std::vector<std::string>{"Astana"});
    db.execute("rollback; add (Khaji, visited, Riyadh);");
    CHECK(rows_of(db, "match (Khaji, visited, ?x)") == std::vector<std::string>{"Riyadh"});
    CHECK(rows_of(db, "match (Khaji, ?p, ?x) return ?p, ?x order by ?p") ==
          std::vector<std::string>{"met | Aref", "visited | Riyadh"});
}

TEST_CASE("read() into a reused row gives the rows next() gives", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(ASTANA);
    const auto format = [](const Row& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i)
            line += (i ? " | " : "") + (row[i] ? format_term(*row[i]) : std::string("(unbound)"));
        return line;
    };
    for (const std::string query : {
             "match (?s, ?p, ?o, ?c)",                                        // streamed, long and short names
             "match (?x, role, ?r), optional (?x, born_in, ?place)",          // unbound values
             "match (?s, ?p, ?o) return ?s, str(?o) as text limit 5 offset 2", // expressions, limit, offset
             "match (?s, ?p, ?o) return ?p, count(*) order by ?p",            // grouped and sorted
             "match (Nobody, ?p, ?o)",                                        // no rows
         }) {
        INFO(query);
        std::vector<std::string> by_next, by_read;
        auto rows = db.query(query);
        while (const auto row = rows->next())
            by_next.push_back(format(*row));
        Row reused;
        rows = db.query(query);
        while (rows->read(reused))
            by_read.push_back(format(reused));
        CHECK(by_read == by_next);
    }
}

namespace {

// All rows of a prepared query's run, as rows_of() gives them.
std::vector<std::string> rows_of(PreparedQuery& query, const std::vector<Term>& values) {
    std::vector<std::string> out;
    auto rows = query.run(values);
    Row row;
    while (rows->read(row)) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i)
            line += (i ? " | " : "") + (row[i] ? format_term(*row[i]) : std::string());
        out.push_back(line);
    }
    return out;
}

using Lines = std::vector<std::string>;

} // namespace

TEST_CASE("a prepared query runs with values for its parameters", "[engine][database][prepare]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(ASTANA);
    const auto met = db.prepare("match ($who, met, ?whom, $where) return ?whom order by ?whom");
    CHECK(met->parameters() == Lines{"who", "where"});
    CHECK(rows_of(*met, {Term::name("Khaji"), Term::name("Astana")}) == Lines{"Syrian delegation"});
    CHECK(rows_of(*met, {Term::name("Aref"), Term::name("Riyadh")}) == Lines{"Mohammed bin Salman"});
    CHECK(rows_of(*met, {Term::name("Aref"), Term::name("Astana")}).empty());

    // A value stored nowhere matches nothing, yet compares and shows as itself.
    CHECK(rows_of(*met, {Term::name("Nobody"), Term::name("Astana")}).empty());
    const auto launched = db.prepare("match (?talks, launched, ?year) where ?year < $before "
                                     "return ?talks, $before as before, $label");
    CHECK(launched->parameters() == Lines{"before", "label"});
    CHECK(rows_of(*launched, {Term::integer(2020), Term::string("unstored")}) ==
          Lines{"Astana talks | 2020 | \"unstored\""});
    CHECK(rows_of(*launched, {Term::integer(2017), Term::string("unstored")}).empty());

    // In a not block, a value stored nowhere excludes nothing.
    const auto never_met = db.prepare("match (?who, met, ?whom), not { (?who, met, $person) } return ?who");
    CHECK(rows_of(*never_met, {Term::name("Mohammed bin Salman")}) == Lines{"Khaji", "Iranian delegation"});
    CHECK(rows_of(*never_met, {Term::name("Ghost")}).size() == 3);

    // A parameter as the fixed context of a property path.
    db.execute("add (Astana, located_in, Kazakhstan, atlas), (Kazakhstan, located_in, Central Asia, atlas)");
    const auto within = db.prepare("match (Astana, located_in+, ?region, $source) return ?region order by ?region");
    CHECK(rows_of(*within, {Term::name("atlas")}) == Lines{"Central Asia", "Kazakhstan"});
    CHECK(rows_of(*within, {Term::default_context()}) == Lines{"Central Asia", "Kazakhstan"});
    CHECK(rows_of(*within, {Term::name("elsewhere")}).empty());

    // Counting by a parameter predicate is not taken from the totals of every predicate.
    const auto count = db.prepare("match (?s, $p, ?o, ?c) return count(*)");
    CHECK(rows_of(*count, {Term::name("guarantor")}) == Lines{"3"});
    CHECK(rows_of(*count, {Term::name("nothing")}) == Lines{"0"});
}

TEST_CASE("a prepared query sees later writes, and the open transaction's", "[engine][database][prepare]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(ASTANA);
    // `founded` is stored nowhere when the query is first planned.
    const auto founded = db.prepare("match ($org, founded, ?year)");
    CHECK(rows_of(*founded, {Term::name("OPEC")}).empty());
    db.execute("add (OPEC, founded, 1960)");
    CHECK(rows_of(*founded, {Term::name("OPEC")}) == Lines{"1960"});

    db.execute("begin; add (OIC, founded, 1969)");
    CHECK(rows_of(*founded, {Term::name("OIC")}) == Lines{"1969"});
    db.execute("rollback");
    CHECK(rows_of(*founded, {Term::name("OIC")}).empty());
    CHECK(rows_of(*founded, {Term::name("OPEC")}) == Lines{"1960"});
}

TEST_CASE("a prepared query between runs holds no transaction", "[engine][database][prepare]") {
    TempDir dir;
    Database db(dir.file("db.qdb"), DatabaseOptions{.map_size = 1 << 20});
    db.execute(ASTANA);
    const auto met = db.prepare("match ($who, met, ?whom)");
    CHECK(rows_of(*met, {Term::name("Khaji")}) == Lines{"Syrian delegation"});
    CHECK(engine::store_of(db).env().active_transactions() == 0);
    // So the map can grow.
    const std::size_t initial = engine::store_of(db).env().map_size();
    std::vector<Fact> facts;
    for (int i = 0; i < 30000; ++i)
        facts.push_back({Term::name(fmt::format("person {}", i)), Term::name("met"), Term::name("Khaji")});
    db.add(facts);
    CHECK(engine::store_of(db).env().map_size() > initial);
    CHECK(rows_of(*met, {Term::name("person 29999")}) == Lines{"Khaji"});
}

TEST_CASE("prepared queries report wrong values and statements", "[engine][database][prepare]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(ASTANA);
    const auto met = db.prepare("match ($who, met, ?whom, $where)");
    CHECK_THROWS_WITH(met->run({Term::name("Khaji")}),
                      "the query has 2 parameters: $who, $where, and 1 value was given");
    const auto all = db.prepare("match (?s, met, ?o)");
    CHECK(all->parameters().empty());
    CHECK(rows_of(*all, {}).size() == 3);
    CHECK_THROWS_WITH(all->run({Term::name("x")}), "the query has 0 parameters, and 1 value was given");
    CHECK_THROWS_WITH(db.prepare("add (a, b, c)"),
                      "prepare() takes exactly one match statement; use execute() for others");
    CHECK_THROWS_WITH(db.prepare("match (?s, p, ?o); match (?s, q, ?o)"),
                      "prepare() takes exactly one match statement; use execute() for others");
    CHECK_THROWS_WITH(db.prepare("match ($s, met/$p, ?o)"),
                      Catch::Contains("line 1, column 16: a property path cannot contain"));
    // Outside prepare, a parameter has no value.
    CHECK_THROWS_WITH(db.query("match (?s, met, ?o) where ?o = $whom"),
                      "line 1, column 32: $whom has no value: a match with parameters runs through "
                      "Database::prepare");
    // An unknown prefix is reported when the query is planned, at its first run.
    const auto prefixed = db.prepare("match ($s, ex:met, ?o)");
    CHECK_THROWS_WITH(prefixed->run({Term::name("Khaji")}), Catch::Contains("line 1, column 12: unknown prefix 'ex:'"));
}

TEST_CASE("an ordering comparison of incomparable kinds is false, so its negation holds", "[engine][database]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (Astana talks, round, 22), (Astana talks, host, Kazakhstan), (Astana talks, launched, 2017-01-23);");
    // ?b is a name, an integer and a date in turn: only the integer is greater than 5.
    CHECK(rows_of(db, "match (Astana talks, ?p, ?b) where ?b > 5 return ?p") == std::vector<std::string>{"round"});
    CHECK(rows_of(db, "match (Astana talks, ?p, ?b) where not (?b > 5) return ?p order by ?p") ==
          std::vector<std::string>{"host", "launched"});
    CHECK(rows_of(db, "match (Astana talks, ?p, ?b) where ?b <= 5 or ?b >= 5 return ?p") ==
          std::vector<std::string>{"round"});
    // An unbound operand is still an error, which drops the row either way.
    CHECK(rows_of(db, "match (Astana talks, ?p, ?b), optional (?b, x, ?y) where not (?y > 5) return ?p").empty());
}

TEST_CASE("the result stage works on ids: groups, distinct and top-N agree with a full sort", "[engine][database]") {
    TempDir dir;
    std::string script = "add ";
    for (int i = 0; i < 3000; ++i)
        script += fmt::format("{}(p{}, score, {}, c{}), (p{}, name, \"n{}\")", i ? ", " : "", i, (i * 7919) % 1000,
                              i % 7, i, i % 500);
    for (const bool top_n : {true, false}) {
        PlannerOptions planner;
        planner.top_n = top_n;
        Database db(dir.file(top_n ? "top.qdb" : "full.qdb"), DatabaseOptions{.planner = planner});
        db.execute(script + ";");
        // 3,000 scores, 1,000 distinct values, each three times (7919 is prime to 1000).
        CHECK(rows_of(db, "match (?p, score, ?s) return count(distinct ?s) as n, count(*) as m") ==
              std::vector<std::string>{"1000 | 3000"});
        CHECK(rows_of(db, "match (?p, score, ?s) return distinct ?s").size() == 1000);
        CHECK(rows_of(db, "match (?p, score, ?s, ?c) return ?c, count(*) as n, min(?s), max(?s) order by ?c limit 2") ==
              std::vector<std::string>{"c0 | 429 | 0 | 994", "c1 | 429 | 2 | 995"});
        // p(i) and p(i + 1000) share score and name: equal rows stay, and the keys order them.
        CHECK(rows_of(db, "match (?p, score, ?s), (?p, name, ?n) return ?s, ?n order by ?s desc, ?n limit 4 offset 1") ==
              std::vector<std::string>{"999 | \"n321\"", "999 | \"n321\"", "998 | \"n142\"", "998 | \"n142\""});
        CHECK(rows_of(db, "match (?p, score, ?s) return ?s + 1 as t order by t limit 2") ==
              std::vector<std::string>{"1", "1"});
    }
}

TEST_CASE("an error inside begin … commit names its node, and the transaction goes on", "[engine][database]") {
    // Inside a transaction a write keeps a copy of its statement (to run it again if the
    // map grows), and that copy is gone when its error reaches the caller.
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("begin; add (a, b, c);");
    const Script script("add (d, e, f),\n    (g, h, ex:unknown);\nload \"missing.nq\";");
    try {
        db.run(script, 0);
        FAIL("an unknown prefix was accepted");
    } catch (const ParseError& e) {
        CHECK(e.line() == 2);
        CHECK(e.column() == 12);
    }
    try {
        db.run(script, 1, RunOptions{dir.path()});
        FAIL("a missing file was loaded");
    } catch (const ParseError& e) {
        CHECK(e.line() == 3);
        CHECK(e.message().find("cannot read") != std::string::npos);
    }
    CHECK(db.in_transaction());
    db.execute("commit;");
    CHECK(rows_of(db, "match (?s, ?p, ?o)") == std::vector<std::string>{"a | b | c"});
}
