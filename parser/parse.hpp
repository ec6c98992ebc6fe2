#pragma once

// The parser's public entry point: parse(source) → ParsedStatements.
//
// A script is split into statements at top-level ';' (outside strings, quoted names,
// IRIs and comments), and each is parsed on its own, so an error in one statement does not
// hide the next: the shell runs what parsed and reports what did not.

#include "parser/ast.hpp"
#include "parser/limits.hpp"

#include <cstddef>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::parser {

struct SourcePosition {
    std::size_t line = 1;   // 1-based
    std::size_t column = 1; // 1-based, in characters (UTF-8 code points)
    friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

// A syntax error, or a semantic error reported against a node, with its position.
// what() is "line L, column C: message"; render() adds the source line and a caret.
class ParseError : public std::runtime_error {
public:
    ParseError(SourcePosition position, std::string message, std::string source_line);

    SourcePosition position() const { return position_; }
    std::size_t line() const { return position_.line; }
    std::size_t column() const { return position_.column; }
    // The message without the position: "expected ',' or ')'".
    const std::string& message() const { return message_; }
    const std::string& source_line() const { return source_line_; }
    // what(), then the source line, then a caret under the column. `prefix` goes before
    // the first line ("Error: " in the shell).
    std::string render(std::string_view prefix = {}) const;
    // As render(), with the position as "FILE:LINE:COL: message" (batch errors).
    std::string render_in(std::string_view file) const;

private:
    std::string render_lines(std::string first_line) const;

    SourcePosition position_;
    std::string message_;
    std::string source_line_;
};

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
