// The W3C RDF 1.1 N-Triples and N-Quads syntax suites, read from their manifests in place
// (../shared/testsuites/w3c-rdf, beside the checkout): every positive syntax test must
// read without error, every negative one must be refused.

#include "engine/io/nquads_reader.hpp"
#include "tests/support/w3c_manifest.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using quarry::testing::read_manifest;
using quarry::testing::SuiteTest;

void run_suite(const std::string& folder, bool quads, std::size_t expected_tests) {
    const std::filesystem::path root = quarry::testing::suite_folder(QUARRY_SOURCE_DIR, folder);
    REQUIRE(std::filesystem::exists(root / "manifest.ttl"));
    const auto tests = read_manifest(root / "manifest.ttl");
    CHECK(tests.size() == expected_tests);
    std::size_t positive = 0, negative = 0;
    for (const SuiteTest& test : tests) {
        INFO(test.name << " (" << test.type << ") " << test.action);
        std::ifstream in(root / test.action, std::ios::binary);
        REQUIRE(in);
        quarry::engine::io::NQuadsReader reader(in, test.action, quads);
        quarry::engine::io::RdfQuad quad;
        const bool good = test.type.find("Positive") != std::string::npos;
        if (good) {
            ++positive;
            try {
                while (reader.next(quad)) {
                }
            } catch (const quarry::ImportError& e) {
                FAIL("refused a valid file: " << e.what());
            }
        } else {
            ++negative;
            CHECK_THROWS_AS([&] { while (reader.next(quad)) {} }(), quarry::ImportError);
        }
    }
    CHECK(positive + negative == tests.size());
}

} // namespace

TEST_CASE("the W3C N-Triples syntax suite passes", "[engine][w3c]") { run_suite("ntriples", false, 70); }

TEST_CASE("the W3C N-Quads syntax suite passes", "[engine][w3c]") { run_suite("nquads", true, 87); }

TEST_CASE("N-Quads statements read into RDF terms", "[engine][w3c]") {
    std::istringstream in("# a comment\n"
                          "<http://e/s> <http://e/p> \"Astana\"@en <http://e/g> .\n"
                          "_:b1 <http://e/p> \"22\"^^<http://www.w3.org/2001/XMLSchema#integer> .\r\n"
                          "<http://e/s> <http://e/p> \"a\\tb\\u00E9\" _:g .\n");
    quarry::engine::io::NQuadsReader reader(in, "x.nq", true);
    quarry::engine::io::RdfQuad quad;
    REQUIRE(reader.next(quad));
    CHECK(quad.object.value == "Astana");
    CHECK(quad.object.lang == "en");
    CHECK(quad.graph->value == "http://e/g");
    REQUIRE(reader.next(quad));
    CHECK(quad.subject.kind == quarry::engine::io::RdfTerm::BLANK);
    CHECK(quad.subject.value == "b1");
    CHECK(quad.object.datatype == "http://www.w3.org/2001/XMLSchema#integer");
    CHECK_FALSE(quad.graph);
    REQUIRE(reader.next(quad));
    CHECK(quad.object.value == "a\tb\xC3\xA9");
    CHECK(quad.graph->kind == quarry::engine::io::RdfTerm::BLANK);
    CHECK_FALSE(reader.next(quad));
    std::istringstream bad("<http://e/s> <http://e/p> <http://e/o> .\n<http://e/s> <http://e/p> \"x .\n");
    quarry::engine::io::NQuadsReader broken(bad, "bad.nq", true);
    REQUIRE(broken.next(quad));
    CHECK_THROWS_WITH(broken.next(quad), "bad.nq:2:27: unterminated string: expected '\"'");
}
