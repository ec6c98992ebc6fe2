#pragma once

// The printer: AST → canonical text, such that parse(print(ast)) == ast. It is also the
// one definition of how a term is written (SPEC §1, "Every term prints in a canonical
// form that parses back to the same term"): the engine prints stored terms through it.

#include "parser/ast.hpp"
#include "parser/lexer.hpp"

#include <string>

namespace quarry::parser {

// A statement, without its ';'.
std::string print(const ast::Statement& statement);
std::string print(const ast::Query& query);
std::string print(const ast::Pattern& pattern);
std::string print(const ast::Tuple& tuple);
std::string print(const ast::Path& path);
std::string print(const ast::Expr& expr);
// A term as written in `context`: a name is backquoted unless it scans back bare there.
std::string print(const ast::Term& term, TermContext context);
// A term as written anywhere: a name is bare only if it reads back bare in every
// position (so `default` and `and` are backquoted). The canonical form of a value.
std::string print(const ast::Term& term);

// Pieces of the canonical forms, for printers of other formats.
void append_quoted_string(std::string& out, std::string_view text);
void append_iri(std::string& out, std::string_view text);
std::string format_decimal(double value);
std::string format_date_time(const ast::DateTime& when, bool with_time);

} // namespace quarry::parser
