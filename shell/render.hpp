#pragma once

// The output modes of the shell: aligned tables with box-drawing borders, csv (RFC 4180),
// tsv, json (an array of objects), jsonl (one object per line), line (one `column = value`
// per line, rows apart) and markdown (a pipe table).

#include "quarry/database.hpp"

#include <atomic>
#include <ostream>
#include <string>
#include <vector>

namespace quarry::shell {

enum class Mode { TABLE, CSV, TSV, JSON, JSONL, LINE, MARKDOWN };

// Parses "table", "csv", … ; false if unknown.
bool parse_mode(const std::string& name, Mode& mode);
const char* mode_name(Mode mode);
// "table, csv, tsv, json, jsonl, line or markdown", for messages.
std::string mode_names();

struct RenderOptions {
    std::size_t width = 0;    // table: the terminal's width (0: no limit)
    bool headers = true;      // csv, tsv, markdown: a header row of column names
    std::string null_value;   // how an unbound value prints (.nullvalue)
    std::size_t max_rows = 0; // print at most this many rows (0: all); the count stays whole
    // table: IRIs under one of these (name, IRI) prefixes print as name:local.
    std::vector<std::pair<std::string, std::string>> prefixes;
    // Set (by Ctrl-C) to stop printing: render throws Cancelled before the next row.
    const std::atomic<bool>* stop = nullptr;
};

// Writes every row of `rows` to `out` in `mode`; returns the number of rows. In table
// mode, values are in canonical form and cells are cut with … to fit `width` columns;
// elsewhere values are plain text.
std::size_t render(Rows& rows, Mode mode, std::ostream& out, const RenderOptions& options);
inline std::size_t render(Rows& rows, Mode mode, std::ostream& out, std::size_t width) {
    RenderOptions options;
    options.width = width;
    return render(rows, mode, out, options);
}

// The width of UTF-8 `text` in terminal columns: wide CJK characters and emoji count two,
// combining marks none (glibc's wcwidth under C.UTF-8).
std::size_t display_width(const std::string& text);

} // namespace quarry::shell
