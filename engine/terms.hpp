#pragma once

// Conversions between the terms of the query language (parser::ast::Term) and stored
// terms (storage::Term), and the canonical text of a stored term. The printer of the
// parser is the one definition of how a term is written; stored terms print through it.

#include "parser/ast.hpp"
#include "storage/term.hpp"

#include <functional>
#include <map>
#include <string>

namespace quarry::engine {

// Prefix name (without ':') → IRI.
using PrefixMap = std::map<std::string, std::string, std::less<>>;

// The AST form of a stored term.
parser::ast::Term to_ast(const storage::Term& term);

// The stored form of a value written in a statement. Prefixed names are resolved with
// `prefixes`. Throws QueryError (naming `term`) for an unknown prefix, a variable or
// wildcard, or a value storage refuses.
storage::Term to_storage(const parser::ast::Term& term, const PrefixMap& prefixes);

// The canonical text of a stored term (quarry/term.hpp).
using quarry::format_term;

} // namespace quarry::engine
