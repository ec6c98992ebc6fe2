#pragma once

#include "engine/expression.hpp"
#include "engine/op/operator.hpp"

namespace quarry::engine {

// Keeps the rows for which a condition is true (false and errors drop the row).
class Filter : public RowOperator {
public:
    Filter(OperatorPtr child, Expression condition, std::string text)
        : RowOperator(std::move(child)), condition_(std::move(condition)), text_(std::move(text)) {}
    std::string describe() const override { return "Filter " + text_; }
    // The input, then the plan of each `exists` block of the condition.
    std::vector<const Operator*> inputs() const override {
        std::vector<const Operator*> out{child_.get()};
        collect_blocks(condition_, out);
        return out;
    }

protected:
    void start(ExecContext& context, const TermId* row) override {
        keep_ = evaluate_condition(condition_, row, context) == Truth::TRUE;
        row_ = row;
    }
    bool step(ExecContext&, RowBatch& out) override {
        if (keep_)
            out.push(row_);
        return false;
    }

private:
    Expression condition_;
    std::string text_;
    bool keep_ = false;
    const TermId* row_ = nullptr; // valid until step returns: the child's batch holds it
};

} // namespace quarry::engine
