#pragma once

// Conditions and result expressions compiled against a row layout: variables become
// slots, constants become terms. Aggregates are evaluated by the caller (query.cpp),
// which passes their values in.

#include "engine/exec_context.hpp"
#include "engine/terms.hpp"
#include "parser/ast.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace quarry::engine {

class Operator;
struct QueryPlan;
struct Subquery;

// Variable name → slot.
using SlotMap = std::map<std::string, std::size_t, std::less<>>;

// The name of a variable's slot (its name) or a parameter's ("$" and its name, which no
// variable can have).
std::string slot_name(const parser::ast::Term& term);

struct Expression {
    parser::ast::ExprOp op = parser::ast::ExprOp::TERM;
    // Where the expression was written: errors found while rows run point here.
    parser::ast::Node position;
    Value constant;                     // TERM: a value
    std::size_t slot = SIZE_MAX;        // TERM: a variable's slot (SIZE_MAX: constant)
    std::string function;               // CALL, AGGREGATE
    bool distinct = false;              // AGGREGATE
    bool star = false;                  // AGGREGATE
    std::size_t aggregate_index = 0;    // AGGREGATE: index into the aggregate values
    std::vector<Expression> args;
    // matches, replace: the regex, compiled once when the pattern and flags are constants.
    std::shared_ptr<const std::regex> regex;
    // EXISTS: the block as parsed (for the planner, which plans it: the AST must outlive
    // planning only), then its plan, run with each row as input (true if it gives a row),
    // and the width of its rows.
    const parser::ast::Pattern* block_ast = nullptr;
    std::shared_ptr<Operator> block;
    std::size_t block_width = 0;
    // IN_QUERY, NOT_IN_QUERY, SUBQUERY: the subquery as parsed (for the planner, as
    // block_ast), then its plan (its values are each run's: ExecContext::subquery_values).
    const parser::ast::Query* query_ast = nullptr;
    std::shared_ptr<Subquery> subquery;
};

// A subquery of `in (match …)`, or one used as a value, planned for a statement:
// uncorrelated (it reads no variable of the rows around it), it runs once, at the first row
// that asks, and keeps its values hashed by term id (and its first value, and how many).
std::shared_ptr<Subquery> make_subquery(std::shared_ptr<const QueryPlan> plan);

// Compiles `expr`; variables get slots in `slots` (new ones are added). Aggregates are
// numbered in `aggregates` (each compiled, in order; null: aggregates are an error).
// Throws QueryError for an unknown prefix or an invalid constant.
Expression compile_expression(const parser::ast::Expr& expr, SlotMap& slots,
                              const PrefixMap& prefixes,
                              std::vector<Expression>* aggregates = nullptr);

// Evaluates `expr` over `row`. `aggregate_values` holds the values of the aggregates
// (for result expressions of grouped queries). An unbound operand gives nothing (an empty
// cell); throws QueryError, at the expression's position, for arithmetic on bound values
// that has no result (a name, a division by zero) and for an invalid regex or flags.
Value evaluate(const Expression& expr, const TermId* row, ExecContext& context,
               const std::vector<Value>* aggregate_values = nullptr);

// The truth of a condition over a row; throws QueryError for a value that is bound but is
// not true or false (a condition must be one or the other; unbound is not an error).
Truth evaluate_condition(const Expression& expr, const TermId* row, ExecContext& context);

// The slots an expression reads.
void collect_slots(const Expression& expr, std::set<std::size_t>& out);

// Whether the expression holds an `exists`.
bool contains_exists(const Expression& expr);
// The plans of the expression's `exists` blocks, for explain.
void collect_blocks(const Expression& expr, std::vector<const Operator*>& out);

} // namespace quarry::engine
