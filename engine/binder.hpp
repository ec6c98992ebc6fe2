#pragma once

// The binder: resolves the variable names of a match to slots, once, before planning.
// Every later stage (planner, expressions, result stage) refers to variables by slot.

#include "engine/expression.hpp"
#include "parser/ast.hpp"

#include <set>
#include <string>
#include <vector>

namespace quarry::engine {

struct Binding {
    SlotMap slots;                    // variable name → slot
    std::vector<std::string> visible; // what a match without `return` shows, in order
    std::set<std::size_t> bound;      // slots bound before the first tuple (parameters)
};

// The slots of `query`: its parameters (parser::parameters) first, in order, bound before
// the first tuple; then the variables of its patterns in order of first appearance, of its
// conditions and their `exists` blocks, and, with `results`, of return and order by. A
// match without variables still gets one slot (no variable can name it), so that its rows
// can be counted.
Binding bind_query(const parser::ast::Query& query,
                   const std::vector<const parser::ast::Term*>& parameters = {},
                   bool results = true);

} // namespace quarry::engine
