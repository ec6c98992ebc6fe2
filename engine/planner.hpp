#pragma once

// Builds the operator pipeline of a block of patterns (SPEC §6):
//  - each tuple becomes an IndexJoin (or a PathJoin for a property path) on the index its
//    bound positions select;
//  - tuples are ordered by estimated cardinality from the statistics, smallest first, and
//    then only tuples that share a variable with those already placed, so there is never
//    an accidental cross product;
//  - optional blocks keep their place (a left join of what precedes them), not blocks and
//    the rest of the conditions go last, and each conjunct of `where` is pushed down to the
//    first point where all its variables are bound.

#include "engine/expression.hpp"
#include "engine/op/index_join.hpp"
#include "engine/terms.hpp"
#include "parser/ast.hpp"
#include "quarry/database.hpp"

#include <array>
#include <set>

namespace quarry::engine {

struct QueryPlan;

// The choices of quarry::PlannerOptions (quarry/database.hpp), and one set per statement.
struct PlannerOptions : quarry::PlannerOptions {
    // The plan is for explain: estimate the rows of every step and keep each tuple's text
    // for describe(). Otherwise the last tuple of a block goes unestimated (nothing is
    // decided by its estimate, and estimating a selective tuple costs about as much as
    // running it) and operators describe their tuples without their text.
    bool explaining = false;
};

class Planner {
public:
    Planner(ExecContext& context, const PrefixMap& prefixes, SlotMap& slots,
            PlannerOptions options = {})
        : context_(context), prefixes_(prefixes), slots_(slots), options_(options) {}

    // The pipeline of a block; `bound`: the slots every input row binds.
    OperatorPtr plan_block(const std::vector<parser::ast::Pattern>& patterns,
                           const std::optional<parser::ast::Expr>& where,
                           const std::set<std::size_t>& bound);

    // A single four-element tuple whose results are only counted (count(*), or count of
    // one of its variables; in all, or grouped by its predicate or its context variable)
    // is answered from the exact statistics: the plan's root becomes a StatisticsScan
    // emitting one row per group with its count in a new slot, and each count becomes a
    // sum of that slot. Otherwise a join of two tuples that share one variable, whose rows
    // are only counted or reduced to that variable's distinct values, is counted per value
    // instead (a CountJoin, see count_join). Returns false, changing nothing, for any other
    // query.
    bool count_from_statistics(const parser::ast::Query& query, QueryPlan& plan);

    // Assigns slots to every variable of `patterns`, in order of first appearance;
    // `visible` receives those a `return *` shows (not those only inside `not` blocks).
    static void assign_slots(const std::vector<parser::ast::Pattern>& patterns, SlotMap& slots,
                             std::vector<std::string>* visible = nullptr, bool in_not = false);

private:
    struct Step; // a tuple awaiting its place in the order

    bool statistics_count(const parser::ast::Query& query, QueryPlan& plan);
    // A match of exactly two tuples sharing one variable ?v (and no other), with no
    // condition, whose results read no variable but ?v and aggregate only with count(*),
    // count of a variable of the tuples, or count(distinct ?v), or that returns distinct
    // values of ?v (or of constants) without aggregates: the root becomes a CountJoin
    // emitting one row per value of ?v with the number of joined rows in a new slot, and
    // each plain count becomes a sum of that slot. Returns false, changing nothing, for
    // any other query.
    bool count_join(const parser::ast::Query& query, QueryPlan& plan);
    // A match of exactly three tuples that form a triangle (TriangleJoin::fits), with no
    // condition, whose results read no variable and aggregate only with plain counts: the
    // root becomes a TriangleJoin that counts the joined rows into a new slot, and each
    // count becomes a sum of that slot. Returns false, changing nothing, otherwise.
    bool triangle_count(const parser::ast::Query& query, QueryPlan& plan);

    // `known_estimate`: the tuple's estimate given `bound`, if the caller has it.
    OperatorPtr plan_tuple(OperatorPtr input, const parser::ast::Tuple& tuple,
                           const std::set<std::size_t>& bound,
                           const std::vector<const parser::ast::Expr*>& conditions = {},
                           double input_rows = 1, std::optional<double> known_estimate = std::nullopt);
    // Id ranges for a free variable of the tuple at `position`, from conditions that
    // compare it with an integer, date or datetime constant.
    std::optional<IdRange> range_for(const parser::ast::Term& variable, unsigned position,
                                     const std::vector<const parser::ast::Expr*>& conditions);
    double estimate(const parser::ast::Tuple& tuple, const std::set<std::size_t>& bound);
    TuplePosition position(const parser::ast::Term& term);
    // The text of a tuple for describe(), when explaining (empty otherwise).
    std::string tuple_text(const parser::ast::Tuple& tuple) const;

    TuplePlan tuple_plan(const parser::ast::Tuple& tuple, const std::set<std::size_t>& bound);
    // A merge join of two of `tuples` sorted by a shared variable (removed from `tuples`,
    // their variables added to `bound`), or null if no pair qualifies.
    OperatorPtr plan_merge(OperatorPtr& input, std::vector<const parser::ast::Tuple*>& tuples,
                           std::set<std::size_t>& bound);
    static bool plan_is_input(const OperatorPtr& plan);
    // Plans the blocks of the `exists` of a condition placed where `bound` are bound, and
    // its subqueries (`in (match …)`).
    void plan_exists(Expression& expr, const std::set<std::size_t>& bound);

    ExecContext& context_;
    const PrefixMap& prefixes_;
    SlotMap& slots_;
    PlannerOptions options_;
};

// Puts the result of a planned match (QueryPlan's items, aggregates, distinct, order,
// limit) into its operator tree, on top of the joins: HashAggregate when it aggregates,
// then Projection, Distinct, Order (top-N with a limit) and Limit, and sets
// `output_width`. Aggregates in items and order keys become the HashAggregate's slots.
void plan_result_stage(QueryPlan& plan, const PlannerOptions& options);

// True if the tuples, seen as hyperedges over their free variables, form a cyclic
// hypergraph (GYO reduction does not remove them all): a triangle is cyclic, a chain or
// a star is not.
bool is_cyclic(const std::vector<std::set<std::size_t>>& edges);

// The slots a tuple binds (its variables).
// The slots of a tuple's variables, each once: at most four, kept without allocating.
struct TupleSlots {
    std::array<std::size_t, 4> slots{};
    std::size_t size = 0;
    const std::size_t* begin() const { return slots.data(); }
    const std::size_t* end() const { return slots.data() + size; }
    bool empty() const { return size == 0; }
};
TupleSlots tuple_slots(const parser::ast::Tuple& tuple, const SlotMap& slots);

} // namespace quarry::engine
