#pragma once

// Physical operators: a pull-based pipeline of batches of rows of term ids. Every operator
// but Source has a child; a join-like operator extends each row of its child's batches.
//
// An operator holds only what planning decided (its tuples, keys, expressions, estimate):
// after planning the tree is immutable, and every method that runs it is const. What one
// run changes (cursors, batches, hash tables, counters, explain analyze's figures) lives
// in that run's state: a tree of OperatorState made by make_state(), one per operator,
// shaped like the operator tree. So one plan can be run many times, and by several runs at
// once (each with its own ExecContext and state), as a prepared query is. A sub-plan (the
// block of optional, not, or) is reset with each row of its parent and then drained; its
// state lasts the whole run, so what it builds once (a hash join's table) is built once.
//
// A batch's width is set by whoever asks for it: an operator gives its child batches of
// the child's width. Join operators keep the width of their input (one slot per variable
// of the statement); the result stage (HashAggregate, Projection) reshapes rows.

#include "engine/exec_context.hpp"

#include <boost/container/small_vector.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace quarry::engine {

// The run state of one operator; operators derive their own.
struct OperatorState {
    virtual ~OperatorState() = default;
    // The states of the operator's inputs, as Operator::inputs() lists them (most have one
    // or two: kept inline, which spares a point query's run an allocation per operator).
    boost::container::small_vector<std::unique_ptr<OperatorState>, 2> inputs;
    // Measured by explain analyze (ExecContext::timed): rows produced and time spent
    // (children included).
    std::uint64_t rows_out = 0;
    std::chrono::nanoseconds elapsed{0};
};

using StatePtr = std::unique_ptr<OperatorState>;

class Operator {
public:
    virtual ~Operator() = default;

    // A fresh state for one run of this operator and of its inputs.
    virtual StatePtr make_state() const { return with_inputs(std::make_unique<OperatorState>()); }

    // Restarts the pipeline with `input` as the row its Source emits.
    virtual void reset(OperatorState& state, const TermId* input) const = 0;
    // Replaces `out`'s rows with the next ones (at most BATCH_ROWS, usually); returns
    // false, with `out` empty, when there are no more.
    bool next(ExecContext& context, OperatorState& state, RowBatch& out) const;

    // For explain: one line describing this operator, and its inputs.
    virtual std::string describe() const = 0;
    // For explain analyze: what a run of it built, if anything worth showing.
    virtual std::string describe_run(const OperatorState&) const { return {}; }
    virtual std::vector<const Operator*> inputs() const = 0;
    // Estimated rows out per input row, set by the planner.
    double estimate = 0;

protected:
    virtual bool produce(ExecContext& context, OperatorState& state, RowBatch& out) const = 0;
    // `state`, with a fresh state for each input.
    StatePtr with_inputs(StatePtr state) const;
    // `state`, with a fresh state for `child`, the one input (without listing inputs()).
    static StatePtr with_input(StatePtr state, const Operator& child) {
        state->inputs.push_back(child.make_state());
        return state;
    }
};

using OperatorPtr = std::unique_ptr<Operator>;

// The state of `op`'s run as its own kind (made by its make_state()).
template <typename State>
State& state_of(OperatorState& state) {
    return static_cast<State&>(state);
}
template <typename State>
const State& state_of(const OperatorState& state) {
    return static_cast<const State&>(state);
}

// Appends to `out` the next rows, at most BATCH_ROWS, of `results` (rows of `width` ids
// one after another) from row `next`, which it advances; true while rows remain. For
// operators that find all their rows for an input row before giving any.
bool emit_rows(const std::vector<TermId>& results, std::size_t width, std::size_t& next,
               RowBatch& out);

// Emits the row it was reset with, once.
class Source : public Operator {
public:
    explicit Source(std::size_t width) : width_(width) {}
    StatePtr make_state() const override;
    void reset(OperatorState& state, const TermId* input) const override;
    std::string describe() const override { return "Input"; }
    std::vector<const Operator*> inputs() const override { return {}; }

protected:
    bool produce(ExecContext& context, OperatorState& state, RowBatch& out) const override;

private:
    struct State : OperatorState {
        std::vector<TermId> row;
        bool done = false;
    };
    std::size_t width_;
};

// The base of operators that transform each row of one child into zero or more rows.
class RowOperator : public Operator {
public:
    explicit RowOperator(OperatorPtr child) : child_(std::move(child)) {}
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }
    void reset(OperatorState& state, const TermId* input) const override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

    // What every RowOperator's run keeps; operators with more derive from it.
    struct State : OperatorState {
        RowBatch input;
        std::size_t position = 0;
        bool active = false;
        bool exhausted = false; // the child has no more rows
    };

protected:
    bool produce(ExecContext& context, OperatorState& state, RowBatch& out) const final;
    // Starts work on `row`; then `step` is called until it returns false.
    virtual void start(ExecContext& context, State& state, const TermId* row) const = 0;
    // Appends rows for the current input row; false when it has no more.
    virtual bool step(ExecContext& context, State& state, RowBatch& out) const = 0;
    virtual void reset_state(State&) const {}
    // Slots per row of the child's batches, given those of the output's: the same, except
    // for an operator that reshapes rows (Projection).
    virtual std::size_t child_width(std::size_t out_width) const { return out_width; }
    // Slots per row of the child's batches.
    static std::size_t width(const State& state) { return state.input.width; }

    OperatorPtr child_;
};

} // namespace quarry::engine
