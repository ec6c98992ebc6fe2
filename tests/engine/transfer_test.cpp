#include "engine/internals.hpp"
#include "engine/io/transfer.hpp"
#include "quarry/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <random>
#include <sstream>

using namespace quarry;
using quarry::testing::TempDir;
using storage::Term;

namespace {

// Facts with every kind of term, long and non-ASCII values, in several contexts.
std::vector<Fact> every_kind(std::uint64_t seed) {
    std::mt19937_64 random(seed);
    const std::string long_text(5000, 'x');
    const std::vector<Term> values = {
        Term::name("Khaji"), Term::name("Syrian delegation"), Term::name("Türkiye"), Term::name("Organization, the"),
        Term::name("a`b\\c%20 <x>"), Term::iri("http://example.org/e/Khaji"), Term::iri("http://example.org/é/北京"),
        Term::string("IRNA reported"), Term::string("Astana", "en"), Term::string("line\nbreak \"quoted\" \t tab"),
        Term::string(long_text + "Ω"), Term::typed("01", "http://www.w3.org/2001/XMLSchema#integer"),
        Term::typed("abc", "http://example.org/t"), Term::integer(22), Term::integer(-3),
        Term::integer(std::numeric_limits<std::int64_t>::max()), Term::decimal(1.5), Term::decimal(-2.25e-8),
        Term::boolean(true), Term::date(2024, 11, 12), Term::datetime(2024, 11, 12, 8, 30, 0, 250, 180),
        Term::datetime(2024, 1, 1, 0, 0, 0, 0, std::nullopt)};
    const std::vector<Term> contexts = {Term::default_context(), Term::name("Astana"), Term::iri("http://example.org/g")};
    std::vector<Fact> facts;
    for (int i = 0; i < 300; ++i)
        facts.push_back({values[random() % 7], Term::name("p" + std::to_string(random() % 5)), values[random() % values.size()],
                         contexts[random() % contexts.size()]});
    return facts;
}

// Every fact, as sorted canonical add statements: two stores are equal iff these are.
std::string contents(Database& db) {
    std::ostringstream out;
    db.export_facts(out, engine::io::ExportFormat::QRY);
    std::vector<std::string> lines;
    std::istringstream in(out.str());
    for (std::string line; std::getline(in, line);)
        if (line != "begin;" && line != "commit;") // the transaction around the adds
            lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    std::string text;
    for (const auto& line : lines)
        text += line + "\n";
    return text;
}

} // namespace

TEST_CASE("export then import is the identity, through every format that keeps contexts", "[engine][transfer]") {
    TempDir dir;
    Database original(dir.file("original.qdb"));
    original.add(every_kind(5));
    const std::string expected = contents(original);
    REQUIRE(!expected.empty());
    SECTION("N-Quads") {
        std::ofstream(dir.file("all.nq")) << [&] { std::ostringstream o; original.export_facts(o, engine::io::ExportFormat::NQUADS); return o.str(); }();
        Database copy(dir.file("copy.qdb"));
        const auto summary = copy.load(dir.file("all.nq"), {});
        CHECK(summary.skipped == 0);
        CHECK(contents(copy) == expected);
    }
    SECTION("a .qry script") {
        std::ofstream(dir.file("all.qry")) << [&] { std::ostringstream o; original.export_facts(o, engine::io::ExportFormat::QRY); return o.str(); }();
        Database copy(dir.file("copy.qdb"));
        copy.execute("load \"all.qry\";", dir.path());
        CHECK(contents(copy) == expected);
    }
    SECTION("N-Triples, for the facts of one context, put back into it") {
        Database copy(dir.file("copy.qdb"));
        std::ofstream(dir.file("astana.nt")) << [&] { std::ostringstream o; original.export_facts(o, engine::io::ExportFormat::NTRIPLES, Term::name("Astana")); return o.str(); }();
        engine::io::LoadOptions options;
        options.format = engine::io::ImportFormat::NTRIPLES;
        options.context = Term::name("Astana");
        copy.load(dir.file("astana.nt"), options);
        std::string astana_only;
        std::istringstream lines(expected);
        for (std::string line; std::getline(lines, line);)
            if (line.size() > 10 && line.substr(line.size() - 10) == ", Astana);")
                astana_only += line + "\n";
        CHECK(contents(copy) == astana_only);
    }
    SECTION("CSV and TSV, with the header they are written with") {
        for (const auto format : {engine::io::ExportFormat::CSV, engine::io::ExportFormat::TSV}) {
            const bool csv = format == engine::io::ExportFormat::CSV;
            const auto path = dir.file(csv ? "all.csv" : "all.tsv");
            std::ofstream(path, std::ios::binary) << [&] { std::ostringstream o; original.export_facts(o, format); return o.str(); }();
            Database copy(dir.file(csv ? "csv.qdb" : "tsv.qdb"));
            engine::io::LoadOptions options;
            options.format = csv ? engine::io::ImportFormat::CSV : engine::io::ImportFormat::TSV;
            const auto summary = copy.load(path, options);
            CHECK(summary.read == static_cast<std::uint64_t>(std::count(expected.begin(), expected.end(), '\n')));
            CHECK(contents(copy) == expected);
        }
    }
    SECTION("the load and export statements") {
        original.execute("export \"out.nq\";", dir.path());
        Database copy(dir.file("copy.qdb"));
        copy.execute("load \"out.nq\";", dir.path());
        CHECK(contents(copy) == expected);
    }
}

TEST_CASE("typed literals become values only in canonical form", "[engine][transfer]") {
    TempDir dir;
    std::ofstream(dir.file("typed.nt"))
        << "<http://e/a> <http://e/p> \"1\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
        << "<http://e/a> <http://e/p> \"01\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"
        << "<http://e/a> <http://e/p> \"2024-11-12\"^^<http://www.w3.org/2001/XMLSchema#date> .\n"
        << "<http://e/a> <http://e/p> \"true\"^^<http://www.w3.org/2001/XMLSchema#boolean> .\n"
        << "<http://e/a> <http://e/p> \"x\"^^<http://www.w3.org/2001/XMLSchema#string> .\n"
        << "_:b <http://e/p> <urn:quarry:name:Syrian%20delegation> .\n";
    Database db(dir.file("db.qdb"));
    engine::io::LoadOptions options;
    options.format = engine::io::ImportFormat::NTRIPLES;
    db.load(dir.file("typed.nt"), options);
    auto rows = db.query("match (?s, <http://e/p>, ?o) return ?o order by ?o");
    std::vector<std::string> values;
    while (auto row = rows->next())
        values.push_back(engine::format_term(*(*row)[0]));
    CHECK(values == std::vector<std::string>{"Syrian delegation", "\"x\"",
                                             "\"01\"^^<http://www.w3.org/2001/XMLSchema#integer>", "true", "1",
                                             "2024-11-12"});
}

TEST_CASE("names in urn:quarry:name: IRIs are percent-decoded; stray '%' stays", "[engine][transfer]") {
    TempDir dir;
    std::ofstream(dir.file("names.nt"))
        << "<http://e/a> <http://e/p> <urn:quarry:name:100%25%20sure> .\n"
        << "<http://e/a> <http://e/p> <urn:quarry:name:%41%62%2c%2C> .\n"
        << "<http://e/a> <http://e/p> <urn:quarry:name:a%zz%4> .\n"
        << "<http://e/a> <http://e/p> <urn:quarry:name:end%2> .\n"
        << "<http://e/a> <http://e/p> <urn:quarry:name:%%41> .\n";
    Database db(dir.file("db.qdb"));
    engine::io::LoadOptions options;
    options.format = engine::io::ImportFormat::NTRIPLES;
    db.load(dir.file("names.nt"), options);
    auto rows = db.query("match (?s, <http://e/p>, ?o) return ?o order by ?o");
    std::vector<std::string> values;
    while (auto row = rows->next())
        values.push_back((*row)[0]->text());
    CHECK(values == std::vector<std::string>{"%A", "100% sure", "Ab,,", "a%zz%4", "end%2"});
}

TEST_CASE("a load that fails on its last line leaves the database as it was", "[engine][transfer]") {
    TempDir dir;
    {
        std::ofstream out(dir.file("big.nt"));
        for (int i = 0; i < 99'999; ++i)
            out << "<http://e/s" << i << "> <http://e/p> \"" << i << "\" .\n";
        out << "<http://e/s> <http://e/p> \"unterminated .\n";
    }
    Database db(dir.file("db.qdb"));
    db.execute("add (already, here, 1);");
    const std::string before = contents(db);
    engine::io::LoadOptions options;
    options.format = engine::io::ImportFormat::NTRIPLES;
    CHECK_THROWS_WITH(db.load(dir.file("big.nt"), options),
                      Catch::EndsWith("big.nt:100000:27: unterminated string: expected '\"'"));
    CHECK(contents(db) == before);
    CHECK_THROWS_WITH(db.execute("load \"big.nt\";", dir.path()), Catch::Contains("big.nt:100000:27"));
    CHECK(contents(db) == before);
    SECTION("--skip-bad loads the rest and names the line") {
        options.skip_bad = true;
        const auto summary = db.load(dir.file("big.nt"), options);
        CHECK(summary.read == 99'999);
        CHECK(summary.added == 99'999);
        CHECK(summary.skipped == 1);
        REQUIRE(summary.first_skipped.size() == 1);
        CHECK_THAT(summary.first_skipped[0], Catch::EndsWith("big.nt:100000:27: unterminated string: expected '\"'"));
    }
}

TEST_CASE("a load into an empty database sorts in bounded memory and counts repeats", "[engine][transfer]") {
    TempDir dir;
    {
        std::ofstream out(dir.file("repeats.nq"));
        for (int line = 0; line < 30'000; ++line) { // every fact twice, the second time 15,000 lines later
            const int i = line % 15'000;
            out << "<http://e/s" << i << "> <http://e/p" << i % 7 << "> \"" << i << "\" <http://e/g" << i % 3 << "> .\n";
        }
    }
    engine::io::LoadOptions options;
    options.memory = 64 * 1024; // far below the facts: sorted runs spill to temporary files
    Database bulk(dir.file("bulk.qdb"));
    const auto summary = bulk.load(dir.file("repeats.nq"), options);
    CHECK(summary.read == 30'000);
    CHECK(summary.added == 15'000);
    CHECK(summary.already_present == 15'000);
    // The same file into a database that already has a fact takes the merging path.
    Database merged(dir.file("merged.qdb"));
    merged.execute("add (<http://e/s0>, <http://e/p0>, \"0\", <http://e/g0>);");
    const auto merged_summary = merged.load(dir.file("repeats.nq"), options);
    CHECK(merged_summary.added == 14'999);
    CHECK(contents(bulk) == contents(merged));
    CHECK(engine::store_of(bulk).verify(engine::store_of(bulk).begin_read()).empty());
    CHECK(bulk.statistics().predicates.size() == 7);
}

TEST_CASE("a load reports its progress in bytes and statements, ending at the file's size", "[engine][transfer]") {
    TempDir dir;
    {
        std::ofstream out(dir.file("many.nt"));
        for (int i = 0; i < 40'000; ++i)
            out << "<http://e/s" << i << "> <http://e/p> \"" << i << "\" .\n";
    }
    Database db(dir.file("db.qdb"));
    engine::io::LoadOptions options;
    options.format = engine::io::ImportFormat::NTRIPLES;
    std::vector<engine::io::LoadProgress> seen;
    options.progress = [&](const engine::io::LoadProgress& now) { seen.push_back(now); };
    db.load(dir.file("many.nt"), options);
    REQUIRE(seen.size() == 4); // at 0, 16384 and 32768 statements, and at the end
    for (std::size_t i = 1; i < seen.size(); ++i) {
        CHECK(seen[i].bytes > seen[i - 1].bytes);
        CHECK(seen[i].statements > seen[i - 1].statements);
    }
    CHECK(seen[1].statements == engine::io::LoadOptions::PROGRESS_EVERY);
    CHECK(seen.back().statements == 40'000);
    CHECK(seen.back().bytes == std::filesystem::file_size(dir.file("many.nt")));
}

TEST_CASE("CSV cells hold terms of the query language, quoted as RFC 4180 says", "[engine][transfer]") {
    TempDir dir;
    std::ofstream(dir.file("people.csv"), std::ios::binary)
        << "Subject,Predicate,Object\r\n"
        << "Khaji,met,Syrian delegation\r\n"
        << "\"`Organization, the`\",founded,1969-09-25\r\n"
        << "Aref,said,\"\"\"multi\nline\"\"\",Riyadh\r\n"
        << "Aref,age,64\r\n";
    Database db(dir.file("db.qdb"));
    db.execute("load \"people.csv\" into Wikipedia;", dir.path());
    auto rows = db.query("match (?s, ?p, ?o, ?c) return ?s, ?p, ?o, ?c order by ?p");
    std::vector<std::string> lines;
    while (auto row = rows->next()) {
        std::string line;
        for (const auto& v : *row)
            line += (line.empty() ? "" : " | ") + engine::format_term(*v);
        lines.push_back(line);
    }
    CHECK(lines == std::vector<std::string>{"Aref | age | 64 | Wikipedia",
                                            "`Organization, the` | founded | 1969-09-25 | Wikipedia",
                                            "Khaji | met | Syrian delegation | Wikipedia",
                                            "Aref | said | \"multi\\nline\" | Riyadh"});
    std::ofstream(dir.file("bad.tsv"), std::ios::binary) << "Khaji\tmet\tAref\nKhaji\tmet\tAref, the\n";
    engine::io::LoadOptions options;
    options.format = engine::io::ImportFormat::TSV;
    CHECK_THROWS_WITH(db.load(dir.file("bad.tsv"), options),
                      Catch::EndsWith("bad.tsv:2:15: unexpected text after the term (write the name in `backquotes`?)"));
    std::ofstream(dir.file("short.tsv"), std::ios::binary) << "Khaji\tmet\n";
    CHECK_THROWS_WITH(db.load(dir.file("short.tsv"), options),
                      Catch::EndsWith("short.tsv:1:1: expected 3 or 4 cells (subject, predicate, object[, context]), found 2"));
}

TEST_CASE("a load bigger than the map makes room first instead of running again", "[engine][transfer]") {
    TempDir dir;
    {
        std::ofstream out(dir.file("big.nq"));
        for (int i = 0; i < 60'000; ++i)
            out << "<http://e/s" << i << "> <http://e/p" << i % 5 << "> \"text " << i << "\" <http://e/g" << i % 9
                << "> .\n";
    }
    Database db(dir.file("db.qdb"), DatabaseOptions{.map_size = 1 << 20}); // far too small
    engine::io::LoadOptions options;
    std::vector<std::uint64_t> statements;
    options.progress = [&](const engine::io::LoadProgress& now) { statements.push_back(now.statements); };
    CHECK(db.load(dir.file("big.nq"), options).added == 60'000);
    // A load run again would start counting from 0 again.
    CHECK(std::is_sorted(statements.begin(), statements.end()));
    CHECK(statements.back() == 60'000);
}
