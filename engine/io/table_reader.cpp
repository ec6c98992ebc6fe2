#include "engine/io/table_reader.hpp"

#include "engine/error.hpp"
#include "parser/lexer.hpp"

#include <algorithm>

namespace quarry::engine::io {

TableReader::TableReader(std::istream& in, std::string name, bool csv, std::optional<bool> header,
                         const PrefixMap& prefixes)
    : in_(in), name_(std::move(name)), csv_(csv), header_(header), prefixes_(prefixes) {}

// Reads one row into cells, with the column (1-based character) where each cell starts.
bool TableReader::read_row(std::vector<std::string>& cells, std::vector<std::size_t>& columns) {
    cells.clear();
    columns.clear();
    std::string line;
    if (!std::getline(in_, line))
        return false;
    line_ = next_line_++;
    if (!line.empty() && line.back() == '\r')
        line.pop_back();
    if (!csv_) {
        std::size_t start = 0;
        for (;;) {
            const std::size_t tab = line.find('\t', start);
            cells.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
            columns.push_back(start + 1);
            if (tab == std::string::npos)
                return true;
            start = tab + 1;
        }
    }
    std::size_t pos = 0;
    for (;;) {
        columns.push_back(pos + 1);
        std::string cell;
        if (pos < line.size() && line[pos] == '"') {
            ++pos;
            for (;;) {
                if (pos >= line.size()) { // a quoted cell goes on on the next line
                    std::string more;
                    if (!std::getline(in_, more))
                        throw ImportError(name_, line_, columns.back(), "unterminated quoted cell: expected '\"'");
                    ++next_line_;
                    if (!more.empty() && more.back() == '\r')
                        more.pop_back();
                    cell += '\n';
                    line = more;
                    pos = 0;
                    continue;
                }
                if (line[pos] == '"') {
                    if (pos + 1 < line.size() && line[pos + 1] == '"') {
                        cell += '"';
                        pos += 2;
                        continue;
                    }
                    ++pos;
                    break;
                }
                cell += line[pos++];
            }
            if (pos < line.size() && line[pos] != ',')
                throw ImportError(name_, line_, pos + 1, "expected ',' after a quoted cell");
        } else {
            const std::size_t comma = line.find(',', pos);
            cell = line.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            pos = comma == std::string::npos ? line.size() : comma;
        }
        cells.push_back(std::move(cell));
        if (pos >= line.size())
            return true;
        ++pos; // the comma
    }
}

namespace {

// The names a header gives each column, in lower case.
const std::vector<std::vector<std::string>>& header_names() {
    static const std::vector<std::vector<std::string>> names = {
        {"subject", "subj", "s", "source", "from", "head", "entity", "node", "id"},
        {"predicate", "pred", "p", "property", "relation", "relationship", "rel", "edge", "verb", "label"},
        {"object", "obj", "o", "target", "to", "tail", "value"},
        {"context", "ctx", "c", "graph", "g", "named graph", "named_graph"}};
    return names;
}

} // namespace

bool looks_like_header(const std::vector<std::string>& cells) {
    if (cells.size() > header_names().size())
        return false;
    for (std::size_t i = 0; i < cells.size(); ++i) {
        std::string lower = cells[i];
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        const auto first = lower.find_first_not_of(" \t\r");
        lower = first == std::string::npos ? "" : lower.substr(first, lower.find_last_not_of(" \t\r") - first + 1);
        const auto& names = header_names()[i];
        if (std::find(names.begin(), names.end(), lower) == names.end())
            return false;
    }
    return true;
}

storage::Term cell_term(const std::string& cell, bool context, const PrefixMap& prefixes, const std::string& file,
                        std::size_t line, std::size_t column) {
    auto first = cell.cbegin();
    parser::skip_space(first, cell.cend());
    parser::ast::Term term;
    try {
        auto p = first;
        if (!parser::scan_term(p, cell.cend(), context ? parser::TermContext::CONTEXT : parser::TermContext::TUPLE,
                               term))
            throw ImportError(file, line, column, "expected a term");
        auto rest = p;
        parser::skip_space(rest, cell.cend());
        if (rest != cell.cend())
            throw ImportError(file, line, column + static_cast<std::size_t>(rest - cell.cbegin()),
                              "unexpected text after the term (write the name in `backquotes`?)");
        if (term.kind == parser::ast::TermKind::VARIABLE || term.kind == parser::ast::TermKind::WILDCARD)
            throw ImportError(file, line, column, "a fact holds values, not variables");
        return to_storage(term, prefixes);
    } catch (const parser::LexicalError& e) {
        throw ImportError(file, line, column + static_cast<std::size_t>(e.where() - cell.cbegin()), e.what());
    } catch (const QueryError& e) {
        throw ImportError(file, line, column, e.what());
    }
}

bool TableReader::next(std::array<std::optional<storage::Term>, 4>& fact) {
    std::vector<std::string> cells;
    std::vector<std::size_t> columns;
    for (;;) {
        if (!read_row(cells, columns))
            return false;
        if (cells.size() == 1 && cells[0].find_first_not_of(" \t") == std::string::npos)
            continue; // a blank line
        if (cells.size() != 3 && cells.size() != 4)
            throw ImportError(name_, line_, 1, "expected 3 or 4 cells (subject, predicate, object[, context]), found " +
                                                   std::to_string(cells.size()));
        if (first_) {
            first_ = false;
            if (header_.value_or(looks_like_header(cells)))
                continue;
        }
        for (std::size_t i = 0; i < 4; ++i) {
            fact[i].reset();
            if (i >= cells.size())
                continue;
            fact[i] = cell_term(cells[i], i == 3, prefixes_, name_, line_, columns[i]);
        }
        return true;
    }
}

} // namespace quarry::engine::io
