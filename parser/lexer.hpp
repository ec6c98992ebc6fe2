#pragma once

// The lexical rules of terms (SPEC §1), shared by the grammar's term primitives, the
// statement splitter and the printer (which checks that a name written bare scans back).
//
// A term position is scanned in one of four contexts, which differ in what may follow a
// literal and where a bare name ends:
//   TUPLE    subject/object of a tuple: a literal must be followed by ',' or ')'; names
//            run to the next ',' or ')' and may contain keywords ("and" is a name)
//   CONTEXT  the fourth position: as TUPLE, and `default` names the default context
//   PATH     the predicate: as TUPLE, and path operators (| / + * ? {) also end a name
//   EXPR     in conditions, return and order by: names end before a keyword (and, or,
//            not, in, as, asc, desc, order, limit, offset, return, where, match, into,
//            from) or an operator; a literal must not run into a word
// The parser tries, in order: variable, IRI, string, quoted name, date/datetime, number,
// boolean, wildcard, `default`, prefixed name, bare name.

#include "parser/ast.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace quarry::parser {

using iterator_type = std::string::const_iterator;

enum class TermContext { TUPLE, CONTEXT, PATH, EXPR };

// A malformed token (bad escape, invalid date, integer overflow, unterminated string):
// the grammar cannot recover from it, so it unwinds to the parse driver.
class LexicalError : public std::runtime_error {
public:
    LexicalError(iterator_type where, const std::string& message)
        : std::runtime_error(message), where_(where) {}
    iterator_type where() const { return where_; }

private:
    iterator_type where_;
};

// Skips ASCII whitespace and `#` comments.
void skip_space(iterator_type& first, iterator_type last);

// Scans a term at `first` (which must not be at whitespace). On success advances `first`
// past it and returns true; returns false, leaving `first`, if no term starts here.
// Throws LexicalError for a malformed token.
bool scan_term(iterator_type& first, iterator_type last, TermContext context, ast::Term& out);

// Scans `<iri>` or `prefix:local` at `first`; false if neither starts here.
bool scan_iri_ref(iterator_type& first, iterator_type last, ast::IriRef& out);
// Scans a "string" (without language tag or datatype); false if none starts here.
bool scan_string(iterator_type& first, iterator_type last, std::string& out);
// Scans a prefix declaration's name `ex:` (or `:`); false if none starts here.
bool scan_prefix_name(iterator_type& first, iterator_type last, std::string& out);

// True if a keyword that ends a bare name in EXPR context starts at `first`.
bool keyword_at(iterator_type first, iterator_type last);
// True if `word` (any case) is such a keyword.
bool is_reserved_keyword(std::string_view word);

// Bytes a bare-name word may hold: letters (any non-ASCII byte counts), digits, _ - . ' & :
bool is_word_byte(unsigned char c);
// Bytes of a variable name: letters (any non-ASCII byte), digits, _
bool is_identifier_byte(unsigned char c);

// Appends code point `cp` to `out`, UTF-8 encoded.
void append_utf8(std::string& out, char32_t cp);

// Whether `c` may stand unescaped in an IRI, as N-Triples and the query language have
// it: not a space or control character, nor one of < > " { } | ^ ` \ .
constexpr bool iri_char_allowed(char32_t c) noexcept {
    // The characters not allowed above the controls and space, as bits: LOW from 0x20,
    // HIGH from 0x60.
    constexpr std::uint64_t LOW = std::uint64_t{1} << ('<' - 0x20) | std::uint64_t{1} << ('>' - 0x20) |
                                  std::uint64_t{1} << ('"' - 0x20) | std::uint64_t{1} << ('\\' - 0x20) |
                                  std::uint64_t{1} << ('^' - 0x20);
    constexpr std::uint64_t HIGH = std::uint64_t{1} << ('`' - 0x60) | std::uint64_t{1} << ('{' - 0x60) |
                                   std::uint64_t{1} << ('|' - 0x60) | std::uint64_t{1} << ('}' - 0x60);
    if (c <= 0x20)
        return false;
    if (c < 0x60)
        return (LOW >> (c - 0x20) & 1) == 0;
    if (c < 0xA0)
        return (HIGH >> (c - 0x60) & 1) == 0;
    return true;
}

// The end of the run of bytes from `from` that may stand unescaped in an IRI
// (iri_char_allowed, the bytes of UTF-8 sequences included): the offset of the first byte
// that may not, or text.size(). Sixteen bytes at a time.
std::size_t iri_plain_run(std::string_view text, std::size_t from);

// The offset of the first byte of `text` that is not well-formed UTF-8, or npos.
std::size_t find_invalid_utf8(std::string_view text);

} // namespace quarry::parser
