// Rules (SPEC §10): small cases, each the smallest script of a failure the property and
// ontology tests found, so that each stays fixed by name.

#include "quarry/quarry.hpp"
#include "tests/support/rows_text.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

using quarry::Database;
using quarry::testing::rows_text;
using quarry::testing::TempDir;
using Lines = std::vector<std::string>;

namespace {

std::string fmt_lines(const Lines& lines) {
    std::string out;
    for (const std::string& line : lines)
        out += line + "\n";
    return out;
}

} // namespace

TEST_CASE("rules: a new rule's facts feed the rules already there", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b);"
               "rule r2: (?x, r, ?y) if (?x, q, ?y);"
               "rule r1: (?x, q, ?y) if (?x, p, ?y);");
    CHECK(rows_text(db, "match (?x, ?p, ?y) return ?x, ?p, ?y order by ?p") ==
          Lines{"a | p | b", "a | q | b", "a | r | b"});
    // Through negation: the new rule's fact takes away what the older rule derived.
    db.execute("add (n1, p2, n0, c1);"
               "rule r3: (?x, p3, ?y) if (?x, p2, ?y), not (?y, p1, ?x);"
               "rule r4: (?y, p1, ?x) if (?x, p2, ?y);");
    CHECK(rows_text(db, "match (?x, p3, ?y)").empty());
    CHECK(rows_text(db, "match (?x, p1, ?y)") == Lines{"n0 | n1"});
}

TEST_CASE("rules: match … asserted sees stored facts only", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b), (b, q, c);"
               "rule r1: (?x, q, ?y) if (?x, p, ?y);");
    CHECK(rows_text(db, "match (?x, ?p, ?y) asserted return ?x, ?p, ?y order by ?x") ==
          Lines{"a | p | b", "b | q | c"});
    CHECK(rows_text(db, "match (?x, q, ?y) asserted") == Lines{"b | c"});
    CHECK(rows_text(db, "match (?x, q, ?y) return ?x, ?y order by ?x") == Lines{"a | b", "b | c"});
    // Stored and derived alike: still stored.
    db.execute("add (a, q, b);");
    CHECK(rows_text(db, "match (?x, q, ?y) asserted return ?x, ?y order by ?x") ==
          Lines{"a | b", "b | c"});
}

TEST_CASE("rules: a rule with a path in a recursive stratum runs until nothing is new",
          "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (z, p0, z), (z, p1, z);"
               "rule r4: (?x, p0, ?y) if (?x, ^p1, ?y);"
               "rule r7: (?x, p1, ?z) if (?x, p0, ?y), (?y, p0, ?z);"
               "add (a, p1, b), (b, p1, c);");
    // p0 is p1 inverted; p1 gains p0 twice: (c, p0, b), (b, p0, a) give (c, p1, a), whose
    // inverse is (a, p0, c).
    CHECK(rows_text(db, "match (?x, p0, ?y) where ?x != z return ?x, ?y order by ?x") ==
          Lines{"a | c", "b | a", "c | b"});
    CHECK(rows_text(db, "match (?x, p1, ?y) where ?x != z return ?x, ?y order by ?x") ==
          Lines{"a | b", "b | c", "c | a"});
    // One rule, recursive through its own path: p0/p0 of what it derived.
    db.execute("add (n4, q, n3), (n3, q, n1), (n1, q, n2);"
               "rule r1: (?x, q, ?y) if (?x, q/q, ?y);");
    CHECK(rows_text(db, "match (n4, q, ?y) return ?y order by ?y") == Lines{"n1", "n2", "n3"});
}

TEST_CASE("rules: why goes down to stored facts through a path", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, e, b), (b, e, c);"
               "rule reach: (?x, r, ?y) if (?x, e+, ?y);");
    auto results = db.execute("why (a, r, c);");
    REQUIRE(results.size() == 1);
    REQUIRE(results[0].rows);
    Lines lines; // the text of each line, unquoted
    while (auto row = results[0].rows->next())
        lines.push_back(quarry::text_of(*(*row)[0]));
    INFO(fmt_lines(lines));
    REQUIRE(lines.size() >= 3);
    CHECK(lines[0].find("(a, r, c)") == 0);
    CHECK(lines[0].find("reach") != std::string::npos);
    bool first = false, second = false;
    for (const std::string& line : lines) {
        first = first || line.find("(a, e, b)") != std::string::npos;
        second = second || line.find("(b, e, c)") != std::string::npos;
    }
    CHECK(first);
    CHECK(second);
}

TEST_CASE("rules: drop rule takes away the facts of every head", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p0, b), (z, p1, z), (z, p2, z);"
               "rule r3: (?y, p1, ?x), (?x, p2, ?y) if (?x, p0, ?y);");
    CHECK(rows_text(db, "match (?x, ?p, ?y) where ?x != z return ?x, ?p, ?y order by ?p") ==
          Lines{"a | p0 | b", "b | p1 | a", "a | p2 | b"});
    db.execute("drop rule r3;");
    CHECK(rows_text(db, "match (?x, ?p, ?y) where ?x != z return ?x, ?p, ?y order by ?p") ==
          Lines{"a | p0 | b"});
}

TEST_CASE("rules: dump and restore keep the rules, and derived facts stay derived",
          "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b), (b, p, c);"
               "rule t: (?x, p, ?z) if (?x, p, ?y), (?y, p, ?z);");
    db.dump(dir.file("db.qdump"));
    Database restored(dir.file("restored.qdb"));
    restored.restore(dir.file("db.qdump"));
    REQUIRE(restored.rules().size() == 1);
    CHECK(restored.rules()[0].first == "t");
    CHECK(rows_text(restored, "match (?x, p, ?y) asserted return ?x, ?y order by ?x, ?y") ==
          Lines{"a | b", "b | c"});
    CHECK(rows_text(restored, "match (?x, p, ?y) return ?x, ?y order by ?x, ?y") ==
          Lines{"a | b", "a | c", "b | c"});
    // The rule works on: a new fact is closed over, a removed support takes its facts away.
    restored.execute("add (c, p, d); remove (a, p, b);");
    CHECK(rows_text(restored, "match (?x, p, ?y) return ?x, ?y order by ?x, ?y") ==
          Lines{"b | c", "b | d", "c | d"});
}

TEST_CASE("rules: export as qry writes the rules and only the stored facts", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b), (b, p, c);"
               "rule t: (?x, p, ?z) if (?x, p, ?y), (?y, p, ?z);");
    std::ostringstream out;
    db.export_facts(out, quarry::ExportFormat::QRY);
    const std::string script = out.str();
    INFO(script);
    CHECK(script.find("rule t:") != std::string::npos);
    CHECK(script.find("(a, p, c)") == std::string::npos);
    // Replayed into a new database, it gives the same facts, stored and derived.
    Database replayed(dir.file("replayed.qdb"));
    replayed.execute(script);
    CHECK(rows_text(replayed, "match (?x, p, ?y) asserted return ?x, ?y order by ?x, ?y") ==
          Lines{"a | b", "b | c"});
    CHECK(rows_text(replayed, "match (?x, p, ?y) return ?x, ?y order by ?x, ?y") ==
          Lines{"a | b", "a | c", "b | c"});
}

TEST_CASE("rules: a loaded fact that rules derive is stored too", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b); rule r: (?y, q, ?x) if (?x, p, ?y);");
    {
        std::ofstream out(dir.file("y.nq"));
        out << "<urn:quarry:name:b> <urn:quarry:name:q> <urn:quarry:name:a> .\n"
            << "<urn:quarry:name:c> <urn:quarry:name:q> <urn:quarry:name:d> .\n";
    }
    db.load(dir.file("y.nq"), quarry::LoadOptions{});
    CHECK(rows_text(db, "match (?x, q, ?y) asserted return ?x, ?y order by ?x") ==
          Lines{"b | a", "c | d"});
    db.execute("drop rule r;");
    CHECK(rows_text(db, "match (?x, q, ?y) return ?x, ?y order by ?x") == Lines{"b | a", "c | d"});
}

TEST_CASE("rules: a loaded fact takes away what it defeats through not", "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b), (z, s, z); rule r: (?x, q, ?y) if (?x, p, ?y), not (?y, s, ?z);");
    CHECK(rows_text(db, "match (?x, q, ?y)") == Lines{"a | b"});
    {
        std::ofstream out(dir.file("n.nq"));
        out << "<urn:quarry:name:b> <urn:quarry:name:s> <urn:quarry:name:c> .\n";
    }
    db.load(dir.file("n.nq"), quarry::LoadOptions{});
    CHECK(rows_text(db, "match (?x, q, ?y)").empty());
}
