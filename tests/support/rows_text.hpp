#pragma once

// The rows of a match as text, for tests: "a | b" per row, values in canonical form,
// unbound as nothing, in result order.

#include "quarry/database.hpp"

#include <string>
#include <vector>

namespace quarry::testing {

inline std::vector<std::string> rows_text(Rows& rows) {
    std::vector<std::string> out;
    while (auto row = rows.next()) {
        std::string line;
        for (std::size_t i = 0; i < row->size(); ++i)
            line += (i ? " | " : "") + ((*row)[i] ? format_term(*(*row)[i]) : std::string());
        out.push_back(line);
    }
    return out;
}

inline std::vector<std::string> rows_text(Database& db, const std::string& text) {
    return rows_text(*db.query(text));
}

} // namespace quarry::testing
