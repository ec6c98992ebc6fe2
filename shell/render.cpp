#include "shell/render.hpp"


#include <fmt/format.h>

#include <algorithm>
#include <clocale>
#include <cwchar>
#include <locale.h>
#include <numeric>
#include <wchar.h>

namespace quarry::shell {

bool parse_mode(const std::string& name, Mode& mode) {
    static const std::pair<const char*, Mode> MODES[] = {
        {"table", Mode::TABLE}, {"csv", Mode::CSV},   {"tsv", Mode::TSV},          {"json", Mode::JSON},
        {"jsonl", Mode::JSONL}, {"line", Mode::LINE}, {"markdown", Mode::MARKDOWN}};
    for (const auto& [n, m] : MODES)
        if (name == n) {
            mode = m;
            return true;
        }
    return false;
}

const char* mode_name(Mode mode) {
    switch (mode) {
    case Mode::TABLE: return "table";
    case Mode::CSV: return "csv";
    case Mode::TSV: return "tsv";
    case Mode::JSON: return "json";
    case Mode::JSONL: return "jsonl";
    case Mode::LINE: return "line";
    case Mode::MARKDOWN: return "markdown";
    }
    return "table";
}

std::string mode_names() { return "table, csv, tsv, json, jsonl, line or markdown"; }

namespace {

// The code points of UTF-8 text with their display widths (glibc's wcwidth, read under the
// C.UTF-8 locale whatever the environment's): CJK and emoji 2, combining marks 0, the rest 1.
// Calls `each(start, length, width)` for every character; an invalid byte is one column.
template <typename Each>
void for_each_character(const std::string& text, Each each) {
    static const locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    const locale_t previous = utf8 ? uselocale(utf8) : static_cast<locale_t>(nullptr);
    std::mbstate_t state{};
    for (std::size_t i = 0; i < text.size();) {
        wchar_t c = 0;
        const std::size_t length = std::mbrtowc(&c, text.data() + i, text.size() - i, &state);
        if (length == 0 || length > text.size() - i) { // invalid or cut short: one byte, one column
            state = {};
            each(i, std::size_t{1}, std::size_t{1});
            ++i;
            continue;
        }
        const int width = ::wcwidth(c);
        each(i, length, width < 0 ? std::size_t{1} : static_cast<std::size_t>(width));
        i += length;
    }
    if (previous)
        uselocale(previous);
}

} // namespace

std::size_t display_width(const std::string& text) {
    std::size_t width = 0;
    for_each_character(text, [&](std::size_t, std::size_t, std::size_t columns) { width += columns; });
    return width;
}

namespace {

// As much of `text` as fits `width` columns, ending in … if it was longer.
std::string fit(const std::string& text, std::size_t width) {
    if (display_width(text) <= width)
        return text;
    std::size_t used = 0, end = 0;
    bool full = false;
    for_each_character(text, [&](std::size_t start, std::size_t length, std::size_t columns) {
        if (full || used + columns + 1 > width) { // room for the …
            full = true;
            return;
        }
        used += columns;
        end = start + length;
    });
    return text.substr(0, end) + "…";
}

std::string pad(const std::string& text, std::size_t width) {
    return text + std::string(width - std::min(width, display_width(text)), ' ');
}

std::string plain(const Value& value, const std::string& null_value = {}) {
    return value ? text_of(*value) : null_value;
}

std::string csv_cell(const std::string& text, char separator) {
    if (text.find_first_of(std::string("\"\r\n") + separator) == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + "\"";
}

// TSV has no quoting: tabs and line breaks inside a value are written as \t \n \r, and
// backslashes doubled.
std::string tsv_cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        switch (c) {
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\\': out += "\\\\"; break;
        default: out += c;
        }
    }
    return out;
}

// A markdown table cell: | escaped, line breaks as <br>.
std::string markdown_cell(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += "<br>";
        else if (c != '\r')
            out += c;
    }
    return out;
}

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
                out += c;
        }
    }
    return out + "\"";
}

std::string json_value(const Value& value) {
    if (!value)
        return "null";
    switch (value->kind()) {
    case TermKind::INTEGER:
    case TermKind::DECIMAL:
        return format_term(*value);
    case TermKind::BOOLEAN:
        return value->boolean_value() ? "true" : "false";
    default:
        return json_string(text_of(*value));
    }
}

std::string json_object(const std::vector<std::string>& columns, const Row& row) {
    std::string out = "{";
    for (std::size_t i = 0; i < columns.size(); ++i)
        out += (i ? ", " : "") + json_string(columns[i]) + ": " + json_value(row[i]);
    return out + "}";
}

void check_stop(const std::atomic<bool>* stop) {
    if (stop && stop->load())
        throw Cancelled();
}

// A value in canonical form, an IRI under a declared prefix as name:local.
std::string canonical(const Value& value, const RenderOptions& options) {
    if (!value)
        return options.null_value;
    if (value->kind() == TermKind::IRI)
        for (const auto& [name, iri] : options.prefixes) {
            const std::string& text = value->text();
            if (text.size() > iri.size() && text.compare(0, iri.size(), iri) == 0) {
                const std::string local = text.substr(iri.size());
                const bool plain = std::all_of(local.begin(), local.end(), [](unsigned char c) {
                    return std::isalnum(c) || c == '_' || c == '-' || c >= 0x80;
                });
                if (plain && !std::isdigit(static_cast<unsigned char>(local[0])))
                    return name + ":" + local;
            }
        }
    return format_term(*value);
}

std::size_t render_table(Rows& rows, std::ostream& out, const RenderOptions& options, std::size_t& total) {
    const std::size_t terminal = options.width;
    const std::atomic<bool>* stop = options.stop;
    const auto& columns = rows.columns();
    std::vector<std::vector<std::string>> cells;
    total = 0;
    while (auto row = rows.next()) {
        if (++total > options.max_rows && options.max_rows > 0)
            continue; // counted, not shown
        std::vector<std::string> line;
        for (const auto& value : *row)
            line.push_back(canonical(value, options));
        cells.push_back(std::move(line));
    }
    std::vector<std::size_t> widths;
    for (std::size_t c = 0; c < columns.size(); ++c) {
        std::size_t w = display_width(columns[c]);
        for (const auto& line : cells)
            w = std::max(w, display_width(line[c]));
        widths.push_back(w);
    }
    // Narrow the widest column until the table fits the terminal (borders: 3 per column + 1).
    if (terminal > 0 && !widths.empty()) {
        auto table_width = [&] { return std::accumulate(widths.begin(), widths.end(), std::size_t{0}) + 3 * widths.size() + 1; };
        while (table_width() > terminal) {
            auto widest = std::max_element(widths.begin(), widths.end());
            if (*widest <= 4)
                break;
            --*widest;
        }
    }
    auto border = [&](const char* left, const char* middle, const char* right) {
        std::string line = left;
        for (std::size_t c = 0; c < widths.size(); ++c) {
            for (std::size_t i = 0; i < widths[c] + 2; ++i)
                line += "─";
            line += c + 1 < widths.size() ? middle : right;
        }
        out << line << '\n';
    };
    auto line = [&](const std::vector<std::string>& values) {
        std::string text = "│";
        for (std::size_t c = 0; c < widths.size(); ++c)
            text += " " + pad(fit(values[c], widths[c]), widths[c]) + " │";
        out << text << '\n';
    };
    if (!columns.empty()) {
        border("┌", "┬", "┐");
        line(columns);
        border("├", "┼", "┤");
        for (const auto& values : cells) {
            check_stop(stop);
            line(values);
        }
        border("└", "┴", "┘");
    }
    return total;
}

} // namespace

std::size_t render(Rows& rows, Mode mode, std::ostream& out, const RenderOptions& options) {
    if (mode == Mode::TABLE) {
        std::size_t total = 0;
        render_table(rows, out, options, total);
        return total;
    }
    const auto& columns = rows.columns();
    std::size_t count = 0;
    Row row;
    if (mode == Mode::LINE) {
        std::size_t name_width = 0;
        for (const auto& column : columns)
            name_width = std::max(name_width, display_width(column));
        while (rows.read(row)) {
            check_stop(options.stop);
            if (options.max_rows > 0 && count >= options.max_rows) { // counted, not shown
                ++count;
                continue;
            }
            out << (count ? "\n" : "");
            for (std::size_t c = 0; c < row.size(); ++c)
                out << std::string(name_width - display_width(columns[c]), ' ') << columns[c] << " = " << plain(row[c], options.null_value) << '\n';
            ++count;
        }
        return count;
    }
    if (mode == Mode::MARKDOWN) {
        auto cells = [&](const std::vector<std::string>& values) {
            out << '|';
            for (const auto& value : values)
                out << ' ' << markdown_cell(value) << " |";
            out << '\n';
        };
        if (options.headers) {
            cells(columns);
            out << '|';
            for (std::size_t c = 0; c < columns.size(); ++c)
                out << "---|";
            out << '\n';
        }
        while (rows.read(row)) {
            check_stop(options.stop);
            if (options.max_rows > 0 && count >= options.max_rows) { // counted, not shown
                ++count;
                continue;
            }
            std::vector<std::string> values;
            for (const auto& value : row)
                values.push_back(plain(value, options.null_value));
            cells(values);
            ++count;
        }
        return count;
    }
    if (mode == Mode::CSV || mode == Mode::TSV) {
        const char separator = mode == Mode::CSV ? ',' : '\t';
        auto cell = [&](const std::string& text) { return mode == Mode::CSV ? csv_cell(text, ',') : tsv_cell(text); };
        if (options.headers) {
            for (std::size_t c = 0; c < columns.size(); ++c)
                out << (c ? std::string(1, separator) : "") << cell(columns[c]);
            out << (mode == Mode::CSV ? "\r\n" : "\n");
        }
        while (rows.read(row)) {
            check_stop(options.stop);
            if (options.max_rows > 0 && count >= options.max_rows) { // counted, not shown
                ++count;
                continue;
            }
            for (std::size_t c = 0; c < row.size(); ++c)
                out << (c ? std::string(1, separator) : "") << cell(plain(row[c], options.null_value));
            out << (mode == Mode::CSV ? "\r\n" : "\n");
            ++count;
        }
        return count;
    }
    if (mode == Mode::JSONL) {
        while (rows.read(row)) {
            check_stop(options.stop);
            if (options.max_rows > 0 && count >= options.max_rows) { // counted, not shown
                ++count;
                continue;
            }
            out << json_object(columns, row) << '\n';
            ++count;
        }
        return count;
    }
    out << "[";
    while (rows.read(row)) {
        check_stop(options.stop);
        if (options.max_rows > 0 && count >= options.max_rows) { // counted, not shown
            ++count;
            continue;
        }
        out << (count ? ",\n " : "\n ") << json_object(columns, row);
        ++count;
    }
    out << (count ? "\n]\n" : "]\n");
    return count;
}

} // namespace quarry::shell
