// Turtle, TriG and JSON Lines: the W3C Turtle suite read from its manifest in place
// (../shared/testsuites/w3c-rdf/turtle), syntax and evaluation tests; a TriG set of our own;
// JSON Lines; errors with positions; export to Turtle and TriG and back.

#include "engine/internals.hpp"
#include "engine/io/rdf_terms.hpp"
#include "engine/io/transfer.hpp"
#include "engine/io/turtle_reader.hpp"
#include "quarry/database.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/w3c_manifest.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

using namespace quarry;
using quarry::testing::TempDir;
using storage::Term;
namespace io = quarry::engine::io;

namespace {

const std::string SUITE_BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/rdf-turtle/";

using Triple =
    std::array<std::string, 3>; // terms in the query language's syntax; blank nodes "_:label"

bool is_blank(const std::string& term) {
    return term.rfind("_:", 0) == 0;
}

// The facts of `db` (all contexts) as triples of printed terms, blank nodes (skolem IRIs
// urn:quarry:blank:LOAD-label) written _:LOAD-label.
std::vector<Triple> graph_of(Database& db) {
    std::vector<Triple> triples;
    auto txn = engine::store_of(db).begin_read();
    storage::QuadScan scan = engine::store_of(db).scan(txn, {}, storage::ScanMode::QUADS);
    while (auto quad = scan.next()) {
        Triple triple;
        for (std::size_t i = 0; i < 3; ++i) {
            const Term term = engine::store_of(db).resolve(txn, (*quad)[i]);
            const std::string prefix = io::BLANK_NAMESPACE;
            if (term.kind() == storage::TermKind::IRI && term.text().rfind(prefix, 0) == 0)
                triple[i] = "_:" + term.text().substr(prefix.size());
            else
                triple[i] = engine::format_term(term);
        }
        triples.push_back(triple);
    }
    return triples;
}

// Colours of the blank nodes of `graph` after a few rounds of refinement by the triples
// they are in: isomorphic graphs give corresponding nodes the same colour.
std::map<std::string, std::size_t> colours(const std::vector<Triple>& graph) {
    std::map<std::string, std::size_t> colour;
    for (const Triple& triple : graph)
        for (const auto& term : triple)
            if (is_blank(term))
                colour[term] = 0;
    for (int round = 0; round < 4; ++round) {
        std::map<std::string, std::vector<std::string>> signature;
        for (const Triple& triple : graph)
            for (std::size_t i = 0; i < 3; ++i) {
                if (!is_blank(triple[i]))
                    continue;
                std::string part = std::to_string(i);
                for (std::size_t j = 0; j < 3; ++j)
                    part += "|" + (j == i                ? std::string("*")
                                   : is_blank(triple[j]) ? "b" + std::to_string(colour[triple[j]])
                                                         : triple[j]);
                signature[triple[i]].push_back(part);
            }
        for (auto& [node, parts] : signature) {
            std::sort(parts.begin(), parts.end());
            std::string all;
            for (const auto& part : parts)
                all += part + "\n";
            colour[node] = std::hash<std::string>()(all);
        }
    }
    return colour;
}

// True if the graphs are equal up to a renaming of blank nodes.
bool isomorphic(std::vector<Triple> a, std::vector<Triple> b) {
    for (auto* graph : {&a, &b}) {
        std::sort(graph->begin(), graph->end());
        graph->erase(std::unique(graph->begin(), graph->end()), graph->end());
    }
    if (a.size() != b.size())
        return false;
    const auto colour_a = colours(a), colour_b = colours(b);
    if (colour_a.size() != colour_b.size())
        return false;
    const std::set<Triple> target(b.begin(), b.end());
    std::vector<std::string> nodes;
    for (const auto& [node, colour] : colour_a)
        nodes.push_back(node);
    std::map<std::string, std::string> mapping;
    std::set<std::string> used;
    auto consistent = [&] {
        for (const Triple& triple : a) {
            Triple mapped = triple;
            bool complete = true;
            for (auto& term : mapped)
                if (is_blank(term)) {
                    const auto found = mapping.find(term);
                    if (found == mapping.end())
                        complete = false;
                    else
                        term = found->second;
                }
            if (complete && !target.count(mapped))
                return false;
        }
        return true;
    };
    std::function<bool(std::size_t)> assign = [&](std::size_t index) {
        if (index == nodes.size())
            return consistent();
        for (const auto& [candidate, colour] : colour_b) {
            if (used.count(candidate) || colour != colour_a.at(nodes[index]))
                continue;
            mapping[nodes[index]] = candidate;
            used.insert(candidate);
            if (consistent() && assign(index + 1))
                return true;
            used.erase(candidate);
            mapping.erase(nodes[index]);
        }
        return false;
    };
    return assign(0);
}

// The first column of a query's rows, printed.
std::vector<std::string> column(Database& db, const std::string& query) {
    auto rows = db.query(query);
    std::vector<std::string> out;
    Row row;
    while (rows->read(row))
        out.push_back(row[0] ? engine::format_term(*row[0]) : "");
    return out;
}

io::LoadOptions turtle_options(const std::string& base = "",
                               io::ImportFormat format = io::ImportFormat::TURTLE) {
    io::LoadOptions options;
    options.format = format;
    options.base = base;
    return options;
}

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
}

// Every fact of `db`, as sorted canonical add statements, and its prefixes.
std::string contents(Database& db) {
    std::ostringstream out;
    db.export_facts(out, io::ExportFormat::QRY);
    std::vector<std::string> lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);)
        if (line != "begin;" && line != "commit;")
            lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    std::string text;
    for (const auto& [name, iri] : db.prefixes())
        text += "prefix " + name + ": <" + iri + ">\n";
    for (const auto& line : lines)
        text += line + "\n";
    return text;
}

// Reads all of `text` as Turtle (or TriG); the error message if it fails.
std::string turtle_error(const std::string& text, bool trig = false) {
    std::istringstream in(text);
    io::TurtleReader reader(in, "x.ttl", trig, "http://example.org/");
    io::RdfQuad quad;
    try {
        while (reader.next(quad)) {
        }
    } catch (const ImportError& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE(
    "the W3C Turtle suite passes: syntax tests, and evaluation tests up to blank node renaming",
    "[engine][w3c][turtle]") {
    const std::filesystem::path root = quarry::testing::suite_folder(QUARRY_SOURCE_DIR, "turtle");
    REQUIRE(std::filesystem::exists(root / "manifest.ttl"));
    const auto tests = quarry::testing::read_manifest(root / "manifest.ttl");
    CHECK(tests.size() == 313);
    std::map<std::string, std::size_t> counts;
    TempDir dir;
    std::size_t db_number = 0;
    for (const auto& test : tests) {
        INFO(test.name << " (" << test.type << ") " << test.action);
        ++counts[test.type];
        const std::filesystem::path file = root / test.action;
        REQUIRE(std::filesystem::exists(file));
        const std::string base = SUITE_BASE + test.action;
        if (test.type == "TestTurtlePositiveSyntax" || test.type == "TestTurtleNegativeSyntax") {
            std::ifstream in(file, std::ios::binary);
            io::TurtleReader reader(in, test.action, false, base);
            io::RdfQuad quad;
            if (test.type == "TestTurtlePositiveSyntax") {
                try {
                    while (reader.next(quad)) {
                    }
                } catch (const ImportError& e) {
                    FAIL("refused a valid file: " << e.what());
                }
            } else {
                CHECK_THROWS_AS(
                    [&] {
                        while (reader.next(quad)) {
                        }
                    }(),
                    ImportError);
            }
            continue;
        }
        REQUIRE(test.type == "TestTurtleEval");
        REQUIRE(!test.result.empty());
        const DatabaseOptions quick{.no_sync = true}; // throw-away databases
        Database actual(dir.file("a" + std::to_string(++db_number) + ".qdb"), quick);
        Database expected(dir.file("e" + std::to_string(db_number) + ".qdb"), quick);
        try {
            actual.load(file, turtle_options(base));
        } catch (const ImportError& e) {
            FAIL("refused a valid file: " << e.what());
        }
        io::LoadOptions ntriples;
        ntriples.format = io::ImportFormat::NTRIPLES;
        expected.load(root / test.result, ntriples);
        const auto got = graph_of(actual), want = graph_of(expected);
        INFO("loaded " << got.size() << " triples, expected " << want.size());
        CHECK(isomorphic(got, want));
    }
    CHECK(counts["TestTurtlePositiveSyntax"] == 74);
    CHECK(counts["TestTurtleNegativeSyntax"] == 94);
    CHECK(counts["TestTurtleEval"] == 145);
}

TEST_CASE("blank-node isomorphism tells renamings from different graphs", "[engine][turtle]") {
    const std::vector<Triple> a = {{"_:x", "p", "_:y"}, {"_:y", "p", "_:x"}, {"_:x", "q", "1"}};
    const std::vector<Triple> renamed = {
        {"_:m", "p", "_:n"}, {"_:n", "p", "_:m"}, {"_:m", "q", "1"}};
    const std::vector<Triple> other = {
        {"_:m", "p", "_:n"}, {"_:n", "p", "_:m"}, {"_:n", "q", "1"}, {"_:n", "q", "2"}};
    const std::vector<Triple> swapped = {
        {"_:m", "p", "_:n"}, {"_:n", "p", "_:m"}, {"_:m", "q", "2"}};
    CHECK(isomorphic(a, renamed));
    CHECK_FALSE(isomorphic(a, other));
    CHECK_FALSE(isomorphic(a, swapped));
}

TEST_CASE("Turtle loads with prefixes, base, collections and literal shorthands",
          "[engine][turtle]") {
    TempDir dir;
    write_file(dir.file("news.ttl"), "@prefix ex: <http://example.org/e/> .\n"
                                     "@base <http://example.org/base/> .\n"
                                     "ex:Khaji ex:met ex:Lavrov, <Putin> ;\n"
                                     "    ex:round 22 ; ex:ok true ; ex:share 1.5 ; ex:size 6e3 ;\n"
                                     "    ex:said \"hello\"@en ;\n"
                                     "    ex:list (1 2) .\n"
                                     "<urn:quarry:name:Syrian%20delegation> a ex:Delegation .\n");
    Database db(dir.file("a.qdb"));
    const auto summary = db.load(dir.file("news.ttl"), turtle_options());
    CHECK(summary.read == 13); // the list is 5: ex:list _:l1, _:l1 rdf:first 1 and rdf:rest _:l2, …
    CHECK(summary.added == 13);
    REQUIRE(summary.prefixes_added.size() == 1);
    CHECK(db.prefixes() ==
          std::vector<std::pair<std::string, std::string>>{{"ex", "http://example.org/e/"}});
    CHECK(column(db, "match (ex:Khaji, ex:met, ?who) return ?who order by ?who;") ==
          std::vector<std::string>{"<http://example.org/base/Putin>",
                                   "<http://example.org/e/Lavrov>"});
    CHECK(column(db, "match (ex:Khaji, ex:round, 22) return count(*) as n;") ==
          std::vector<std::string>{"1"});
    // A Quarry name written as an IRI comes back as the name.
    CHECK(column(db, "match (Syrian delegation, ?p, ?o) return count(*) as n;") ==
          std::vector<std::string>{"1"});
}

TEST_CASE("a Turtle file's relative IRIs resolve against --base, else the file's own IRI",
          "[engine][turtle]") {
    TempDir dir;
    write_file(dir.file("rel.ttl"), "<a> <b> <c#d> .\n");
    Database given(dir.file("given.qdb"));
    given.load(dir.file("rel.ttl"), turtle_options("http://example.org/x/y"));
    CHECK(graph_of(given) ==
          std::vector<Triple>{{"<http://example.org/x/a>", "<http://example.org/x/b>",
                               "<http://example.org/x/c#d>"}});
    Database own(dir.file("own.qdb"));
    own.load(dir.file("rel.ttl"), turtle_options());
    const auto triples = graph_of(own);
    REQUIRE(triples.size() == 1);
    CHECK(triples[0][0] == "<" + io::file_iri(dir.file("a").string()) + ">");
}

TEST_CASE("blank nodes are scoped per file: one label is one node within a file, not across files",
          "[engine][turtle]") {
    TempDir dir;
    write_file(dir.file("b.ttl"), "_:x <http://e/p> _:y . _:y <http://e/p> [ <http://e/q> 1 ] .\n");
    Database db(dir.file("a.qdb"));
    db.load(dir.file("b.ttl"), turtle_options());
    const auto once = graph_of(db);
    REQUIRE(once.size() == 3);
    CHECK(once[0][0] != once[0][2]);
    std::set<std::string> blanks;
    for (const auto& triple : once)
        for (const auto& term : triple)
            if (is_blank(term))
                blanks.insert(term);
    CHECK(blanks.size() == 3); // _:x, _:y and the [ ]
    db.load(dir.file("b.ttl"), turtle_options());
    CHECK(graph_of(db).size() == 6); // the second load's blank nodes are others
}

TEST_CASE("a file's prefixes become the database's unless the database names them otherwise",
          "[engine][turtle]") {
    TempDir dir;
    Database db(dir.file("a.qdb"));
    db.execute("prefix ex: <http://example.org/mine/>;");
    write_file(dir.file("p.ttl"), "@prefix ex: <http://example.org/theirs/> .\n"
                                  "@prefix geo: <http://example.org/geo/> .\n"
                                  "@prefix geo: <http://example.org/geo2/> .\n"
                                  "@prefix : <http://example.org/empty/> .\n"
                                  "ex:a geo:b :c .\n");
    const auto summary = db.load(dir.file("p.ttl"), turtle_options());
    CHECK(summary.prefixes_added.size() == 1);
    CHECK(db.prefixes() ==
          std::vector<std::pair<std::string, std::string>>{{"ex", "http://example.org/mine/"},
                                                           {"geo", "http://example.org/geo/"}});
    REQUIRE(summary.notes.size() == 3);
    CHECK_THAT(summary.notes[0],
               Catch::Contains("prefix ex: <http://example.org/theirs/> not kept: the database has "
                               "ex: <http://example.org/mine/>"));
    CHECK_THAT(summary.notes[1], Catch::Contains("prefix : <http://example.org/empty/> not kept"));
    CHECK_THAT(summary.notes[2], Catch::Contains("prefix geo: declared again with another IRI"));
    // The facts use the IRIs the file meant, whatever the prefixes are called.
    CHECK(graph_of(db)[0] == Triple{"<http://example.org/theirs/a>", "<http://example.org/geo2/b>",
                                    "<http://example.org/empty/c>"});
}

TEST_CASE("Turtle errors name file, line and column, and a failed load stores nothing",
          "[engine][turtle]") {
    CHECK(turtle_error("<a> <b> <c> .\n<a> <b> .\n") ==
          "x.ttl:2:10: expected digit"); // serd's words
    CHECK_THAT(turtle_error("<a> <b> \"open .\n"), Catch::StartsWith("x.ttl:1:"));
    CHECK(turtle_error("<a> <b> <c> .\n\n  ex:a <b> <c> .\n") ==
          "x.ttl:3:3: undeclared prefix 'ex:' in ex:a");
    CHECK(
        turtle_error("<a> <b> <c> .\n<g> { <a> <b> <c> }\n") ==
        "x.ttl:2:1: syntax does not support graphs: a graph block is TriG (load the file as trig)");
    CHECK(turtle_error("<a> <b> <c> .\n{ <a> <b> <c> }\n") ==
          "x.ttl:2:1: syntax does not support graphs");
    CHECK(turtle_error("<g> { <a> <b> <c> }\n", true).empty());

    TempDir dir;
    Database db(dir.file("a.qdb"));
    db.execute("add (Khaji, met, Lavrov); prefix ex: <http://example.org/e/>;");
    const std::string before = contents(db);
    write_file(dir.file("bad.ttl"), "@prefix geo: <http://example.org/geo/> .\n"
                                    "geo:a geo:b geo:c .\n"
                                    "geo:a geo:b .\n");
    CHECK_THROWS_WITH(db.load(dir.file("bad.ttl"), turtle_options()),
                      Catch::EndsWith("bad.ttl:3:14: expected digit"));
    CHECK(contents(db) == before);
    io::LoadOptions skipping = turtle_options();
    skipping.skip_bad = true;
    CHECK_THROWS_WITH(db.load(dir.file("bad.ttl"), skipping),
                      Catch::Contains("--skip-bad needs a format of one"));
    CHECK(contents(db) == before);
}

TEST_CASE("a Turtle or TriG file of many pages reads to its end, whatever its size",
          "[engine][turtle][trig]") {
    // serd reads 64 KiB pages; the last one is short, and must end the input cleanly.
    TempDir dir;
    for (const std::size_t statements : {3000, 3001, 5000}) {
        std::string text = "@prefix ex: <http://example.org/e/> .\n";
        for (std::size_t i = 0; i < statements; ++i)
            text +=
                (i % 100 == 0 ? std::string(i ? "}\n" : "") + "ex:g" + std::to_string(i) + " {\n"
                              : "") +
                "    ex:s" + std::to_string(i) + " ex:p \"a value of some length, " +
                std::to_string(i) + "\" .\n";
        text += "}\n";
        write_file(dir.file("big.trig"), text);
        Database db(dir.file("big" + std::to_string(statements) + ".qdb"));
        CHECK(db.load(dir.file("big.trig"), turtle_options("", io::ImportFormat::TRIG)).read ==
              statements);
    }
}

TEST_CASE(
    "TriG loads graphs into contexts, the default graph into the default context, with prefixes",
    "[engine][trig]") {
    TempDir dir;
    write_file(dir.file("news.trig"), "@prefix ex: <http://example.org/e/> .\n"
                                      "PREFIX q: <urn:quarry:name:>\n"
                                      "ex:Khaji ex:met ex:Lavrov .\n"
                                      "{ ex:Khaji ex:role \"negotiator\"@en }\n"
                                      "q:Astana { q:Khaji q:met q:Lavrov . q:Khaji q:met q:Aref }\n"
                                      "GRAPH <http://example.org/g> { ex:a ex:b 1, 2 . }\n"
                                      "_:doc { _:x ex:c _:x }\n");
    Database db(dir.file("a.qdb"));
    const auto summary = db.load(dir.file("news.trig"), turtle_options("", io::ImportFormat::TRIG));
    CHECK(summary.read == 7);
    CHECK(db.prefixes() == std::vector<std::pair<std::string, std::string>>{
                               {"ex", "http://example.org/e/"}, {"q", "urn:quarry:name:"}});
    auto count = [&](const std::string& query) {
        const auto cells = column(db, query);
        return cells.size() == 1 ? cells[0] : "?";
    };
    CHECK(count("match (?s, ?p, ?o, default) return count(*);") == "2");
    CHECK(count("match (Khaji, met, ?o, Astana) return count(*);") == "2");
    CHECK(count("match (?s, ?p, ?o, <http://example.org/g>) return count(*);") == "2");
    // A graph named by a blank node is a context of its own, and its blank nodes are
    // scoped to the file like any other.
    CHECK(count("match (?x, ex:c, ?x, ?g) return count(*);") == "1");
    CHECK(count("match (?x, ex:c, ?x, ?g) where ?g != ?x return count(*);") == "1");
    // Turtle has no graphs: the same file read as Turtle fails where the first graph starts,
    // and stores nothing.
    const std::string before = contents(db);
    CHECK_THROWS_WITH(db.load(dir.file("news.trig"), turtle_options()),
                      Catch::EndsWith("news.trig:4:1: syntax does not support graphs"));
    CHECK(contents(db) == before);
}

TEST_CASE(
    "export to Turtle and TriG groups by subject with the prefixes, and loads back as the same facts",
    "[engine][turtle][trig]") {
    TempDir dir;
    Database original(dir.file("original.qdb"));
    original.execute(
        "prefix ex: <http://example.org/e/>; prefix xsd: <http://www.w3.org/2001/XMLSchema#>;");
    std::vector<Fact> facts = {
        {Term::name("Khaji"), Term::name("met"), Term::name("Syrian delegation")},
        {Term::name("Khaji"), Term::name("met"), Term::name("Lavrov")},
        {Term::name("Khaji"), Term::iri("http://example.org/e/role"),
         Term::string("negotiator", "en")},
        {Term::iri("http://example.org/e/a.b"), Term::iri("http://example.org/e/x,y"),
         Term::integer(-22)},
        {Term::iri("http://example.org/e/a.b"), Term::name("ok"), Term::boolean(false)},
        {Term::iri("http://example.org/e/a.b"), Term::name("share"), Term::decimal(1.5)},
        {Term::iri("http://example.org/e/a.b"), Term::name("on"), Term::date(2024, 11, 12)},
        {Term::iri("http://example.org/e/a.b"), Term::name("at"),
         Term::datetime(2024, 11, 12, 8, 30, 0, 0, 0)},
        {Term::name("Organization, the"), Term::name("said"),
         Term::string("line\nbreak \"quoted\"")},
        {Term::name("x"), Term::name("t"),
         Term::typed("01", "http://www.w3.org/2001/XMLSchema#integer")},
        {Term::name("x"), Term::name("t"), Term::typed("abc", "http://example.org/t")},
        {Term::name("Khaji"), Term::name("met"), Term::name("Aref"), Term::name("Astana")},
        {Term::name("Khaji"), Term::name("met"), Term::name("Lavrov"),
         Term::iri("http://example.org/e/g")},
    };
    original.add(facts);

    SECTION("TriG keeps contexts: the round trip is the identity, prefixes included") {
        std::ostringstream out;
        CHECK(original.export_facts(out, io::ExportFormat::TRIG) == facts.size());
        const std::string text = out.str();
        CHECK(
            text.rfind(
                "@prefix ex: <http://example.org/e/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n",
                0) == 0);
        CHECK_THAT(text,
                   Catch::Contains(
                       "<urn:quarry:name:Khaji> <urn:quarry:name:met> "
                       "<urn:quarry:name:Syrian%20delegation>,\n"
                       "        <urn:quarry:name:Lavrov> ;\n    ex:role \"negotiator\"@en .\n"));
        CHECK_THAT(text,
                   Catch::Contains("ex:g {\n    <urn:quarry:name:Khaji> <urn:quarry:name:met> "
                                   "<urn:quarry:name:Lavrov> .\n}\n"));
        CHECK_THAT(text, Catch::Contains("ex:a.b <urn:quarry:name:ok> false ;\n"));
        CHECK_THAT(text, Catch::Contains("    <urn:quarry:name:share> \"1.5\"^^xsd:double ;\n"));
        CHECK_THAT(text, Catch::Contains("    <http://example.org/e/x,y> -22 .\n"));
        CHECK_THAT(text, Catch::Contains("\"01\"^^xsd:integer"));
        write_file(dir.file("all.trig"), text);
        Database copy(dir.file("copy.qdb"));
        copy.load(dir.file("all.trig"), turtle_options("", io::ImportFormat::TRIG));
        CHECK(contents(copy) == contents(original));
        std::ostringstream again;
        copy.export_facts(again, io::ExportFormat::TRIG);
        CHECK(again.str() == text);
    }
    SECTION("Turtle holds the triples, each once") {
        std::ostringstream out;
        CHECK(original.export_facts(out, io::ExportFormat::TURTLE) == facts.size() - 1);
        write_file(dir.file("all.ttl"), out.str());
        Database copy(dir.file("copy.qdb"));
        copy.load(dir.file("all.ttl"), turtle_options());
        CHECK(engine::store_of(copy).fact_count(engine::store_of(copy).begin_read()) ==
              facts.size() - 1);
        std::ostringstream again;
        copy.export_facts(again, io::ExportFormat::TURTLE);
        CHECK(again.str() == out.str());
        // Of one context only.
        std::ostringstream astana;
        CHECK(original.export_facts(astana, io::ExportFormat::TURTLE, Term::name("Astana")) == 1);
    }
}

TEST_CASE("JSON Lines: one fact a line, strings in the term syntax, numbers and booleans typed",
          "[engine][jsonl]") {
    TempDir dir;
    write_file(
        dir.file("facts.jsonl"),
        "{\"s\": \"Khaji\", \"p\": \"met\", \"o\": \"Syrian delegation\", \"c\": \"Astana\"}\n"
        "{\"s\": \"Astana talks\", \"p\": \"round\", \"o\": 22}\r\n"
        "\n"
        "{\"o\": 1.5, \"p\": \"share\", \"s\": \"<http://example.org/e/x>\"}\n"
        "{\"s\": \"Iran\", \"p\": \"guarantor\", \"o\": true, \"c\": \"default\"}\n"
        "{\"s\": \"Aref\", \"p\": \"said\", \"o\": \"\\\"hello \\u00e9\\\"@en\"}\n"
        "{\"s\": \"ex:k\", \"p\": \"on\", \"o\": \"2024-11-12\"}\n"
        "{\"s\": \"`Organization, the`\", \"p\": \"n\", \"o\": \"22\"}\n");
    Database db(dir.file("a.qdb"));
    db.execute("prefix ex: <http://example.org/e/>;");
    io::LoadOptions options;
    options.format = io::ImportFormat::JSONL;
    const auto summary = db.load(dir.file("facts.jsonl"), options);
    CHECK(summary.read == 7);
    CHECK(summary.added == 7);
    std::ostringstream out;
    db.export_facts(out, io::ExportFormat::QRY);
    const std::string text = out.str();
    CHECK_THAT(text, Catch::Contains("add (Khaji, met, Syrian delegation, Astana);"));
    CHECK_THAT(text, Catch::Contains("add (Astana talks, round, 22);"));
    CHECK_THAT(text, Catch::Contains("add (<http://example.org/e/x>, share, 1.5);"));
    CHECK_THAT(text, Catch::Contains("add (Iran, guarantor, true);"));
    CHECK_THAT(text, Catch::Contains("add (Aref, said, \"hello é\"@en);"));
    CHECK_THAT(text, Catch::Contains("add (<http://example.org/e/k>, on, 2024-11-12);"));
    CHECK_THAT(text, Catch::Contains("add (`Organization, the`, n, 22);"));
}

TEST_CASE("JSON Lines strings read as the term syntax reads them, whatever their shape",
          "[engine][jsonl]") {
    // The common shapes skip the lexer; the same cells in TSV go through it.
    const std::vector<std::string> cells = {"Khaji",
                                            "Syrian delegation",
                                            "Türkiye",
                                            "O'Brien & Co.",
                                            "a-b_c.d",
                                            "22nd meeting",
                                            "true",
                                            "True",
                                            "false",
                                            "default",
                                            "ex:k",
                                            "ex:",
                                            "a  b",
                                            "<http://example.org/e/x>",
                                            "<urn:quarry:name:x%20y>",
                                            "\"abc\"",
                                            "\"abc\"@en",
                                            "\"abc\"@en-GB-1996",
                                            "\"\"",
                                            "\"a b\"@x-1",
                                            "`Organization, the`",
                                            "2024-11-12",
                                            "-3",
                                            "1.5",
                                            "match",
                                            "and",
                                            "Zoë 北京"};
    TempDir dir;
    std::string jsonl, tsv;
    for (const auto& cell : cells) {
        std::string escaped;
        for (const char c : cell)
            escaped += c == '"' ? std::string("\\\"") : std::string(1, c);
        jsonl += "{\"s\": \"" + escaped + "\", \"p\": \"p\", \"o\": \"" + escaped + "\"}\n";
        tsv += cell + "\tp\t" + cell + "\n";
    }
    write_file(dir.file("cells.jsonl"), jsonl);
    write_file(dir.file("cells.tsv"), tsv);
    Database from_json(dir.file("json.qdb")), from_tsv(dir.file("tsv.qdb"));
    from_json.execute("prefix ex: <http://example.org/e/>;");
    from_tsv.execute("prefix ex: <http://example.org/e/>;");
    io::LoadOptions json_options, tsv_options;
    json_options.format = io::ImportFormat::JSONL;
    tsv_options.format = io::ImportFormat::TSV;
    tsv_options.header = false;
    CHECK(from_json.load(dir.file("cells.jsonl"), json_options).read == cells.size());
    CHECK(from_tsv.load(dir.file("cells.tsv"), tsv_options).read == cells.size());
    CHECK(contents(from_json) == contents(from_tsv));
    CHECK(graph_of(from_json).size() == cells.size() - 1); // true and True are one boolean
}

TEST_CASE(
    "JSON Lines errors name file, line and column, and a failed load stores nothing, --skip-bad skips",
    "[engine][jsonl]") {
    TempDir dir;
    Database db(dir.file("a.qdb"));
    db.execute("add (Khaji, met, Lavrov);");
    const std::string before = contents(db);
    io::LoadOptions options;
    options.format = io::ImportFormat::JSONL;
    auto fails = [&](const std::string& line) {
        write_file(dir.file("bad.jsonl"),
                   "{\"s\": \"a\", \"p\": \"b\", \"o\": \"c\"}\n" + line + "\n");
        try {
            db.load(dir.file("bad.jsonl"), options);
        } catch (const ImportError& e) {
            CHECK(contents(db) == before);
            const std::string message = e.what();
            return message.substr(message.find("bad.jsonl:"));
        }
        return std::string("no error");
    };
    CHECK(fails("{\"s\": \"a\", \"p\": \"b\"}") == "bad.jsonl:2:1: missing key \"o\"");
    CHECK(fails("{\"s\": \"a\", \"p\": \"b\", \"o\": null}") ==
          "bad.jsonl:2:27: expected a string, a number or a boolean");
    CHECK(fails("{\"s\": \"a\", \"p\": \"b\", \"o\": \"c\", \"x\": 1}") ==
          "bad.jsonl:2:32: unknown key \"x\" (the keys are s, p, o and c)");
    CHECK(fails("{\"s\": \"a\", \"p\": \"?v\", \"o\": 1}") ==
          "bad.jsonl:2:18: a fact holds values, not variables");
    CHECK(fails("{\"s\": \"a\", \"p\": \"b\", \"o\": 99999999999999999999}") ==
          "bad.jsonl:2:27: integer out of range (signed 64-bit)");
    CHECK(fails("[1, 2, 3]") ==
          "bad.jsonl:2:1: expected an object {\"s\": …, \"p\": …, \"o\": …[, \"c\": …]}");
    CHECK_THAT(fails("{\"s\": \"a\", \"p\": \"b\" \"o\": 1}"), Catch::StartsWith("bad.jsonl:2:"));
    CHECK(fails("{\"s\": \"a\", \"p\": \"b\", \"o\": 1} x") ==
          "bad.jsonl:2:30: unexpected text after the object");
    CHECK(fails("{\"s\": \"a\", \"p\": \"b\", \"o\": \"two words, comma\"}") ==
          "bad.jsonl:2:37: unexpected text after the term (write the name in `backquotes`?)");

    write_file(dir.file("mixed.jsonl"), "{\"s\": \"a\", \"p\": \"b\", \"o\": \"c\"}\nnot json\n"
                                        "{\"s\": \"d\", \"p\": \"e\", \"o\": \"f\"}\n");
    options.skip_bad = true;
    const auto summary = db.load(dir.file("mixed.jsonl"), options);
    CHECK(summary.read == 2);
    CHECK(summary.skipped == 1);
    REQUIRE(summary.first_skipped.size() == 1);
    CHECK_THAT(summary.first_skipped[0], Catch::Contains("mixed.jsonl:2:1: "));
}
