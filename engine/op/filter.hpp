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
    // The child's state only: the blocks' states are the context's (block_state), since
    // whatever evaluates the condition runs them.
    StatePtr make_state() const override {
        auto state = std::make_unique<State>();
        state->inputs.push_back(child_->make_state());
        return state;
    }

    struct State : RowOperator::State {
        bool keep = false;
        const TermId* row = nullptr; // valid until step returns: the child's batch holds it
    };

protected:
    void start(ExecContext& context, RowOperator::State& base, const TermId* row) const override {
        State& state = state_of<State>(base);
        state.keep = evaluate_condition(condition_, row, context) == Truth::TRUE;
        state.row = row;
    }
    bool step(ExecContext&, RowOperator::State& base, RowBatch& out) const override {
        const State& state = state_of<State>(base);
        if (state.keep)
            out.push(state.row);
        return false;
    }

private:
    Expression condition_;
    std::string text_;
};

} // namespace quarry::engine
