#include "parser/parse.hpp"

#include "parser/config.hpp"
#include "parser/statement.hpp"
#include "parser/validate.hpp"

#include <boost/spirit/home/x3.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>

namespace quarry {

// --- ParseError (quarry/error.hpp) -----------------------------------------------------

namespace {

std::string located(SourcePosition position, const std::string& message) {
    return "line " + std::to_string(position.line) + ", column " +
           std::to_string(position.column) + ": " + message;
}

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

} // namespace

ParseError::ParseError(SourcePosition position, std::string message, std::string source_line)
    : Error(located(position, message)), position_(position),
      message_(std::move(message)), source_line_(std::move(source_line)) {}

std::string ParseError::render_in(std::string_view file) const {
    return render_lines(std::string(file) + ":" + std::to_string(position_.line) + ":" +
                        std::to_string(position_.column) + ": " + message_);
}

std::string ParseError::render(std::string_view prefix) const {
    return render_lines(std::string(prefix) + what());
}

std::string ParseError::render_lines(std::string first_line) const {
    std::string out = std::move(first_line);
    out += '\n';
    out += source_line_;
    out += '\n';
    // The caret goes under the column-th character; tabs are copied so it lines up.
    std::size_t characters = 0;
    for (char c : source_line_) {
        if (is_continuation_byte(c))
            continue;
        if (++characters >= position_.column)
            break;
        out += c == '\t' ? '\t' : ' ';
    }
    out += '^';
    return out;
}

} // namespace quarry

namespace quarry::parser {

// --- ParsedStatements ------------------------------------------------------------------

struct ParsedStatements::Impl {
    explicit Impl(std::string text)
        : source(std::move(text)), positions(source.begin(), source.end()) {
        line_starts.push_back(0);
        for (std::size_t i = 0; i < source.size(); ++i)
            if (source[i] == '\n')
                line_starts.push_back(i + 1);
    }

    // Index into line_starts of the line holding `offset`.
    std::size_t line_index(std::size_t offset) const {
        return static_cast<std::size_t>(
            std::upper_bound(line_starts.begin(), line_starts.end(), offset) -
            line_starts.begin() - 1);
    }

    SourcePosition position_at(std::size_t offset) const {
        const std::size_t line = line_index(offset);
        SourcePosition position{line + 1, 1};
        for (std::size_t i = line_starts[line]; i < offset && i < source.size(); ++i)
            if (!is_continuation_byte(source[i]))
                ++position.column;
        return position;
    }

    std::string line_at(std::size_t offset) const {
        const std::size_t start = line_starts[line_index(offset)];
        const std::size_t end = source.find('\n', start);
        std::string line = source.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        return line;
    }

    ParseError error(std::size_t offset, std::string message) const {
        return ParseError(position_at(offset), std::move(message), line_at(offset));
    }

    std::size_t offset(iterator_type where) const {
        return static_cast<std::size_t>(where - source.cbegin());
    }

    const std::string source;
    std::vector<std::size_t> line_starts; // offset of the first byte of each line
    position_cache positions;
    std::vector<ParsedStatement> statements;
};

namespace {

struct Chunk {
    std::size_t begin; // first byte of the statement (after leading space and comments)
    std::size_t end;   // its ';' or the end of the source
    std::optional<std::size_t> too_deep; // where nesting passed MAX_NESTING
};

// Skips a "string" or `name` starting at source[i]; returns the index after it.
std::size_t skip_quoted(const std::string& source, std::size_t i, char quote) {
    for (++i; i < source.size(); ++i) {
        if (source[i] == '\\')
            ++i;
        else if (source[i] == quote)
            return i + 1;
    }
    return source.size();
}

// Splits at top-level ';'. An IRI is a '<' followed by IRI characters up to a '>'; any
// other '<' is the less-than operator.
std::vector<Chunk> split(const std::string& source) {
    std::vector<Chunk> chunks;
    std::size_t i = 0;
    while (i < source.size()) {
        iterator_type start = source.cbegin() + static_cast<std::ptrdiff_t>(i);
        skip_space(start, source.cend());
        Chunk chunk{static_cast<std::size_t>(start - source.cbegin()), source.size(), std::nullopt};
        std::size_t depth = 0;
        for (i = chunk.begin; i < source.size();) {
            const char c = source[i];
            if (c == ';') {
                chunk.end = i++;
                break;
            }
            if (c == '"' || c == '`') {
                i = skip_quoted(source, i, c);
            } else if (c == '#') {
                while (i < source.size() && source[i] != '\n')
                    ++i;
            } else if (c == '<') {
                std::size_t j = i + 1;
                while (j < source.size() && static_cast<unsigned char>(source[j]) > 0x20 &&
                       std::strchr("<>\"{}|^`", source[j]) == nullptr)
                    ++j;
                i = j < source.size() && source[j] == '>' && j > i + 1 ? j + 1 : i + 1;
            } else {
                if (c == '(' || c == '{' || c == '[') {
                    if (++depth > MAX_NESTING && !chunk.too_deep)
                        chunk.too_deep = i;
                } else if ((c == ')' || c == '}' || c == ']') && depth > 0) {
                    --depth;
                }
                ++i;
            }
        }
        if (chunk.begin < chunk.end)
            chunks.push_back(chunk);
    }
    return chunks;
}

// The depth of a statement's AST, found without recursion; stops counting past `limit`.
std::size_t ast_depth(const ast::Statement& statement, std::size_t limit) {
    struct Item {
        const ast::Expr* expr = nullptr;
        const ast::Path* path = nullptr;
        const ast::Pattern* pattern = nullptr;
        std::size_t depth = 1;
    };
    std::vector<Item> stack;
    auto push_tuple = [&](const ast::Tuple& tuple, std::size_t depth) {
        stack.push_back({nullptr, &tuple.predicate, nullptr, depth});
    };
    for (const auto& tuple : statement.tuples)
        push_tuple(tuple, 1);
    if (statement.query) {
        for (const auto& pattern : statement.query->patterns)
            stack.push_back({nullptr, nullptr, &pattern, 1});
        if (statement.query->where)
            stack.push_back({&*statement.query->where, nullptr, nullptr, 1});
        for (const auto& item : statement.query->returns)
            stack.push_back({&item.expr, nullptr, nullptr, 1});
        for (const auto& key : statement.query->order)
            stack.push_back({&key.expr, nullptr, nullptr, 1});
    }
    std::size_t deepest = 0;
    while (!stack.empty() && deepest <= limit) {
        const Item item = stack.back();
        stack.pop_back();
        deepest = std::max(deepest, item.depth);
        if (item.expr) {
            for (const auto& arg : item.expr->args)
                stack.push_back({&arg, nullptr, nullptr, item.depth + 1});
        } else if (item.path) {
            for (const auto& child : item.path->children)
                stack.push_back({nullptr, &child, nullptr, item.depth + 1});
        } else {
            if (item.pattern->kind == ast::PatternKind::TUPLE)
                push_tuple(item.pattern->tuple, item.depth + 1);
            for (const auto& child : item.pattern->patterns)
                stack.push_back({nullptr, nullptr, &child, item.depth + 1});
            if (item.pattern->where)
                stack.push_back({&*item.pattern->where, nullptr, nullptr, item.depth + 1});
        }
    }
    return deepest;
}

} // namespace

ParsedStatements::ParsedStatements(std::string source)
    : impl_(std::make_unique<Impl>(std::move(source))) {
    Impl& impl = *impl_;
    const std::string& text = impl.source;
    std::size_t checked = 0; // bytes before this were checked for UTF-8
    auto invalid_utf8_before = [&](std::size_t end) -> std::optional<std::size_t> {
        const auto bad = find_invalid_utf8(std::string_view(text).substr(checked, end - checked));
        const std::size_t start = checked;
        checked = end;
        if (bad == std::string_view::npos)
            return std::nullopt;
        return start + bad;
    };
    for (const Chunk& chunk : split(text)) {
        ParsedStatement parsed;
        parsed.position = impl.position_at(chunk.begin);
        parsed.text = std::string_view(text).substr(chunk.begin, chunk.end - chunk.begin);
        auto fail = [&](std::size_t offset, std::string message) {
            parsed.error = impl.error(offset, std::move(message));
        };
        // Comments before the statement belong to it for this check.
        if (const auto bad = invalid_utf8_before(chunk.end)) {
            fail(*bad, "invalid UTF-8");
        } else if (parsed.text.size() > MAX_STATEMENT_BYTES) {
            fail(chunk.begin, "statement longer than " + std::to_string(MAX_STATEMENT_BYTES >> 20) +
                                  " MiB");
        } else if (chunk.too_deep) {
            fail(*chunk.too_deep,
                 "nested more than " + std::to_string(MAX_NESTING) + " levels deep");
        } else {
            iterator_type first = text.cbegin() + static_cast<std::ptrdiff_t>(chunk.begin);
            const iterator_type last = text.cbegin() + static_cast<std::ptrdiff_t>(chunk.end);
            ErrorHandler handler(impl.positions);
            ast::Statement statement;
            bool ok = false;
            try {
                const auto parser =
                    x3::with<x3::error_handler_tag>(std::ref(handler))[parser::statement()];
                ok = x3::phrase_parse(first, last, parser, skipper, statement);
            } catch (const LexicalError& e) {
                fail(impl.offset(e.where()), e.what());
            }
            if (!parsed.error) {
                skip_space(first, last);
                if (!ok && handler.failure()) {
                    // X3 reports where the failed parser started, before its whitespace:
                    // point at the next token, or, at the end, just after the last one.
                    iterator_type where = handler.failure()->where;
                    skip_space(where, last);
                    if (where == last) {
                        const iterator_type begin =
                            text.cbegin() + static_cast<std::ptrdiff_t>(chunk.begin);
                        while (where != begin && std::isspace(static_cast<unsigned char>(where[-1])))
                            --where;
                    }
                    fail(impl.offset(where), "expected " + handler.failure()->expected);
                }
                else if (!ok)
                    fail(impl.offset(first), "expected a statement (add, remove, match, prefix, "
                                             "load, export, begin, commit, rollback, rule, "
                                             "drop rule, why or explain)");
                else if (first != last)
                    fail(impl.offset(first), "expected ';'");
                else if (ast_depth(statement, MAX_AST_DEPTH) > MAX_AST_DEPTH)
                    fail(chunk.begin, "statement nested more than " +
                                          std::to_string(MAX_AST_DEPTH) + " levels deep");
                else if (validate(statement, [&](const ast::Node& node, std::string message) {
                             parsed.error = error_at(node, std::move(message));
                         }))
                    parsed.statement = std::move(statement);
            }
        }
        impl.statements.push_back(std::move(parsed));
    }
    // Comments after the last statement.
    if (const auto bad = invalid_utf8_before(text.size())) {
        ParsedStatement trailing;
        trailing.position = impl.position_at(*bad);
        trailing.error = impl.error(*bad, "invalid UTF-8");
        impl.statements.push_back(std::move(trailing));
    }
}

ParsedStatements::ParsedStatements(ParsedStatements&&) noexcept = default;
ParsedStatements& ParsedStatements::operator=(ParsedStatements&&) noexcept = default;
ParsedStatements::~ParsedStatements() = default;

const std::string& ParsedStatements::source() const { return impl_->source; }

const std::vector<ParsedStatement>& ParsedStatements::statements() const {
    return impl_->statements;
}

bool ParsedStatements::ok() const { return first_error() == nullptr; }

const ParseError* ParsedStatements::first_error() const {
    for (const auto& statement : impl_->statements)
        if (statement.error)
            return &*statement.error;
    return nullptr;
}

std::optional<SourcePosition> ParsedStatements::position_of(const ast::Node& node) const {
    if (node.id_first < 0)
        return std::nullopt;
    const auto range = impl_->positions.position_of(node);
    return impl_->position_at(impl_->offset(range.begin()));
}

ParseError ParsedStatements::error_at(const ast::Node& node, std::string message) const {
    std::size_t offset = 0;
    if (node.id_first >= 0)
        offset = impl_->offset(impl_->positions.position_of(node).begin());
    return impl_->error(offset, std::move(message));
}

ParseError ParsedStatements::error_at_offset(std::size_t offset, std::string message) const {
    return impl_->error(offset, std::move(message));
}

ParsedStatements parse(std::string source) { return ParsedStatements(std::move(source)); }

bool is_complete(const std::string& text) {
    const std::vector<Chunk> chunks = split(text);
    return chunks.empty() || chunks.back().end < text.size();
}

} // namespace quarry::parser
