#pragma once

// The parser's public entry point: parse(source) → ParsedStatements.
//
// A script is split into statements at top-level ';' (outside strings, quoted names,
// IRIs and comments), and each is parsed on its own, so an error in one statement does not
// hide the next: the shell runs what parsed and reports what did not.

#include "parser/ast.hpp"
#include "parser/limits.hpp"
#include "quarry/error.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::parser {

// Errors carry their position (both defined in quarry/error.hpp, the public API).
using quarry::ParseError;
using quarry::SourcePosition;

struct ParsedStatement {
    std::optional<ast::Statement> statement; // set when the statement parsed
    std::optional<ParseError> error;         // set when it did not
    SourcePosition position;                 // where the statement starts
    std::string_view text;                   // its text, without the ';' (into the source)
};

// The source text, the statements parsed from it and the positions of their nodes. Not
// copyable: nodes refer to positions kept here, and positions to the text. Movable.
class ParsedStatements {
public:
    explicit ParsedStatements(std::string source);
    ParsedStatements(ParsedStatements&&) noexcept;
    ParsedStatements& operator=(ParsedStatements&&) noexcept;
    ~ParsedStatements();

    const std::string& source() const;
    const std::vector<ParsedStatement>& statements() const;
    // True if every statement parsed.
    bool ok() const;
    // The first error, if any.
    const ParseError* first_error() const;

    // Where `node` (parsed from this source) starts; nullopt for a node built elsewhere.
    std::optional<SourcePosition> position_of(const ast::Node& node) const;
    // An error at `node`, for later stages: unknown prefix, type clash, …
    ParseError error_at(const ast::Node& node, std::string message) const;
    // An error at a byte offset into the source.
    ParseError error_at_offset(std::size_t offset, std::string message) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

ParsedStatements parse(std::string source);

// True if `text` ends no statement midway: everything in it up to the end is terminated
// by ';' (outside strings, quoted names, IRIs and comments), or is blank. The shell's
// continuation prompt waits for this.
bool is_complete(const std::string& text);

} // namespace quarry::parser
