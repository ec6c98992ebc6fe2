#pragma once

// A reader of facts in JSON Lines, as extraction pipelines write them: one JSON object a
// line, {"s": …, "p": …, "o": …} with an optional "c" (the context). A string value is a
// term in the syntax of the query language (SPEC §1: `Khaji`, `<http://…>`, `ex:Khaji`,
// `"IRNA reported"@en`, `2024-11-12`, …); a JSON number is an integer (without fraction
// or exponent) or a decimal, true and false are booleans. Blank lines are skipped.
//
// Lines are parsed with simdjson. The first problem throws an ImportError naming file,
// line and column.

#include "engine/io/nquads_reader.hpp"
#include "engine/terms.hpp"
#include "storage/term.hpp"

#include <array>
#include <istream>
#include <memory>
#include <optional>
#include <string>

namespace quarry::engine::io {

class JsonLinesReader {
public:
    // `first_line`: the number of the stream's first line (more than 1 for a block of a
    // larger file).
    JsonLinesReader(std::istream& in, std::string name, const PrefixMap& prefixes,
                    std::size_t first_line = 1);
    ~JsonLinesReader();
    JsonLinesReader(const JsonLinesReader&) = delete;
    JsonLinesReader& operator=(const JsonLinesReader&) = delete;

    // The next fact; the context is nullopt without "c". False at the end. Throws
    // ImportError.
    bool next(std::array<std::optional<storage::Term>, 4>& fact);
    std::size_t line() const noexcept { return line_number_; }

    struct Parser;

private:
    std::istream& in_;
    std::string name_;
    const PrefixMap& prefixes_;
    std::size_t line_number_;
    std::string line_;    // the line, with simdjson's padding after it
    std::string scratch_; // a string value, unescaped
    std::unique_ptr<Parser> parser_;
};

} // namespace quarry::engine::io
