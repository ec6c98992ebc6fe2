#pragma once

// Physical operators: a pull-based pipeline of batches of rows of term ids. Every operator
// but Source has a child; a join-like operator extends each row of its child's batches.
//
// Operators are built for one run of one statement (the plan is made per statement), so
// each holds its own run state. A sub-plan (the block of optional, not, or) is reset with
// each row of its parent and then drained.
//
// A batch's width is set by whoever asks for it: an operator gives its child batches of
// the child's width. Join operators keep the width of their input (one slot per variable
// of the statement); the result stage (HashAggregate, Projection) reshapes rows.

#include "engine/exec_context.hpp"

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace quarry::engine {

class Operator {
public:
    virtual ~Operator() = default;

    // Restarts the pipeline with `input` as the row its Source emits.
    virtual void reset(const TermId* input) = 0;
    // Replaces `out`'s rows with the next ones (at most BATCH_ROWS, usually); returns
    // false, with `out` empty, when there are no more.
    bool next(ExecContext& context, RowBatch& out);

    // For explain: one line describing this operator, and its inputs.
    virtual std::string describe() const = 0;
    virtual std::vector<const Operator*> inputs() const = 0;
    // Estimated rows out per input row, set by the planner.
    double estimate = 0;
    // Measured by explain analyze: rows produced and time spent (children included).
    std::uint64_t rows_out = 0;
    std::chrono::nanoseconds elapsed{0};
    bool timed = false;

protected:
    virtual bool produce(ExecContext& context, RowBatch& out) = 0;
};

using OperatorPtr = std::unique_ptr<Operator>;

// Emits the row it was reset with, once.
class Source : public Operator {
public:
    explicit Source(std::size_t width) : row_(width, UNBOUND) {}
    void reset(const TermId* input) override;
    std::string describe() const override { return "Input"; }
    std::vector<const Operator*> inputs() const override { return {}; }

protected:
    bool produce(ExecContext& context, RowBatch& out) override;

private:
    std::vector<TermId> row_;
    bool done_ = false;
};

// The base of operators that transform each row of one child into zero or more rows.
class RowOperator : public Operator {
public:
    explicit RowOperator(OperatorPtr child) : child_(std::move(child)) {}
    void reset(const TermId* input) override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, RowBatch& out) final;
    // Starts work on `row`; then `step` is called until it returns false.
    virtual void start(ExecContext& context, const TermId* row) = 0;
    // Appends rows for the current input row; false when it has no more.
    virtual bool step(ExecContext& context, RowBatch& out) = 0;
    virtual void reset_state() {}
    // Slots per row of the child's batches, given those of the output's: the same, except
    // for an operator that reshapes rows (Projection).
    virtual std::size_t child_width(std::size_t out_width) const { return out_width; }
    // Slots per row of the child's batches.
    std::size_t width() const { return input_.width; }

    OperatorPtr child_;

private:
    RowBatch input_;
    std::size_t position_ = 0;
    bool active_ = false;
    bool exhausted_ = false; // the child has no more rows
};

} // namespace quarry::engine
