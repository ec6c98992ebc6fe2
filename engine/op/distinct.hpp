#pragma once

// Removes rows whose first `columns` ids repeat an earlier row's (the returned columns;
// any after them are order keys, and the first row of each kind keeps its keys). Ids are
// compared, not terms: equal ids are equal terms. Streams: a row passes as soon as it is
// seen for the first time. A batch at a time (RowTable::insert_batch).

#include "engine/op/operator.hpp"
#include "engine/op/row_table.hpp"

#include <vector>

namespace quarry::engine {

class Distinct : public Operator {
public:
    Distinct(OperatorPtr child, std::size_t columns)
        : child_(std::move(child)), columns_(columns) {}

    struct State : OperatorState {
        explicit State(std::size_t columns) : seen(columns) {}
        RowTable seen;
        RowBatch input;
        std::vector<char> added; // per row of the input batch: new to seen
    };
    StatePtr make_state() const override {
        return with_input(std::make_unique<State>(columns_), *child_);
    }
    void reset(OperatorState& base, const TermId* input) const override {
        State& state = state_of<State>(base);
        child_->reset(*state.inputs[0], input);
        state.seen.clear();
    }
    std::string describe() const override { return "Distinct"; }
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, OperatorState& base, RowBatch& out) const override {
        State& state = state_of<State>(base);
        RowBatch& input = state.input;
        input.width = out.width;
        while (out.empty()) {
            if (!child_->next(context, *state.inputs[0], input))
                return false;
            const std::size_t rows = input.size();
            state.added.resize(rows);
            state.seen.insert_batch(input.ids.data(), rows, input.width, nullptr,
                                    state.added.data());
            for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
                if (state.added[row_idx])
                    out.push(input.row(row_idx));
        }
        return true;
    }

private:
    OperatorPtr child_;
    std::size_t columns_;
};

} // namespace quarry::engine
