#pragma once

// The tests of a W3C RDF test suite's manifest.ttl, read with regular expressions (the
// manifests are regular enough): blocks "<#name> rdf:type|a rdft:TYPE ; … mf:action <file> ;
// [mf:result <file> ;] .", each from its opening line to the next.

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace quarry::testing {

struct SuiteTest {
    std::string name;
    std::string type;   // e.g. TestNTriplesPositiveSyntax
    std::string action; // file name
    std::string result; // evaluation tests: the expected N-Triples file
};

inline std::vector<SuiteTest> read_manifest(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    const std::string manifest = text.str();
    std::vector<SuiteTest> tests;
    const std::regex start(R"((^|\n)<#([^>]+)>\s+(?:rdf:type|a)\s+rdft:(\w+))");
    const std::regex action(R"(mf:action\s+<([^>]+)>)");
    const std::regex result(R"(mf:result\s+<([^>]+)>)");
    std::vector<std::pair<std::size_t, std::smatch>> starts;
    for (auto it = std::sregex_iterator(manifest.begin(), manifest.end(), start);
         it != std::sregex_iterator(); ++it)
        starts.emplace_back(static_cast<std::size_t>(it->position()), *it);
    for (std::size_t i = 0; i < starts.size(); ++i) {
        const std::size_t end = i + 1 < starts.size() ? starts[i + 1].first : manifest.size();
        const std::string block = manifest.substr(starts[i].first, end - starts[i].first);
        std::smatch found, expected;
        if (std::regex_search(block, found, action)) {
            SuiteTest test{starts[i].second[2], starts[i].second[3], found[1], ""};
            if (std::regex_search(block, expected, result))
                test.result = expected[1];
            tests.push_back(test);
        }
    }
    return tests;
}

// The folder of a suite, beside the checkout: ../shared/testsuites/w3c-rdf/<folder>.
inline std::filesystem::path suite_folder(const std::string& source_dir,
                                          const std::string& folder) {
    return std::filesystem::path(source_dir) / ".." / "shared" / "testsuites" / "w3c-rdf" / folder;
}

} // namespace quarry::testing
