#include "engine/io/nquads_reader.hpp"

#include "parser/lexer.hpp"

#include <boost/locale/utf.hpp>

#include <cstring>

namespace quarry::engine::io {

namespace {

using parser::append_utf8;

// Decodes the UTF-8 character at text[pos]; returns 0xFFFFFFFF if malformed.
char32_t decode(const std::string& text, std::size_t pos, std::size_t& length) {
    const char* p = text.data() + pos;
    const auto cp = boost::locale::utf::utf_traits<char>::decode(p, text.data() + text.size());
    if (cp == boost::locale::utf::illegal || cp == boost::locale::utf::incomplete) {
        length = 1;
        return 0xFFFFFFFF;
    }
    length = static_cast<std::size_t>(p - (text.data() + pos));
    return cp;
}

// PN_CHARS_BASE of the Turtle/N-Triples grammars.
bool pn_chars_base(char32_t c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0xD6) ||
           (c >= 0xD8 && c <= 0xF6) || (c >= 0xF8 && c <= 0x2FF) || (c >= 0x370 && c <= 0x37D) ||
           (c >= 0x37F && c <= 0x1FFF) || (c >= 0x200C && c <= 0x200D) || (c >= 0x2070 && c <= 0x218F) ||
           (c >= 0x2C00 && c <= 0x2FEF) || (c >= 0x3001 && c <= 0xD7FF) || (c >= 0xF900 && c <= 0xFDCF) ||
           (c >= 0xFDF0 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0xEFFFF);
}
bool pn_chars_u(char32_t c) { return pn_chars_base(c) || c == '_' || c == ':'; }
bool pn_chars(char32_t c) {
    return pn_chars_u(c) || c == '-' || (c >= '0' && c <= '9') || c == 0xB7 || (c >= 0x300 && c <= 0x36F) ||
           (c >= 0x203F && c <= 0x2040);
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

bool ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// An IRI is absolute if it starts with a scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
bool has_scheme(const std::string& iri) {
    if (iri.empty() || !ascii_alpha(iri[0]))
        return false;
    for (char c : iri) {
        if (c == ':')
            return true;
        if (!ascii_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
            return false;
    }
    return false;
}

} // namespace

NQuadsReader::NQuadsReader(std::istream& in, std::string name, bool quads, std::size_t first_line)
    : in_(in), name_(std::move(name)), quads_(quads), line_number_(first_line - 1) {}

void NQuadsReader::fail(std::size_t column, const std::string& message) const {
    // Columns count characters, as in the query language's errors.
    std::size_t characters = 1;
    for (std::size_t i = 0; i < column && i < line_.size(); ++i)
        characters += (static_cast<unsigned char>(line_[i]) & 0xC0) != 0x80;
    throw ImportError(name_, line_number_, characters, message);
}

void NQuadsReader::skip_blanks() {
    while (pos_ < line_.size() && (line_[pos_] == ' ' || line_[pos_] == '\t'))
        ++pos_;
}

char32_t NQuadsReader::escape(bool allow_echar) {
    const std::size_t start = pos_;
    ++pos_; // the backslash
    if (pos_ >= line_.size())
        fail(start, "unfinished escape");
    const char c = line_[pos_];
    if (c == 'u' || c == 'U') {
        const std::size_t digits = c == 'u' ? 4 : 8;
        char32_t cp = 0;
        for (std::size_t i = 1; i <= digits; ++i) {
            if (pos_ + i >= line_.size() || !is_hex(line_[pos_ + i]))
                fail(start, c == 'u' ? "\\u needs four hex digits" : "\\U needs eight hex digits");
            cp = cp * 16 + static_cast<char32_t>(std::stoi(std::string(1, line_[pos_ + i]), nullptr, 16));
        }
        pos_ += digits + 1;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            fail(start, "escape names no Unicode character");
        return cp;
    }
    if (allow_echar) {
        static const char* const FROM = "tbnrf\"'\\";
        static const char TO[] = {'\t', '\b', '\n', '\r', '\f', '"', '\'', '\\'};
        if (const char* found = std::strchr(FROM, c); found && c != '\0') {
            ++pos_;
            return static_cast<unsigned char>(TO[found - FROM]);
        }
    }
    fail(start, allow_echar ? "unknown escape" : "only \\u and \\U escapes are allowed in an IRI");
}

void NQuadsReader::iri_text(std::string& out) {
    const std::size_t start = pos_;
    out.clear();
    ++pos_; // '<'
    for (;;) {
        const std::size_t end = parser::iri_plain_run(line_, pos_); // copied at once
        out.append(line_, pos_, end - pos_);
        pos_ = end;
        if (pos_ >= line_.size())
            fail(start, "unterminated IRI: expected '>'");
        const char c = line_[pos_];
        if (c == '>')
            break;
        if (c != '\\')
            fail(pos_, "character not allowed in an IRI");
        const char32_t cp = escape(false);
        if (!parser::iri_char_allowed(cp))
            fail(start, "character not allowed in an IRI");
        append_utf8(out, cp);
    }
    ++pos_;
    if (!has_scheme(out))
        fail(start, "relative IRI: N-Triples and N-Quads need absolute IRIs");
}

void NQuadsReader::blank(RdfTerm& term) {
    const std::size_t start = pos_;
    if (line_.compare(pos_, 2, "_:") != 0)
        fail(start, "expected a blank node label _:name");
    pos_ += 2;
    std::size_t length = 0;
    char32_t c = pos_ < line_.size() ? decode(line_, pos_, length) : 0;
    if (!(pn_chars_u(c) || (c >= '0' && c <= '9')) || c == ':')
        fail(pos_, "a blank node label starts with a letter, digit or _");
    term.value.append(line_, pos_, length);
    pos_ += length;
    while (pos_ < line_.size()) {
        c = decode(line_, pos_, length);
        if (!(pn_chars(c) || c == '.') || c == ':')
            break;
        term.value.append(line_, pos_, length);
        pos_ += length;
    }
    while (!term.value.empty() && term.value.back() == '.') { // a final '.' ends the statement
        term.value.pop_back();
        --pos_;
    }
}

void NQuadsReader::literal(RdfTerm& term) {
    const std::size_t start = pos_;
    ++pos_; // '"'
    for (;;) {
        std::size_t end = pos_; // a run of plain characters, copied at once
        while (end < line_.size() && line_[end] != '"' && line_[end] != '\\')
            ++end;
        term.value.append(line_, pos_, end - pos_);
        pos_ = end;
        if (pos_ >= line_.size())
            fail(start, "unterminated string: expected '\"'");
        if (line_[pos_] == '"')
            break;
        append_utf8(term.value, escape(true));
    }
    ++pos_;
    if (pos_ < line_.size() && line_[pos_] == '@') {
        const std::size_t at = pos_++;
        auto alpha = [&](std::size_t i) { return i < line_.size() && ascii_alpha(line_[i]); };
        auto alnum = [&](std::size_t i) { return alpha(i) || (i < line_.size() && line_[i] >= '0' && line_[i] <= '9'); };
        if (!alpha(pos_))
            fail(at, "expected a language tag after '@'");
        while (alpha(pos_))
            term.lang.push_back(line_[pos_++]);
        while (pos_ < line_.size() && line_[pos_] == '-' && alnum(pos_ + 1)) {
            term.lang.push_back(line_[pos_++]);
            while (alnum(pos_))
                term.lang.push_back(line_[pos_++]);
        }
    } else if (line_.compare(pos_, 2, "^^") == 0) {
        pos_ += 2;
        if (pos_ >= line_.size() || line_[pos_] != '<')
            fail(pos_, "expected a datatype IRI after '^^'");
        iri_text(term.datatype);
    }
}

void NQuadsReader::term(RdfTerm& out, bool allow_literal, bool allow_blank, const char* what) {
    skip_blanks();
    out.value.clear();
    out.lang.clear();
    out.datatype.clear();
    if (pos_ < line_.size()) {
        if (line_[pos_] == '<') {
            out.kind = RdfTerm::IRI;
            iri_text(out.value);
            return;
        }
        if (allow_blank && line_[pos_] == '_') {
            out.kind = RdfTerm::BLANK;
            blank(out);
            return;
        }
        if (allow_literal && line_[pos_] == '"') {
            out.kind = RdfTerm::LITERAL;
            literal(out);
            return;
        }
    }
    fail(pos_, std::string("expected ") + what);
}

bool NQuadsReader::next(RdfQuad& quad) {
    for (;;) {
        if (!std::getline(in_, line_))
            return false;
        ++line_number_;
        if (!line_.empty() && line_.back() == '\r')
            line_.pop_back();
        pos_ = 0;
        // Invalid UTF-8 anywhere on the line is an error where it starts.
        if (const std::size_t bad = parser::find_invalid_utf8(line_); bad != std::string::npos)
            fail(bad, "invalid UTF-8");
        skip_blanks();
        if (pos_ == line_.size() || line_[pos_] == '#')
            continue;
        // Into the quad's terms, whose strings keep their capacity from line to line.
        term(quad.subject, false, true, "a subject (an IRI or a blank node)");
        term(quad.predicate, false, false, "a predicate (an IRI)");
        term(quad.object, true, true, "an object (an IRI, a blank node or a literal)");
        skip_blanks();
        if (quads_ && pos_ < line_.size() && line_[pos_] != '.') {
            if (!quad.graph)
                quad.graph.emplace();
            term(*quad.graph, false, true, "a graph label (an IRI or a blank node) or '.'");
        } else {
            quad.graph.reset();
        }
        skip_blanks();
        if (pos_ >= line_.size() || line_[pos_] != '.')
            fail(pos_, quads_ ? "expected a graph label or '.'" : "expected '.'");
        ++pos_;
        skip_blanks();
        if (pos_ < line_.size() && line_[pos_] != '#')
            fail(pos_, "expected the end of the line after '.'");
        return true;
    }
}

} // namespace quarry::engine::io
