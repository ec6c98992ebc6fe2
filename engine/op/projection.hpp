#pragma once

// The columns of a result as ids: a variable's column is its slot's id, copied; any other
// expression is evaluated and its value interned (ExecContext::intern), so the operators
// above (Distinct, Order, Limit) and the output work on ids, and a term is decoded only
// when a row is returned (late materialisation). Columns past the returned ones carry
// order keys that are not returned. Streams.

#include "engine/expression.hpp"
#include "engine/op/operator.hpp"

namespace quarry::engine {

class Projection : public RowOperator {
public:
    // `columns` read rows of `input_width` slots; `text` describes them for explain.
    Projection(OperatorPtr child, std::size_t input_width, std::vector<Expression> columns,
               std::string text)
        : RowOperator(std::move(child)), input_width_(input_width), columns_(std::move(columns)),
          text_(std::move(text)) {}

    std::size_t output_width() const { return columns_.size(); }
    std::string describe() const override { return "Project " + text_; }
    StatePtr make_state() const override {
        auto state = std::make_unique<State>();
        state->row.resize(columns_.size());
        return with_input(std::move(state), *child_);
    }

    struct State : RowOperator::State {
        std::vector<TermId> row; // the current output row
    };

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext&, RowOperator::State& state, RowBatch& out) const override {
        out.push(state_of<State>(state).row.data());
        return false;
    }
    std::size_t child_width(std::size_t) const override { return input_width_; }

private:
    std::size_t input_width_;
    std::vector<Expression> columns_;
    std::string text_;
};

} // namespace quarry::engine
