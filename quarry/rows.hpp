#pragma once

// The rows of a match: a cursor that gives the column names, then one row at a time.
// Each value of a row is a term, or nothing for a variable left unbound (an optional
// part that did not match). Rows are computed as they are asked for: read them before
// the next statement on the same Database.

#include "quarry/term.hpp"

#include <optional>
#include <string>
#include <vector>

namespace quarry {

// A term, or nothing (unbound).
using Value = std::optional<Term>;
using Row = std::vector<Value>;

class Rows {
public:
    virtual ~Rows() = default;
    virtual const std::vector<std::string>& columns() const = 0;
    // The next row, or nullopt at the end.
    virtual std::optional<Row> next() = 0;
    // The next row into `row`, reusing its storage; false at the end. The same rows as
    // next(), with fewer allocations for a caller that reads many.
    virtual bool read(Row& row);
};

} // namespace quarry
