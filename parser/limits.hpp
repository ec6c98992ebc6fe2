#pragma once

#include <cstddef>

namespace quarry::parser {

// The deepest nesting of ( { [ a statement may have: deeper input is an error, never a
// stack overflow.
constexpr std::size_t MAX_NESTING = 64;
// The longest run of prefix operators (not, -, ^), postfix path operators (+ * ?), or
// binary operators on the left spine of an expression (a or b or … : use `in [a, b, …]`
// for long lists of alternatives).
constexpr std::size_t MAX_CHAIN = 200;
// The deepest AST a statement may produce, checked without recursion after parsing, so
// that every later recursive walk (validation, printing, evaluation) stays shallow.
constexpr std::size_t MAX_AST_DEPTH = 512;
// The longest statement, in bytes.
constexpr std::size_t MAX_STATEMENT_BYTES = std::size_t{64} << 20;

} // namespace quarry::parser
