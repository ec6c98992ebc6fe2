// The examples in docs/query-language.md parse, and its error example is what the parser
// says, so the documentation cannot drift from the code.

#include "parser/parse.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace {

// The fenced blocks of `document` that have no language tag (the query examples).
std::vector<std::string> plain_blocks(const std::string& document) {
    std::vector<std::string> blocks;
    std::istringstream in(document);
    std::string line;
    std::string block;
    bool inside = false;
    bool plain = false;
    while (std::getline(in, line)) {
        if (line.rfind("```", 0) == 0) {
            if (inside && plain)
                blocks.push_back(block);
            plain = !inside && line == "```";
            inside = !inside;
            block.clear();
        } else if (inside) {
            block += line + "\n";
        }
    }
    return blocks;
}

} // namespace

TEST_CASE("the examples of docs/query-language.md parse", "[parser][docs]") {
    std::ifstream file(QUARRY_SOURCE_DIR "/docs/query-language.md");
    REQUIRE(file);
    std::stringstream text;
    text << file.rdbuf();
    const auto blocks = plain_blocks(text.str());
    REQUIRE(blocks.size() >= 4);
    for (const std::string& block : blocks) {
        INFO(block);
        const quarry::parser::ParsedStatements parsed = quarry::parser::parse(block);
        if (block.rfind("line ", 0) == 0) { // the error example: the message, line, caret
            const auto newline = block.find('\n');
            const auto parsed_error = quarry::parser::parse(block.substr(newline + 1, block.find('\n', newline + 1) - newline - 1));
            REQUIRE(parsed_error.first_error());
            CHECK(parsed_error.first_error()->render() + "\n" == block);
            continue;
        }
        if (const auto* error = parsed.first_error())
            FAIL(error->render());
        CHECK(parsed.statements().size() >= 1);
    }
}
