// Golden files: tests/golden/<area>/<name>.qry runs statement by statement against a fresh
// database; the results, rendered as text, must equal <name>.out byte for byte.
// QUARRY_UPDATE_GOLDEN=1 rewrites the .out files (read the diff before committing).
// (The shell's golden tests, through the real binary, arrive with the shell.)

#include "quarry/database.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace {

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Each statement's result: rows as "a | b" lines after a header, counts, or the error.
std::string run_script(const std::filesystem::path& script) {
    quarry::testing::TempDir dir;
    quarry::Database db(dir.file("golden.qdb"));
    const quarry::Script parsed(read(script));
    std::string out;
    for (std::size_t index = 0; index < parsed.size(); ++index) {
        try {
            auto result = db.run(parsed, index, {script.parent_path()});
            if (result.rows) {
                std::string header;
                for (const auto& column : result.rows->columns())
                    header += (header.empty() ? "" : " | ") + column;
                out += header + "\n";
                std::size_t count = 0;
                while (auto row = result.rows->next()) {
                    std::string line;
                    for (std::size_t i = 0; i < row->size(); ++i) {
                        const auto& value = (*row)[i];
                        // Plans print as their text; values in canonical form.
                        const bool plan = result.rows->columns() == std::vector<std::string>{"plan"};
                        line += (i ? " | " : "") +
                                (value ? (plan ? value->text() : quarry::format_term(*value)) : "");
                    }
                    out += line + "\n";
                    ++count;
                }
                out += "(" + std::to_string(count) + (count == 1 ? " row)\n" : " rows)\n");
            } else if (!result.message.empty()) {
                out += result.message + "\n";
            } else {
                out += std::to_string(result.added + result.removed) + " facts " +
                       (result.kind == quarry::StatementKind::REMOVE ? "removed" : "added") + "\n";
            }
        } catch (const quarry::ParseError& e) {
            out += e.render() + "\n";
        }
    }
    return out;
}

} // namespace

TEST_CASE("golden scripts give their recorded output", "[engine][golden]") {
    const std::filesystem::path root = QUARRY_SOURCE_DIR "/tests/golden/explain";
    const bool update = std::getenv("QUARRY_UPDATE_GOLDEN") != nullptr;
    std::size_t scripts = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (entry.path().extension() != ".qry")
            continue;
        ++scripts;
        const auto expected_path = std::filesystem::path(entry.path()).replace_extension(".out");
        const std::string actual = run_script(entry.path());
        INFO(entry.path().string());
        if (update) {
            std::ofstream(expected_path, std::ios::binary) << actual;
            continue;
        }
        REQUIRE(std::filesystem::exists(expected_path));
        CHECK(actual == read(expected_path));
    }
    CHECK(scripts >= 5);
}
