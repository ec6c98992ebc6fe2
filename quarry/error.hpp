#pragma once

// The errors Quarry throws, every one derived from quarry::Error.
//
//   ParseError    a statement that does not parse, or cannot run as written (an unknown
//                 prefix, an invalid value), with its line, column and source line
//   ImportError   a malformed line of a file being loaded, with file, line and column
//   StorageError  the database file: an LMDB failure, a foreign or damaged file
//   TermError     a value that is not a valid term of its kind (a month 13)
//   Cancelled     the running statement was stopped (Database::cancel)
//   InternalError a broken invariant: a bug in Quarry, never the user's fault

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace quarry {

// Base of every error Quarry throws on purpose. Catch it at boundaries only.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A failure of the store: an LMDB call, an unreadable or foreign database file, corrupt
// records. `code()` is the LMDB or errno code when there is one, else 0.
class StorageError : public Error {
public:
    explicit StorageError(const std::string& message, int code = 0) : Error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

// A value that is not a valid term of its kind: a month 13, a NaN decimal, invalid UTF-8.
class TermError : public Error {
public:
    using Error::Error;
};

// A broken invariant: a bug in Quarry, never the user's fault.
class InternalError : public Error {
public:
    using Error::Error;
};

// The statement was stopped by Database::cancel; it changed nothing.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

// Where in a statement's source: 1-based line, and column in characters (code points).
struct SourcePosition {
    std::size_t line = 1;
    std::size_t column = 1;
    friend bool operator==(const SourcePosition&, const SourcePosition&) = default;
};

// A syntax error, or a statement that cannot run as written, with its position.
// what() is "line L, column C: message"; render() adds the source line and a caret.
class ParseError : public Error {
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

// A malformed line of a file being loaded; what() is "file:line:col: message".
class ImportError : public Error {
public:
    ImportError(const std::string& file, std::size_t line, std::size_t column,
                const std::string& message)
        : Error(file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
          line_(line), column_(column), message_(message) {}
    std::size_t line() const noexcept { return line_; }
    std::size_t column() const noexcept { return column_; }
    const std::string& message() const noexcept { return message_; }

private:
    std::size_t line_, column_;
    std::string message_;
};

} // namespace quarry
