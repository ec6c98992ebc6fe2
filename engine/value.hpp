#pragma once

// The scalar semantics of conditions and results (SPEC §1, §2): comparison by value,
// the total order of `order by`, arithmetic, the functions, and three-valued logic.
//
// A Value is a term or nothing: nothing stands for an unbound variable (an empty cell, as
// SQL's NULL) and for what an operation on one gives. These functions also give nothing
// for a type clash or a division by zero; the engine (expression.cpp) turns those, when
// every operand was bound, into errors that fail the statement (arithmetic_failure says
// why), so an empty cell always means a value the match did not bind.

#include "quarry/rows.hpp"
#include "storage/term.hpp"

#include <optional>
#include <regex>
#include <span>
#include <string>
#include <string_view>

namespace quarry::engine {

using quarry::Value;

// Truth of a condition: three-valued, as SPARQL's.
enum class Truth { FALSE, TRUE, ERROR };

Truth truth_of(const Value& value);
Truth logical_and(Truth a, Truth b);
Truth logical_or(Truth a, Truth b);
Truth logical_not(Truth a);
Value boolean_value(Truth truth);

enum class Comparison { EQ, NE, LT, LE, GT, GE };

// `=` and `!=` compare numbers by value across integer and decimal, dates and datetimes
// chronologically, everything else by identity of kind and value. `<` `<=` `>` `>=` hold
// only between comparable kinds: numbers, dates and datetimes, or two of a kind (names,
// strings, IRIs, booleans); between any others they are false (SPEC §2), so their
// negation is true. An unbound operand is an error.
Truth compare(const Value& a, const Value& b, Comparison op);

// The total order of `order by`: unbound first, then by kind group (default context,
// names, IRIs, strings, typed literals, booleans, numbers, dates and datetimes), then by
// value (numbers numerically, dates chronologically, text by code point); ties broken so
// that distinct terms never compare equal. Returns <0, 0, >0.
int total_order(const Value& a, const Value& b);
int total_order(const storage::Term& a, const storage::Term& b);

enum class Arithmetic { ADD, SUBTRACT, MULTIPLY, DIVIDE };
// Numbers only. Integer op integer stays an integer unless it overflows (then decimal);
// division always gives a decimal. Anything else, and division by zero, is an error.
Value arithmetic(const Value& a, const Value& b, Arithmetic op);
Value negate(const Value& a);

// Why arithmetic(a, b, op) gave nothing although `a` and `b` are both bound: the message,
// and the operand to blame (0: a, 1: b).
struct ArithmeticFailure {
    std::string message;
    int operand = 0;
};
ArithmeticFailure arithmetic_failure(const storage::Term& a, const storage::Term& b, Arithmetic op);

// A function of the language by (lower-case) name: contains starts_with ends_with matches
// replace substr concat coalesce lower upper length str lang year month day is_name
// is_string is_number is_date is_iri now. `bound` is evaluated by the caller, and so is
// `now` where a statement needs one time throughout. Wrong kinds give an error (nothing);
// an unbound argument gives nothing, except to coalesce, which gives its first bound
// argument. `compiled`: the regex of matches and replace, compiled once (else compiled
// from the arguments at each call).
Value call_function(std::string_view name, std::span<const Value> args,
                    const std::regex* compiled = nullptr);

// The current time, as a datetime in UTC (millisecond precision).
storage::Term current_time();

// The text of a term for str() and the text functions (quarry/term.hpp).
using quarry::text_of;

} // namespace quarry::engine
