#pragma once

// Checks that need a whole statement rather than a grammar rule: known functions and their
// arity, aggregates only where they can be computed, variables in add templates bound by a
// match, plain predicates where facts are written, no variables inside property paths,
// distinct aliases.

#include "parser/ast.hpp"

#include <functional>
#include <string>

namespace quarry::parser {

// Calls `report(node, message)` for the first problem found and returns false; true if
// there is none.
bool validate(const ast::Statement& statement,
              const std::function<void(const ast::Node&, std::string)>& report);

} // namespace quarry::parser
