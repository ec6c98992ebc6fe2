#pragma once

// Checks that need a whole statement rather than a grammar rule: known functions and their
// arity, aggregates only where they can be computed, variables in add templates bound by a
// match, plain predicates where facts are written, no variables inside property paths,
// distinct aliases, parameters only in match.

#include "parser/ast.hpp"

#include <functional>
#include <string>
#include <vector>

namespace quarry::parser {

// Calls `report(node, message)` for the first problem found and returns false; true if
// there is none.
bool validate(const ast::Statement& statement,
              const std::function<void(const ast::Node&, std::string)>& report);

// The parameters ($name) of a query, each name once, in order of first appearance: the
// patterns, then where, return and order by.
std::vector<const ast::Term*> parameters(const ast::Query& query);

} // namespace quarry::parser
