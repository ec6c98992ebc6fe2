#include "engine/internals.hpp"
#include "quarry/database.hpp"
#include "tests/support/rows_text.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using namespace quarry;
using quarry::testing::TempDir;

namespace {

std::vector<std::string> rows_of(Database& db, const std::string& text) {
    return quarry::testing::rows_text(db, text);
}

// The lines of a why statement.
std::vector<std::string> why(Database& db, const std::string& fact) {
    auto results = db.execute("why " + fact + ";");
    REQUIRE(results.size() == 1);
    REQUIRE(results[0].plan);
    std::vector<std::string> lines;
    while (auto row = results[0].rows->next())
        lines.push_back((*row)[0]->text());
    return lines;
}

const char* const CHAIN = R"(
add (Astana, located_in, Kazakhstan), (Kazakhstan, located_in, Central Asia),
    (Central Asia, located_in, Asia);
rule located_in_transitive: (?a, located_in, ?c) if (?a, located_in, ?b), (?b, located_in, ?c);
)";

const char* const PLACES = "match (?x, located_in, ?y) return ?x, ?y order by ?x, ?y";

} // namespace

TEST_CASE("a rule materialises at once and is kept up to date by add and remove",
          "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    auto results = db.execute(CHAIN);
    CHECK(results.back().kind == StatementKind::RULE);
    CHECK(results.back().derived == 3);
    CHECK(rows_of(db, PLACES) ==
          std::vector<std::string>{"Astana | Asia", "Astana | Central Asia", "Astana | Kazakhstan",
                                   "Central Asia | Asia", "Kazakhstan | Asia",
                                   "Kazakhstan | Central Asia"});

    results = db.execute("remove (Kazakhstan, located_in, Central Asia);");
    CHECK(results[0].removed == 1);
    CHECK(results[0].retracted == 3);
    CHECK(rows_of(db, PLACES) ==
          std::vector<std::string>{"Astana | Kazakhstan", "Central Asia | Asia"});

    results = db.execute("add (Kazakhstan, located_in, Central Asia);");
    CHECK(results[0].added == 1);
    CHECK(results[0].derived == 3);
    CHECK(rows_of(db, PLACES).size() == 6);

    SECTION("asserted reads the stored facts only") {
        CHECK(rows_of(db, "match (?x, located_in, ?y) asserted return count(*)") ==
              std::vector<std::string>{"3"});
    }
    SECTION("a derived fact added is stored too; removed, it is derived again") {
        results = db.execute("add (Astana, located_in, Asia);");
        CHECK(results[0].added == 1);
        CHECK(rows_of(db, "match (?x, located_in, ?y) asserted return count(*)") ==
              std::vector<std::string>{"4"});
        CHECK(why(db, "(Astana, located_in, Asia)") ==
              std::vector<std::string>{"(Astana, located_in, Asia) is stored"});
        results = db.execute("remove (Astana, located_in, Asia);");
        CHECK(results[0].removed == 1);
        CHECK(results[0].retracted == 0);
        CHECK(rows_of(db, PLACES).size() == 6);
        CHECK(why(db, "(Astana, located_in, Asia)").size() == 5);
    }
    SECTION("drop rule removes what only it derived") {
        results = db.execute("drop rule located_in_transitive;");
        CHECK(results[0].kind == StatementKind::DROP_RULE);
        CHECK(results[0].retracted == 3);
        CHECK(rows_of(db, PLACES).size() == 3);
        CHECK(db.rules().empty());
    }
    // The indexes agree, the statistics count derived facts, no mark is left behind.
    const auto& store = engine::store_of(db);
    CHECK(store.verify(store.begin_read()).empty());
}

TEST_CASE("why prints one derivation down to stored facts, with the rule at each step",
          "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(CHAIN);
    CHECK(why(db, "(Astana, located_in, Asia)") ==
          std::vector<std::string>{
              "(Astana, located_in, Asia)   [rule located_in_transitive]",
              "  (Astana, located_in, Kazakhstan)   stored",
              "  (Kazakhstan, located_in, Asia)   [rule located_in_transitive]",
              "    (Kazakhstan, located_in, Central Asia)   stored",
              "    (Central Asia, located_in, Asia)   stored",
          });
    CHECK(why(db, "(Astana, located_in, Kazakhstan)") ==
          std::vector<std::string>{"(Astana, located_in, Kazakhstan) is stored"});
    CHECK(why(db, "(Asia, located_in, Astana)") ==
          std::vector<std::string>{"(Asia, located_in, Astana) does not hold"});
    CHECK(why(db, "(Nowhere, located_in, Asia)") ==
          std::vector<std::string>{"(Nowhere, located_in, Asia) does not hold"});
}

TEST_CASE("why follows a chain many steps deep", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    std::string facts = "add ";
    for (int i = 0; i < 12; ++i)
        facts += (i ? ", " : "") + std::string("(n") + std::to_string(i) + ", next, n" +
                 std::to_string(i + 1) + ")";
    db.execute(facts + ";");
    db.execute("rule reach: (?a, reaches, ?b) if (?a, next, ?b);"
               "rule reach_on: (?a, reaches, ?c) if (?a, next, ?b), (?b, reaches, ?c);");
    const auto lines = why(db, "(n0, reaches, n12)");
    REQUIRE(lines.size() == 24);
    CHECK(lines.front() == "(n0, reaches, n12)   [rule reach_on]");
    CHECK(lines.back() == "                        (n11, next, n12)   stored");
}

TEST_CASE("remove of a derived fact names its rules and changes nothing", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute(CHAIN);
    try {
        db.execute("remove (Kazakhstan, located_in, Central Asia), (Astana, located_in, Asia);");
        FAIL("the remove ran");
    } catch (const ParseError& e) {
        CHECK(e.position().line == 1);
        CHECK(e.position().column == 48);
        CHECK(e.message() == "(Astana, located_in, Asia) is derived by rule located_in_transitive; "
                             "remove what it follows from, or drop the rule");
    }
    CHECK(rows_of(db, PLACES).size() == 6);
    // A pattern removes the stored facts it matches, and leaves derived ones to follow.
    auto results = db.execute("remove (?x, located_in, ?y);");
    CHECK(results[0].removed == 3);
    CHECK(results[0].retracted == 3);
    CHECK(rows_of(db, PLACES).empty());
}

TEST_CASE("a failing rule statement changes nothing", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b); rule up: (?x, s, ?y) if (?x, p, ?y), not (?x, t, ?y);");
    SECTION("a rule set that negates through a cycle is refused, naming it") {
        CHECK_THROWS_WITH(db.execute("rule down: (?x, t, ?y) if (?x, s, ?y);"),
                          Catch::Contains("negate through a cycle") && Catch::Contains("up") &&
                              Catch::Contains("down"));
    }
    SECTION("a name taken") {
        CHECK_THROWS_WITH(db.execute("rule up: (?x, t, ?y) if (?x, p, ?y);"),
                          Catch::Contains("a rule named up exists already"));
    }
    SECTION("a head variable the body does not bind") {
        try {
            db.execute("rule r: (?x, t, ?z) if (?x, p, ?y), not (?y, q, ?z);");
            FAIL("the rule was added");
        } catch (const ParseError& e) {
            CHECK(e.position().column == 17);
            CHECK(e.message() == "?z in the head is not bound by the body (only its tuples "
                                 "bind, not those inside not or optional)");
        }
    }
    REQUIRE(db.rules().size() == 1);
    CHECK(db.rules()[0].first == "up");
    CHECK(rows_of(db, "match (?x, ?p, ?y) return count(*)") == std::vector<std::string>{"2"});
}

TEST_CASE("negation is stratified: adding a fact can retract a derived one", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (Russia, guarantor, T), (Iran, guarantor, T), (Türkiye, guarantor, T);"
               "rule ally: (?x, allied_with, ?y) if (?x, guarantor, ?t), (?y, guarantor, ?t) "
               "  where ?x != ?y;"
               "rule calm: (?x, calm_with, ?y) if (?x, allied_with, ?y), not (?x, disputes, ?y);");
    const std::string calm = "match (?x, calm_with, ?y) return count(*)";
    CHECK(rows_of(db, calm) == std::vector<std::string>{"6"});
    auto results = db.execute("add (Türkiye, disputes, Russia);");
    CHECK(results[0].retracted == 1);
    CHECK(rows_of(db, calm) == std::vector<std::string>{"5"});
    results = db.execute("remove (Türkiye, disputes, Russia);");
    CHECK(results[0].derived == 1);
    CHECK(rows_of(db, calm) == std::vector<std::string>{"6"});
}

TEST_CASE("rules are kept by dump and restore, and by export as qry", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("a.qdb"));
    db.execute(std::string("prefix ex: <http://example.org/>;") + CHAIN +
               "rule near: (?a, ex:near, ?b) if (?a, located_in, ?b);"
               "add (Astana, located_in, Asia);");
    db.dump(dir.file("a.qdump"));
    Database restored(dir.file("b.qdb"));
    restored.restore(dir.file("a.qdump"));
    CHECK(restored.rules() == db.rules());
    CHECK(db.rules()[1].second ==
          "rule near: (?a, <http://example.org/near>, ?b) if (?a, located_in, ?b)");
    CHECK(rows_of(restored, PLACES) == rows_of(db, PLACES));
    CHECK(why(restored, "(Astana, located_in, Asia)") ==
          std::vector<std::string>{"(Astana, located_in, Asia) is stored"});
    CHECK(why(restored, "(Kazakhstan, located_in, Asia)").size() == 3);
    // Removing through the restored marks works as in the original.
    restored.execute("remove (Central Asia, located_in, Asia);");
    CHECK(rows_of(restored, PLACES).size() == 4);

    std::ostringstream script;
    db.export_facts(script, ExportFormat::QRY);
    const std::string text = script.str();
    CHECK(text.find("add (Astana, located_in, Asia);") != std::string::npos);
    CHECK(text.find("add (Kazakhstan, located_in, Asia);") == std::string::npos);
    CHECK(text.find("rule located_in_transitive:") != std::string::npos);
    Database reloaded(dir.file("c.qdb"));
    reloaded.execute(text);
    CHECK(rows_of(reloaded, PLACES) == rows_of(db, PLACES));
    CHECK(rows_of(reloaded, "match (?x, ?p, ?y) asserted return count(*)") ==
          rows_of(db, "match (?x, ?p, ?y) asserted return count(*)"));
}

TEST_CASE("a load derives what the rules make of the loaded facts", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("rule located_in_transitive: (?a, located_in, ?c) if (?a, located_in, ?b), "
               "(?b, located_in, ?c);");
    {
        std::ofstream out(dir.file("places.tsv"));
        out << "Astana\tlocated_in\tKazakhstan\nKazakhstan\tlocated_in\tAsia\n";
    }
    LoadOptions options;
    options.format = ImportFormat::TSV;
    db.load(dir.file("places.tsv"), options);
    CHECK(rows_of(db, PLACES) ==
          std::vector<std::string>{"Astana | Asia", "Astana | Kazakhstan", "Kazakhstan | Asia"});
    // And facts added from code.
    db.add({Fact{Term::name("Asia"), Term::name("located_in"), Term::name("Earth")}});
    CHECK(rows_of(db, PLACES).size() == 6);
}
