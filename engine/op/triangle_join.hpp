#pragma once

// A join of three tuples that form a triangle over three variables, each tuple holding
// two of them as its subject and object (the rest constant, open or bound by the input),
// such as `(?a, met, ?b), (?b, met, ?c), (?c, met, ?a)`.
//
// Each distinct tuple pattern is read once (one scan of its range), its two ends numbered
// densely as they appear (one table for all three tuples), and each tuple becomes a
// compact graph (CSR: per node, its sorted neighbours, with a count per neighbour when a
// pair repeats) in the direction the join walks it: from the first variable to the second
// and to the third, and from the second to the third. For each node u and each neighbour
// v of u, the third variable's values are the intersection of v's and u's sorted
// neighbour lists (merged, or galloped through when one is much shorter). The leapfrog
// join does the same over hashed tries of term ids; here a look-up is an array index.
//
// With `count_slot` set, only the number of joined rows is kept and emitted, in one row,
// as an inline integer in that slot; otherwise every joined row is emitted (as many times
// as its facts multiply).

#include "engine/op/index_join.hpp"

#include <array>
#include <set>

namespace quarry::engine {

class TriangleJoin : public RowOperator {
public:
    // `variables`: the three slots in binding order; each tuple's subject and object are
    // two of them.
    TriangleJoin(OperatorPtr child, std::vector<TuplePlan> tuples,
                 std::array<std::size_t, 3> variables, std::string text,
                 std::size_t count_slot = SIZE_MAX)
        : RowOperator(std::move(child)), tuples_(std::move(tuples)), variables_(variables),
          text_(std::move(text)), count_slot_(count_slot) {}
    std::string describe() const override;
    std::string describe_run(const OperatorState& state) const override;

    // Whether `tuples` (with slots in `bound` bound by the input) fit: three tuples over
    // three free variables, each tuple's subject and object two different ones and its
    // predicate and context not free, every pair of variables in one tuple.
    static bool fits(const std::vector<TuplePlan>& tuples, const std::set<std::size_t>& bound);

    struct State : RowOperator::State {
        std::vector<TermId> row;
        std::vector<TermId> results; // joined rows for the current input row, flat
        std::size_t next = 0;
        std::size_t nodes = 0; // for explain analyze
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;

private:
    std::vector<TuplePlan> tuples_;
    std::array<std::size_t, 3> variables_;
    std::string text_;
    std::size_t count_slot_;
};

} // namespace quarry::engine
