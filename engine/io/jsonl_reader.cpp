#include "engine/io/jsonl_reader.hpp"

#include "engine/io/table_reader.hpp"
#include "parser/lexer.hpp"

#include <simdjson.h>

namespace quarry::engine::io {

namespace ondemand = simdjson::ondemand;

struct JsonLinesReader::Parser {
    ondemand::parser parser;
};

namespace {

// The column (1-based, in characters) of `at` in `line`.
std::size_t column_of(const std::string& line, const char* at) {
    std::size_t column = 1;
    for (const char* p = line.data(); p < at && p < line.data() + line.size(); ++p)
        column += (static_cast<unsigned char>(*p) & 0xC0) != 0x80;
    return column;
}

bool ascii_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return (x | 0x20) == (y | 0x20);
           });
}

// The common shapes of a value, read without the lexer into `out` (reusing its strings):
// a plain <IRI>, a string without escapes ("…" or "…"@lang), a bare name of single-spaced
// words that cannot read as anything else. False for anything else, which the lexer then
// reads (cell_term), to the same term.
bool fast_term(std::string_view text, std::optional<storage::Term>& out) {
    if (text.size() < 2)
        return false;
    const char first = text[0];
    if (first == '<') {
        if (text.back() != '>' || parser::iri_plain_run(text, 1) != text.size() - 1)
            return false;
        if (!out)
            out.emplace();
        out->assign_iri(text.substr(1, text.size() - 2));
        return true;
    }
    if (first == '"') {
        const std::size_t close = text.find_first_of("\"\\", 1);
        if (close == std::string_view::npos || text[close] != '"')
            return false;
        const std::string_view rest = text.substr(close + 1);
        if (!rest.empty()) { // a language tag: letters, then subtags of letters and digits
            if (rest[0] != '@' || rest.size() < 2)
                return false;
            bool subtag_start = true, first_subtag = true;
            for (std::size_t i = 1; i < rest.size(); ++i) {
                const char c = rest[i];
                if (c == '-' && !subtag_start) {
                    subtag_start = true;
                    first_subtag = false;
                } else if (ascii_alpha(c) || (!first_subtag && c >= '0' && c <= '9')) {
                    subtag_start = false;
                } else {
                    return false;
                }
            }
            if (subtag_start)
                return false;
        }
        if (!out)
            out.emplace();
        out->assign_string(text.substr(1, close - 1), rest.empty() ? rest : rest.substr(1));
        return true;
    }
    // A bare name: starts with a letter, words of word bytes but ':' (prefixed names), one
    // space between words, and not a word the lexer reads as something else.
    if (!(ascii_alpha(first) || static_cast<unsigned char>(first) >= 0x80) || text.back() == ' ')
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ') {
            if (text[i - 1] == ' ')
                return false;
        } else if (c == ':' || !parser::is_word_byte(c)) {
            return false;
        }
    }
    if (iequals(text, "true") || iequals(text, "false") || iequals(text, "default"))
        return false;
    if (!out)
        out.emplace();
    out->assign_name(text);
    return true;
}

// Where the object starting at line[first] ends (one past its '}'), npos if it does not:
// strings skipped, brackets counted.
std::size_t object_end(const std::string& line, std::size_t first) {
    int depth = 0;
    for (std::size_t i = first; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i)
                if (line[i] == '\\')
                    ++i;
        } else if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0)
                return i + 1;
        }
    }
    return std::string::npos;
}

} // namespace

JsonLinesReader::JsonLinesReader(std::istream& in, std::string name, const PrefixMap& prefixes,
                                 std::size_t first_line)
    : in_(in), name_(std::move(name)), prefixes_(prefixes), line_number_(first_line - 1),
      parser_(std::make_unique<Parser>()) {}

JsonLinesReader::~JsonLinesReader() = default;

bool JsonLinesReader::next(std::array<std::optional<storage::Term>, 4>& fact) {
    for (;;) {
        if (!std::getline(in_, line_))
            return false;
        ++line_number_;
        if (!line_.empty() && line_.back() == '\r')
            line_.pop_back();
        if (line_.find_first_not_of(" \t") == std::string::npos)
            continue;
        break;
    }
    const std::size_t length = line_.size();
    auto fail_at = [&](const char* at, const std::string& message) {
        throw ImportError(name_, line_number_, column_of(line_, at), message);
    };
    auto fail = [&](std::size_t column, const std::string& message) {
        throw ImportError(name_, line_number_, column, message);
    };
    if (const std::size_t bad = parser::find_invalid_utf8(line_); bad != std::string::npos)
        fail(column_of(line_, line_.data() + bad), "invalid UTF-8");
    line_.reserve(length + simdjson::SIMDJSON_PADDING);
    ondemand::document document;
    if (const auto error =
            parser_->parser.iterate(line_.data(), length, line_.capacity()).get(document))
        fail(1, std::string("not JSON: ") + simdjson::error_message(error));
    // Where the document stands, for an error the parser found.
    auto here = [&]() -> const char* {
        const char* at = nullptr;
        if (document.current_location().get(at))
            return line_.data() + length;
        return at;
    };
    ondemand::object object;
    if (const auto error = document.get_object().get(object)) {
        const std::size_t first = line_.find_first_not_of(" \t");
        if (line_[first] != '{')
            fail(1, "expected an object {\"s\": …, \"p\": …, \"o\": …[, \"c\": …]}");
        if (const std::size_t end = object_end(line_, first);
            end != std::string::npos && line_.find_first_not_of(" \t", end) != std::string::npos)
            fail_at(line_.data() + line_.find_first_not_of(" \t", end),
                    "unexpected text after the object");
        fail(1, std::string("malformed JSON: ") + simdjson::error_message(error));
    }
    bool seen[4] = {false, false, false, false};
    for (auto result : object) {
        ondemand::field field;
        if (const auto error = std::move(result).get(field))
            fail_at(here(), std::string("malformed JSON: ") + simdjson::error_message(error));
        std::string_view key;
        if (const auto error = field.unescaped_key().get(key))
            fail_at(here(), std::string("malformed JSON: ") + simdjson::error_message(error));
        const std::size_t position = key == "s"   ? 0
                                     : key == "p" ? 1
                                     : key == "o" ? 2
                                     : key == "c" ? 3
                                                  : 4;
        ondemand::value value = field.value();
        const char* value_at = value.raw_json_token().data();
        // For errors: the key's opening quote, back from the value over the colon and the key.
        auto key_quote = [&] {
            const char* at = value_at;
            while (at > line_.data() && *at != ':')
                --at;
            while (at > line_.data() && *at != '"')
                --at;
            if (at > line_.data())
                --at;
            while (at > line_.data() && !(*at == '"' && at[-1] != '\\'))
                --at;
            return at;
        };
        if (position == 4)
            fail_at(key_quote(),
                    "unknown key \"" + std::string(key) + "\" (the keys are s, p, o and c)");
        if (seen[position])
            fail_at(key_quote(), "key \"" + std::string(key) + "\" given twice");
        seen[position] = true;
        ondemand::json_type type;
        if (const auto error = value.type().get(type))
            fail_at(value_at, std::string("malformed JSON: ") + simdjson::error_message(error));
        switch (type) {
        case ondemand::json_type::string: {
            std::string_view text;
            if (const auto error = value.get_string().get(text))
                fail_at(value_at,
                        std::string("malformed JSON string: ") + simdjson::error_message(error));
            if (fast_term(text, fact[position]))
                break;
            scratch_.assign(text);
            // A position inside the string counts from its opening quote.
            fact[position] = cell_term(scratch_, position == 3, prefixes_, name_, line_number_,
                                       column_of(line_, value_at) + 1);
            break;
        }
        case ondemand::json_type::number: {
            ondemand::number_type number;
            if (const auto error = value.get_number_type().get(number))
                fail_at(value_at,
                        std::string("malformed number: ") + simdjson::error_message(error));
            if (number == ondemand::number_type::signed_integer) {
                std::int64_t integer = 0;
                if (value.get_int64().get(integer))
                    fail_at(value_at, "malformed number");
                fact[position] = storage::Term::integer(integer);
            } else if (number == ondemand::number_type::floating_point_number) {
                double decimal = 0;
                if (value.get_double().get(decimal))
                    fail_at(value_at, "malformed number");
                fact[position] = storage::Term::decimal(decimal);
            } else {
                fail_at(value_at, "integer out of range (signed 64-bit)");
            }
            break;
        }
        case ondemand::json_type::boolean: {
            bool flag = false;
            if (value.get_bool().get(flag))
                fail_at(value_at, "malformed boolean");
            fact[position] = storage::Term::boolean(flag);
            break;
        }
        default: fail_at(value_at, "expected a string, a number or a boolean");
        }
    }
    // Past the object, the document is at its end, or there is more.
    const char* after = nullptr;
    if (!document.current_location().get(after))
        fail_at(after, "unexpected text after the object");
    static const char* const KEYS[] = {"s", "p", "o"};
    for (std::size_t position = 0; position < 3; ++position)
        if (!seen[position])
            fail(1, std::string("missing key \"") + KEYS[position] + "\"");
    if (!seen[3])
        fact[3].reset();
    return true;
}

} // namespace quarry::engine::io
