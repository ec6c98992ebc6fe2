#pragma once

// Operators that run a sub-plan (a block) once per input row, with the row as the block's
// input, so the block sees every variable bound so far:
//   OptionalJoin  optional BLOCK: the block's rows, or the input row if it has none
//   AntiJoin      not BLOCK: the input row if the block has no row (NOT EXISTS)
//   UnionJoin     BLOCK or BLOCK …: the rows of every block in turn (also one { } group)

#include "engine/op/operator.hpp"

namespace quarry::engine {

// The part optional and not share: one block, run with each input row.
class SingleBlockJoin : public RowOperator {
public:
    SingleBlockJoin(OperatorPtr child, OperatorPtr block)
        : RowOperator(std::move(child)), block_(std::move(block)) {}
    std::vector<const Operator*> inputs() const override { return {child_.get(), block_.get()}; }
    StatePtr make_state() const override { return with_inputs(std::make_unique<State>()); }

    struct State : RowOperator::State {
        const TermId* row = nullptr; // the input row (valid while the child's batch is)
        RowBatch rows;               // the block's rows
        bool matched = false;        // optional: the block gave a row
        bool keep = false;           // not: the block gave none
    };

protected:
    OperatorPtr block_;
};

class OptionalJoin : public SingleBlockJoin {
public:
    using SingleBlockJoin::SingleBlockJoin;
    std::string describe() const override { return "OptionalJoin (left join)"; }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;
};

class AntiJoin : public SingleBlockJoin {
public:
    using SingleBlockJoin::SingleBlockJoin;
    std::string describe() const override { return "AntiJoin (not)"; }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;
};

class UnionJoin : public RowOperator {
public:
    UnionJoin(OperatorPtr child, std::vector<OperatorPtr> blocks)
        : RowOperator(std::move(child)), blocks_(std::move(blocks)) {}
    std::string describe() const override {
        return blocks_.size() == 1 ? "GroupJoin" : "UnionJoin (or)";
    }
    std::vector<const Operator*> inputs() const override;
    StatePtr make_state() const override { return with_inputs(std::make_unique<State>()); }

    struct State : RowOperator::State {
        std::vector<TermId> row;
        std::size_t current = 0;
        RowBatch rows;
    };

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;

private:
    std::vector<OperatorPtr> blocks_;
};

} // namespace quarry::engine
