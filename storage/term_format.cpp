#include "storage/term_format.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <regex>

namespace quarry::storage {

namespace {

bool is_word_char(unsigned char c) {
    return c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '\'' ||
           c == '&';
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// Would the query language read `text` as a literal or keyword rather than a name?
bool reads_as_other_kind(std::string_view text) {
    static const std::regex NUMBER(R"([+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?)");
    static const std::regex DATE_OR_DATETIME(R"([0-9]{4}-[0-9]{2}-[0-9]{2}(T.*)?)");
    return text == "_" || iequals(text, "true") || iequals(text, "false") ||
           iequals(text, "default") || std::regex_match(text.begin(), text.end(), NUMBER) ||
           std::regex_match(text.begin(), text.end(), DATE_OR_DATETIME);
}

} // namespace

bool is_bare_name(std::string_view text) {
    if (text.empty() || text.front() == ' ' || text.back() == ' ')
        return false;
    char previous = 0;
    for (char c : text) {
        if (c == ' ') {
            if (previous == ' ')
                return false;
        } else if (!is_word_char(static_cast<unsigned char>(c))) {
            return false;
        }
        previous = c;
    }
    return !reads_as_other_kind(text);
}

void append_quoted_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
                out += fmt::format("\\u{:04X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
            else
                out.push_back(c);
        }
    }
    out.push_back('"');
}

void append_iri(std::string& out, std::string_view text) {
    out.push_back('<');
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool plain = u > 0x20 && c != '<' && c != '>' && c != '"' && c != '{' &&
                           c != '}' && c != '|' && c != '^' && c != '`' && c != '\\';
        if (plain)
            out.push_back(c);
        else
            out += fmt::format("\\u{:04X}", static_cast<unsigned>(u));
    }
    out.push_back('>');
}

namespace {

void append_decimal(std::string& out, double value) {
    std::array<char, 64> buffer;
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    const std::string_view digits(buffer.data(), result.ptr - buffer.data());
    out += digits;
    if (digits.find_first_of(".e") == std::string_view::npos)
        out += ".0";
}

void append_date(std::string& out, std::int64_t days) {
    const CivilDate civil = civil_from_days(days);
    out += fmt::format("{:04}-{:02}-{:02}", civil.year, civil.month, civil.day);
}

void append_datetime(std::string& out, const Term& term) {
    const auto offset = term.offset_minutes();
    const std::int64_t local = term.epoch_ms() + std::int64_t{offset.value_or(0)} * 60'000;
    std::int64_t day = local / MS_PER_DAY;
    std::int64_t ms_of_day = local % MS_PER_DAY;
    if (ms_of_day < 0) {
        ms_of_day += MS_PER_DAY;
        --day;
    }
    append_date(out, day);
    const std::int64_t seconds = ms_of_day / 1000;
    out += fmt::format("T{:02}:{:02}:{:02}", seconds / 3600, seconds / 60 % 60, seconds % 60);
    if (const std::int64_t ms = ms_of_day % 1000; ms != 0) {
        std::string fraction = fmt::format("{:03}", ms);
        while (fraction.back() == '0')
            fraction.pop_back();
        out += '.';
        out += fraction;
    }
    if (offset) {
        if (*offset == 0)
            out += 'Z';
        else
            out += fmt::format("{}{:02}:{:02}", *offset < 0 ? '-' : '+', std::abs(*offset) / 60,
                               std::abs(*offset) % 60);
    }
}

void append_quoted_name(std::string& out, std::string_view text) {
    out.push_back('`');
    for (char c : text) {
        if (c == '`' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('`');
}

} // namespace

std::string format_term(const Term& term) {
    std::string out;
    switch (term.kind()) {
    case TermKind::DEFAULT_CONTEXT:
        out = "default";
        break;
    case TermKind::NAME:
        if (is_bare_name(term.text()))
            out = term.text();
        else
            append_quoted_name(out, term.text());
        break;
    case TermKind::IRI:
        append_iri(out, term.text());
        break;
    case TermKind::STRING:
        append_quoted_string(out, term.text());
        if (!term.lang().empty()) {
            out += '@';
            out += term.lang();
        }
        break;
    case TermKind::TYPED:
        append_quoted_string(out, term.text());
        out += "^^";
        append_iri(out, term.datatype());
        break;
    case TermKind::BOOLEAN:
        out = term.boolean_value() ? "true" : "false";
        break;
    case TermKind::INTEGER:
        out = fmt::format("{}", term.integer_value());
        break;
    case TermKind::DECIMAL:
        append_decimal(out, term.decimal_value());
        break;
    case TermKind::DATE:
        append_date(out, term.days());
        break;
    case TermKind::DATETIME:
        append_datetime(out, term);
        break;
    }
    return out;
}

} // namespace quarry::storage
