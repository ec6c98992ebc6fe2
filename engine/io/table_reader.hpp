#pragma once

// A reader of facts in TSV or CSV: 3 or 4 columns (subject, predicate, object[, context]),
// each cell a term in the syntax of the query language (SPEC §1). A first row whose cells
// read subject, predicate, object[, context] is a header (or force it). CSV follows RFC 4180
// (quoted cells may hold commas, quotes doubled, and line breaks); TSV splits at tabs.

#include "engine/io/nquads_reader.hpp"
#include "engine/terms.hpp"
#include "storage/term.hpp"

#include <array>
#include <istream>
#include <optional>
#include <string>
#include <vector>

namespace quarry::engine::io {

// True if a first row's cells read as column names: each is a usual name of its column
// (subject/s/source/from/head…, predicate/p/property/relation…, object/o/target/to/value…,
// context/c/graph…), in any case.
bool looks_like_header(const std::vector<std::string>& cells);

// The term a cell holds (the context position if `context`), for file:line:column, where
// the cell starts. Throws ImportError.
storage::Term cell_term(const std::string& cell, bool context, const PrefixMap& prefixes, const std::string& file,
                        std::size_t line, std::size_t column);

class TableReader {
public:
    TableReader(std::istream& in, std::string name, bool csv, std::optional<bool> header,
                const PrefixMap& prefixes);

    // The next fact; the context is nullopt for a three-column row. False at the end.
    // Throws ImportError.
    bool next(std::array<std::optional<storage::Term>, 4>& fact);
    std::size_t line() const noexcept { return line_; }

private:
    bool read_row(std::vector<std::string>& cells, std::vector<std::size_t>& columns);

    std::istream& in_;
    std::string name_;
    bool csv_;
    std::optional<bool> header_; // nullopt: detect
    const PrefixMap& prefixes_;
    std::size_t line_ = 0;       // the line the current row starts on
    std::size_t next_line_ = 1;
    bool first_ = true;
};

} // namespace quarry::engine::io
