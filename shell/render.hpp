#pragma once

// The output modes of the shell: aligned tables with box-drawing borders, csv (RFC 4180),
// tsv, json (an array of objects) and jsonl (one object per line).

#include "engine/database.hpp"

#include <ostream>
#include <string>
#include <vector>

namespace quarry::shell {

enum class Mode { TABLE, CSV, TSV, JSON, JSONL };

// Parses "table", "csv", … ; false if unknown.
bool parse_mode(const std::string& name, Mode& mode);
const char* mode_name(Mode mode);

// Writes every row of `rows` to `out` in `mode`; returns the number of rows. In table
// mode, values are in canonical form and cells are cut with … to fit `width` columns
// (0: no limit); elsewhere values are plain text.
std::size_t render(Rows& rows, Mode mode, std::ostream& out, std::size_t width);

// The width of `text` in characters (UTF-8 code points).
std::size_t display_width(const std::string& text);

} // namespace quarry::shell
