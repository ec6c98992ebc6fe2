#include "parser/lexer.hpp"

#include <boost/locale/utf.hpp>

#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <charconv>
#include <cstring>
#include <iterator>

namespace quarry::parser {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr std::array<std::string_view, 17> RESERVED = {
    "and", "or", "not", "in", "as", "asc", "desc", "order", "limit", "offset",
    "return", "where", "match", "into", "from", "group", "having"};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

// The ASCII-letter word at `first` if it is followed by a non-word byte, else "".
std::string_view alpha_word(iterator_type first, iterator_type last) {
    auto p = first;
    while (p != last && is_alpha(*p))
        ++p;
    if (p != last && is_word_byte(static_cast<unsigned char>(*p)))
        return {};
    return {&*first, static_cast<std::size_t>(p - first)};
}

bool at_word_start(iterator_type p, iterator_type last, TermContext context) {
    if (p == last)
        return false;
    const auto c = static_cast<unsigned char>(*p);
    if (context == TermContext::EXPR)
        return (c >= 0x80 || is_alpha(*p) || is_digit(*p) || *p == '_') && !keyword_at(p, last);
    return is_word_byte(c);
}

// Can a literal end here? (after skipping space: see the context table in lexer.hpp)
bool at_delimiter(iterator_type p, iterator_type last, TermContext context) {
    skip_space(p, last);
    if (p == last)
        return true;
    switch (context) {
    case TermContext::TUPLE:
    case TermContext::CONTEXT:
        return *p == ',' || *p == ')';
    case TermContext::PATH:
        return std::strchr(",)|/+*?{", *p) != nullptr;
    case TermContext::EXPR:
        return !at_word_start(p, last, context);
    }
    return false;
}

// For EXPR: a literal may not run straight into a word ("22nd").
bool touches_word(iterator_type p, iterator_type last) {
    return p != last && (is_alpha(*p) || is_digit(*p) || *p == '_' ||
                         static_cast<unsigned char>(*p) >= 0x80);
}

bool literal_ends_here(iterator_type p, iterator_type last, TermContext context) {
    if (context == TermContext::EXPR && touches_word(p, last))
        return false;
    return at_delimiter(p, last, context);
}


// \uXXXX or \UXXXXXXXX at `p` (pointing at the 'u'/'U'); appends the code point.
void scan_unicode_escape(iterator_type& p, iterator_type last, iterator_type backslash,
                         std::string& out) {
    const int digits = *p == 'u' ? 4 : 8;
    ++p;
    char32_t cp = 0;
    for (int i = 0; i < digits; ++i, ++p) {
        if (p == last || !std::isxdigit(static_cast<unsigned char>(*p)))
            throw LexicalError(backslash, digits == 4 ? "expected four hex digits after \\u"
                                                      : "expected eight hex digits after \\U");
        cp = cp * 16 + static_cast<char32_t>(is_digit(*p) ? *p - '0' : lower(*p) - 'a' + 10);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        throw LexicalError(backslash, "escape names no Unicode character");
    append_utf8(out, cp);
}

bool scan_iri(iterator_type& first, iterator_type last, std::string& out) {
    if (first == last || *first != '<')
        return false;
    auto p = first + 1;
    out.clear();
    for (;;) {
        // A run of plain characters, copied at once.
        const std::string_view rest(p == last ? nullptr : &*p, static_cast<std::size_t>(last - p));
        const std::size_t plain = iri_plain_run(rest, 0);
        out.append(rest.substr(0, plain));
        p += static_cast<std::ptrdiff_t>(plain);
        if (p == last)
            throw LexicalError(first, "unterminated IRI: expected '>'");
        const char c = *p;
        if (c == '>')
            break;
        if (c == '\\') {
            const auto backslash = p++;
            if (p == last || (*p != 'u' && *p != 'U'))
                throw LexicalError(backslash, "only \\u and \\U escapes are allowed in an IRI");
            scan_unicode_escape(p, last, backslash, out);
            continue;
        }
        throw LexicalError(p, std::string("character not allowed in an IRI: ") +
                                  (static_cast<unsigned char>(c) <= 0x20 ? "a space or control character"
                                                                        : std::string("'") + c + "'"));
    }
    first = p + 1;
    return true;
}

bool scan_prefixed(iterator_type& first, iterator_type last, ast::IriRef& out) {
    auto name_byte = [](char c) {
        return is_alpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' ||
               static_cast<unsigned char>(c) >= 0x80;
    };
    auto p = first;
    std::string prefix;
    if (p != last && (is_alpha(*p) || static_cast<unsigned char>(*p) >= 0x80)) {
        while (p != last && name_byte(*p))
            prefix.push_back(*p++);
        if (prefix.back() == '.')
            return false;
    }
    if (p == last || *p != ':')
        return false;
    ++p;
    std::string local;
    if (p != last && (is_alpha(*p) || is_digit(*p) || *p == '_' ||
                      static_cast<unsigned char>(*p) >= 0x80)) {
        while (p != last && name_byte(*p))
            local.push_back(*p++);
        while (!local.empty() && local.back() == '.') { // a final '.' is not part of it
            local.pop_back();
            --p;
        }
    }
    out = ast::IriRef{std::move(prefix), std::move(local), true};
    first = p;
    return true;
}

bool scan_quoted_name(iterator_type& first, iterator_type last, std::string& out) {
    if (first == last || *first != '`')
        return false;
    auto p = first + 1;
    out.clear();
    for (;;) {
        if (p == last)
            throw LexicalError(first, "unterminated quoted name: expected '`'");
        if (*p == '`')
            break;
        if (*p == '\\') {
            const auto backslash = p++;
            if (p == last || (*p != '`' && *p != '\\'))
                throw LexicalError(backslash, "in a quoted name only \\` and \\\\ are escapes");
        }
        out.push_back(*p++);
    }
    if (out.empty())
        throw LexicalError(first, "a name cannot be empty");
    first = p + 1;
    return true;
}

bool digits(iterator_type& p, iterator_type last, int count, int& value) {
    value = 0;
    for (int i = 0; i < count; ++i, ++p) {
        if (p == last || !is_digit(*p))
            return false;
        value = value * 10 + (*p - '0');
    }
    return true;
}

bool valid_date(int year, int month, int day) {
    if (month < 1 || month > 12 || day < 1)
        return false;
    static constexpr int DAYS[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= (month == 2 && leap ? 29 : DAYS[month - 1]);
}

// YYYY-MM-DD[Thh:mm:ss[.fff][Z|±hh:mm]]; false if the text does not have that shape.
bool scan_date(iterator_type& first, iterator_type last, ast::Term& out) {
    auto p = first;
    ast::DateTime when;
    if (!digits(p, last, 4, when.year) || p == last || *p != '-' ||
        !digits(++p, last, 2, when.month) || p == last || *p != '-' ||
        !digits(++p, last, 2, when.day))
        return false;
    if (p != last && is_digit(*p))
        return false;
    out.kind = ast::TermKind::DATE;
    if (p != last && *p == 'T' && p + 1 != last && is_digit(p[1])) {
        auto t = p + 1;
        if (!digits(t, last, 2, when.hour) || t == last || *t != ':' ||
            !digits(++t, last, 2, when.minute) || t == last || *t != ':' ||
            !digits(++t, last, 2, when.second))
            throw LexicalError(first, "a datetime is written YYYY-MM-DDThh:mm:ss, with optional "
                                      ".fff and Z or ±hh:mm");
        if (t != last && *t == '.') {
            ++t;
            int fraction_digits = 0;
            int ms = 0;
            while (t != last && is_digit(*t)) {
                if (++fraction_digits > 3)
                    throw LexicalError(first, "a datetime has at most millisecond precision "
                                              "(three fraction digits)");
                ms = ms * 10 + (*t++ - '0');
            }
            if (fraction_digits == 0)
                throw LexicalError(first, "expected digits after '.' in a datetime");
            for (int i = fraction_digits; i < 3; ++i)
                ms *= 10;
            when.millisecond = ms;
        }
        if (t != last && *t == 'Z') {
            when.offset_minutes = 0;
            ++t;
        } else if (t != last && (*t == '+' || *t == '-') && t + 1 != last && is_digit(t[1])) {
            const int sign = *t == '-' ? -1 : 1;
            int hours = 0, minutes = 0;
            if (!digits(++t, last, 2, hours) || t == last || *t != ':' ||
                !digits(++t, last, 2, minutes))
                throw LexicalError(first, "a UTC offset is written ±hh:mm");
            if (minutes > 59)
                throw LexicalError(first, "the minutes of a UTC offset must be 00–59");
            if (hours * 60 + minutes > 14 * 60)
                throw LexicalError(first, "a UTC offset must lie within ±14:00");
            when.offset_minutes = sign * (hours * 60 + minutes);
        }
        if (when.hour > 23 || when.minute > 59 || when.second > 59)
            throw LexicalError(first, "not a valid time of day (hours 00–23, minutes and "
                                      "seconds 00–59)");
        out.kind = ast::TermKind::DATETIME;
        p = t;
    }
    if (!valid_date(when.year, when.month, when.day))
        throw LexicalError(first, "not a valid date");
    out.when = when;
    first = p;
    return true;
}

// [+-]digits[.digits][e[+-]digits]; false if no number starts here.
bool scan_number(iterator_type& first, iterator_type last, TermContext context, ast::Term& out) {
    auto p = first;
    if (p != last && (*p == '+' || *p == '-'))
        ++p;
    if (p == last || !is_digit(*p))
        return false;
    while (p != last && is_digit(*p))
        ++p;
    bool is_decimal = false;
    if (p != last && *p == '.' && p + 1 != last && is_digit(p[1])) {
        is_decimal = true;
        for (++p; p != last && is_digit(*p);)
            ++p;
    }
    if (p != last && (*p == 'e' || *p == 'E')) {
        auto e = p + 1;
        if (e != last && (*e == '+' || *e == '-'))
            ++e;
        if (e != last && is_digit(*e)) {
            is_decimal = true;
            for (p = e; p != last && is_digit(*p);)
                ++p;
        }
    }
    if (!literal_ends_here(p, last, context))
        return false;
    const char* begin = &*first + (*first == '+' ? 1 : 0);
    const char* end = &*first + (p - first);
    if (is_decimal) {
        out.kind = ast::TermKind::DECIMAL;
        const auto result = std::from_chars(begin, end, out.decimal);
        if (result.ec != std::errc() || !std::isfinite(out.decimal))
            throw LexicalError(first, "decimal out of range");
        if (out.decimal == 0.0)
            out.decimal = 0.0; // no -0.0
    } else {
        out.kind = ast::TermKind::INTEGER;
        const auto result = std::from_chars(begin, end, out.integer);
        if (result.ec != std::errc())
            throw LexicalError(first, "integer out of range (a 64-bit signed integer)");
    }
    first = p;
    return true;
}

// A run of word bytes, with blanks folded, per the context's rules. False if none.
bool scan_bare_name(iterator_type& first, iterator_type last, TermContext context,
                    std::string& out) {
    if (!at_word_start(first, last, context) || *first == '?')
        return false;
    if (context == TermContext::EXPR && (*first == '-' || *first == '+'))
        return false;
    out.clear();
    auto p = first;
    for (;;) {
        while (p != last && is_word_byte(static_cast<unsigned char>(*p)))
            out.push_back(*p++);
        first = p;
        auto next = p;
        skip_space(next, last);
        if (next == p || !at_word_start(next, last, context))
            break;
        out.push_back(' ');
        p = next;
    }
    return !out.empty();
}

} // namespace

bool is_word_byte(unsigned char c) {
    return c >= 0x80 || is_alpha(static_cast<char>(c)) || is_digit(static_cast<char>(c)) ||
           c == '_' || c == '-' || c == '.' || c == '\'' || c == '&' || c == ':';
}

bool is_identifier_byte(unsigned char c) {
    return c >= 0x80 || is_alpha(static_cast<char>(c)) || is_digit(static_cast<char>(c)) ||
           c == '_';
}

bool is_reserved_keyword(std::string_view word) {
    for (std::string_view keyword : RESERVED)
        if (iequals(word, keyword))
            return true;
    return false;
}

bool keyword_at(iterator_type first, iterator_type last) {
    const std::string_view word = alpha_word(first, last);
    return !word.empty() && is_reserved_keyword(word);
}

void skip_space(iterator_type& first, iterator_type last) {
    while (first != last) {
        if (is_space(*first)) {
            ++first;
        } else if (*first == '#') {
            while (first != last && *first != '\n')
                ++first;
        } else {
            break;
        }
    }
}

bool scan_iri_ref(iterator_type& first, iterator_type last, ast::IriRef& out) {
    if (first != last && *first == '<') {
        out.prefixed = false;
        out.prefix.clear();
        return scan_iri(first, last, out.text);
    }
    return scan_prefixed(first, last, out);
}

bool scan_string(iterator_type& first, iterator_type last, std::string& out) {
    if (first == last || *first != '"')
        return false;
    auto p = first + 1;
    out.clear();
    for (;;) {
        if (p == last)
            throw LexicalError(first, "unterminated string: expected '\"'");
        const char c = *p;
        if (c == '"')
            break;
        if (c != '\\') {
            out.push_back(c);
            ++p;
            continue;
        }
        const auto backslash = p++;
        if (p == last)
            throw LexicalError(first, "unterminated string: expected '\"'");
        switch (*p) {
        case 't': out.push_back('\t'); ++p; break;
        case 'b': out.push_back('\b'); ++p; break;
        case 'n': out.push_back('\n'); ++p; break;
        case 'r': out.push_back('\r'); ++p; break;
        case 'f': out.push_back('\f'); ++p; break;
        case '"': out.push_back('"'); ++p; break;
        case '\'': out.push_back('\''); ++p; break;
        case '\\': out.push_back('\\'); ++p; break;
        case 'u':
        case 'U': scan_unicode_escape(p, last, backslash, out); break;
        default:
            throw LexicalError(backslash, "unknown escape in a string (use \\t \\b \\n \\r \\f "
                                          "\\\" \\' \\\\ \\uXXXX or \\UXXXXXXXX)");
        }
    }
    first = p + 1;
    return true;
}

bool scan_prefix_name(iterator_type& first, iterator_type last, std::string& out) {
    auto p = first;
    ast::IriRef ref;
    if (!scan_prefixed(p, last, ref) || !ref.text.empty())
        return false;
    out = ref.prefix;
    first = p;
    return true;
}

bool scan_term(iterator_type& first, iterator_type last, TermContext context, ast::Term& out) {
    if (first == last)
        return false;
    out = ast::Term{};
    auto p = first;
    const char c = *p;

    if (c == '?') {
        ++p;
        if (p != last && is_identifier_byte(static_cast<unsigned char>(*p))) {
            out.kind = ast::TermKind::VARIABLE;
            while (p != last && is_identifier_byte(static_cast<unsigned char>(*p)))
                out.text.push_back(*p++);
        } else {
            out.kind = ast::TermKind::WILDCARD;
        }
        first = p;
        return true;
    }
    if (c == '$') {
        ++p;
        if (p == last || !is_identifier_byte(static_cast<unsigned char>(*p)))
            throw LexicalError(first, "expected a parameter name after '$' (as in $name)");
        out.kind = ast::TermKind::PARAMETER;
        while (p != last && is_identifier_byte(static_cast<unsigned char>(*p)))
            out.text.push_back(*p++);
        first = p;
        return true;
    }
    if (c == '<') {
        out.kind = ast::TermKind::IRI;
        scan_iri(p, last, out.iri.text);
        first = p;
        return true;
    }
    if (c == '"') {
        scan_string(p, last, out.text);
        out.kind = ast::TermKind::STRING;
        if (p != last && *p == '@') {
            const auto at = p++;
            while (p != last && is_alpha(*p))
                out.lang.push_back(*p++);
            while (!out.lang.empty() && p != last && *p == '-' && p + 1 != last &&
                   (is_alpha(p[1]) || is_digit(p[1]))) {
                out.lang.push_back(*p++);
                while (p != last && (is_alpha(*p) || is_digit(*p)))
                    out.lang.push_back(*p++);
            }
            if (out.lang.empty())
                throw LexicalError(at, "expected a language tag after '@'");
        } else if (p != last && *p == '^' && p + 1 != last && p[1] == '^') {
            const auto carets = p;
            p += 2;
            if (!scan_iri_ref(p, last, out.iri))
                throw LexicalError(carets, "expected a datatype IRI after '^^'");
            out.kind = ast::TermKind::TYPED;
        }
        first = p;
        return true;
    }
    if (c == '`') {
        out.kind = ast::TermKind::NAME;
        scan_quoted_name(p, last, out.text);
        first = p;
        return true;
    }

    // Literals that must end at a delimiter, else the text is read as a bare name.
    {
        ast::Term literal;
        auto q = first;
        try {
            if (scan_date(q, last, literal) && literal_ends_here(q, last, context)) {
                out = literal;
                first = q;
                return true;
            }
        } catch (const LexicalError&) {
            // A malformed date is an error only where a literal may stand; elsewhere the
            // text is part of a bare name ("2024-13-45 memo").
            q = first;
            while (q != last && (is_alpha(*q) || is_digit(*q) || std::strchr(":.+-", *q)))
                ++q;
            if (literal_ends_here(q, last, context))
                throw;
        }
    }
    {
        auto q = first;
        if (scan_number(q, last, context, out)) {
            first = q;
            return true;
        }
        out = ast::Term{};
    }
    if (const auto word = alpha_word(first, last); !word.empty()) {
        const auto after = first + static_cast<std::ptrdiff_t>(word.size());
        if ((iequals(word, "true") || iequals(word, "false")) &&
            literal_ends_here(after, last, context)) {
            out.kind = ast::TermKind::BOOLEAN;
            out.boolean = iequals(word, "true");
            first = after;
            return true;
        }
        if ((context == TermContext::CONTEXT || context == TermContext::EXPR) && iequals(word, "default") &&
            literal_ends_here(after, last, context)) {
            out.kind = ast::TermKind::DEFAULT_CONTEXT;
            first = after;
            return true;
        }
    }
    if (c == '_' && literal_ends_here(first + 1, last, context)) {
        out.kind = ast::TermKind::WILDCARD;
        first = first + 1;
        return true;
    }
    {
        auto q = first;
        ast::IriRef ref;
        if (scan_prefixed(q, last, ref) && literal_ends_here(q, last, context)) {
            out.kind = ast::TermKind::IRI;
            out.iri = std::move(ref);
            first = q;
            return true;
        }
    }
    if (scan_bare_name(p, last, context, out.text)) {
        out.kind = ast::TermKind::NAME;
        first = p;
        return true;
    }
    return false;
}

void append_utf8(std::string& out, char32_t cp) {
    boost::locale::utf::utf_traits<char>::encode(cp, std::back_inserter(out));
}

std::size_t iri_plain_run(std::string_view text, std::size_t from) {
    std::size_t at = from;
    if constexpr (std::endian::native == std::endian::little) {
        // Each byte compared with every character not allowed, sixteen lanes at once (SSE2
        // on x86-64); the first lane that matches is the first set byte of the mask.
        using Bytes = unsigned char __attribute__((vector_size(16)));
        for (; text.size() - at >= 16; at += 16) {
            Bytes v;
            std::memcpy(&v, text.data() + at, 16);
            const auto bad = (v <= ' ') | (v == '<') | (v == '>') | (v == '"') | (v == '{') | (v == '}') |
                             (v == '|') | (v == '^') | (v == '`') | (v == '\\');
            std::uint64_t half[2];
            std::memcpy(half, &bad, 16);
            if (half[0] != 0)
                return at + static_cast<std::size_t>(std::countr_zero(half[0])) / 8;
            if (half[1] != 0)
                return at + 8 + static_cast<std::size_t>(std::countr_zero(half[1])) / 8;
        }
    }
    while (at < text.size() && iri_char_allowed(static_cast<unsigned char>(text[at])))
        ++at;
    return at;
}

std::size_t find_invalid_utf8(std::string_view text) {
    using traits = boost::locale::utf::utf_traits<char>;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p != end) {
        // ASCII, the common case, eight bytes at a time.
        for (std::uint64_t word; end - p >= 8; p += 8) {
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL)
                break;
        }
        if (p == end)
            break;
        if (static_cast<unsigned char>(*p) < 0x80) {
            ++p;
            continue;
        }
        const char* start = p;
        const auto cp = traits::decode(p, end);
        if (cp == boost::locale::utf::illegal || cp == boost::locale::utf::incomplete)
            return static_cast<std::size_t>(start - text.data());
    }
    return std::string_view::npos;
}

} // namespace quarry::parser
