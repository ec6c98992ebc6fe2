// libFuzzer target for the parser (built with -DQUARRY_FUZZ=ON and clang; run by
// bench/fuzz-parser). Any input must parse or fail with a ParseError, never crash; and
// every statement that parses must print to text that parses back to the same AST.

#include "parser/parse.hpp"
#include "parser/printer.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const quarry::parser::ParsedStatements parsed =
        quarry::parser::parse(std::string(reinterpret_cast<const char*>(data), size));
    for (const auto& statement : parsed.statements()) {
        if (statement.error) {
            (void)statement.error->render();
            continue;
        }
        const std::string text = quarry::parser::print(*statement.statement);
        const quarry::parser::ParsedStatements again = quarry::parser::parse(text);
        if (again.statements().size() != 1 || !again.statements()[0].statement ||
            !(*again.statements()[0].statement == *statement.statement)) {
            std::fprintf(stderr, "round trip failed for: %s\n", text.c_str());
            if (again.first_error())
                std::fprintf(stderr, "%s\n", again.first_error()->render().c_str());
            std::abort();
        }
    }
    return 0;
}
