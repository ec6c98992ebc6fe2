#pragma once

// The canonical text form of a term (SPEC §1): the form the shell prints and that the
// query language parses back to the same term.
//
//   name      Khaji, Syrian delegation, `Organization, the`, `22`  (backquoted when a bare
//             name would not read back as the same name; \` and \\ escape inside)
//   IRI       <http://example.org/e/Khaji>  (\uXXXX for characters IRIREF forbids)
//   string    "IRNA reported", "Astana"@en  (N-Triples escapes)
//   typed     "abc"^^<http://…>
//   integer   22, -3      decimal  1.5, 6000.0, 1e+300   boolean  true, false
//   date      2024-11-12  datetime 2024-11-12T08:30:00Z, 2024-11-12T08:30:00.25+03:30
//   default context: default

#include "storage/term.hpp"

#include <string>
#include <string_view>

namespace quarry::storage {

std::string format_term(const Term& term);

// True if `text` reads back as this same name when written bare: words of letters (any
// non-ASCII character counts as one), digits and _ - . ' & separated by single blanks,
// and not a number, date, boolean, `default` or `_`.
bool is_bare_name(std::string_view text);

// Appends `text` in double quotes with N-Triples string escapes.
void append_quoted_string(std::string& out, std::string_view text);
// Appends `text` in angle brackets with \uXXXX escapes for what IRIREF forbids.
void append_iri(std::string& out, std::string_view text);

} // namespace quarry::storage
