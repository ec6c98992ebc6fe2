#pragma once

// Operators that run a sub-plan (a block) once per input row, with the row as the block's
// input, so the block sees every variable bound so far:
//   OptionalJoin  optional BLOCK: the block's rows, or the input row if it has none
//   AntiJoin      not BLOCK: the input row if the block has no row (NOT EXISTS)
//   UnionJoin     BLOCK or BLOCK …: the rows of every block in turn (also one { } group)

#include "engine/op/operator.hpp"

namespace quarry::engine {

class OptionalJoin : public RowOperator {
public:
    OptionalJoin(OperatorPtr child, OperatorPtr block)
        : RowOperator(std::move(child)), block_(std::move(block)) {}
    std::string describe() const override { return "OptionalJoin (left join)"; }
    std::vector<const Operator*> inputs() const override { return {child_.get(), block_.get()}; }

protected:
    void start(ExecContext& context, const TermId* row) override;
    bool step(ExecContext& context, RowBatch& out) override;

private:
    OperatorPtr block_;
    const TermId* row_ = nullptr;
    bool matched_ = false;
    RowBatch rows_;
};

class AntiJoin : public RowOperator {
public:
    AntiJoin(OperatorPtr child, OperatorPtr block)
        : RowOperator(std::move(child)), block_(std::move(block)) {}
    std::string describe() const override { return "AntiJoin (not)"; }
    std::vector<const Operator*> inputs() const override { return {child_.get(), block_.get()}; }

protected:
    void start(ExecContext& context, const TermId* row) override;
    bool step(ExecContext& context, RowBatch& out) override;

private:
    OperatorPtr block_;
    const TermId* row_ = nullptr;
    bool keep_ = false;
    RowBatch rows_;
};

class UnionJoin : public RowOperator {
public:
    UnionJoin(OperatorPtr child, std::vector<OperatorPtr> blocks)
        : RowOperator(std::move(child)), blocks_(std::move(blocks)) {}
    std::string describe() const override {
        return blocks_.size() == 1 ? "GroupJoin" : "UnionJoin (or)";
    }
    std::vector<const Operator*> inputs() const override;

protected:
    void start(ExecContext& context, const TermId* row) override;
    bool step(ExecContext& context, RowBatch& out) override;

private:
    std::vector<OperatorPtr> blocks_;
    std::vector<TermId> row_;
    std::size_t current_ = 0;
    RowBatch rows_;
};

} // namespace quarry::engine
