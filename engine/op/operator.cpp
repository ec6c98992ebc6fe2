#include "engine/op/operator.hpp"

#include <algorithm>

namespace quarry::engine {

bool Operator::next(ExecContext& context, OperatorState& state, RowBatch& out) const {
    out.clear();
    context.check_cancelled(); // once per batch: cheap, and a batch is quick to make
    if (!context.timed()) {
        const bool more = produce(context, state, out);
        state.rows_out += out.size();
        return more;
    }
    const auto start = std::chrono::steady_clock::now();
    const bool more = produce(context, state, out);
    state.elapsed += std::chrono::steady_clock::now() - start;
    state.rows_out += out.size();
    return more;
}

StatePtr Operator::with_inputs(StatePtr state) const {
    for (const Operator* input : inputs())
        state->inputs.push_back(input->make_state());
    return state;
}

StatePtr Source::make_state() const {
    auto state = std::make_unique<State>();
    state->row.assign(width_, UNBOUND);
    return state;
}

void Source::reset(OperatorState& base, const TermId* input) const {
    State& state = state_of<State>(base);
    std::copy(input, input + width_, state.row.begin());
    state.done = false;
}

bool Source::produce(ExecContext&, OperatorState& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    if (state.done)
        return false;
    out.push(state.row.data());
    state.done = true;
    return true;
}

void RowOperator::reset(OperatorState& base, const TermId* input) const {
    State& state = state_of<State>(base);
    child_->reset(*state.inputs[0], input);
    state.input.clear();
    state.position = 0;
    state.active = false;
    state.exhausted = false;
    reset_state(state);
}

bool RowOperator::produce(ExecContext& context, OperatorState& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    state.input.width = child_width(out.width);
    while (out.size() < BATCH_ROWS) {
        if (!state.active) {
            if (state.position >= state.input.size()) {
                if (state.exhausted)
                    break;
                state.position = 0;
                if (!child_->next(context, *state.inputs[0], state.input)) {
                    state.exhausted = true;
                    break;
                }
                continue;
            }
            start(context, state, state.input.row(state.position++));
            state.active = true;
        }
        if (!step(context, state, out))
            state.active = false;
    }
    return !out.empty();
}

bool emit_rows(const std::vector<TermId>& results, std::size_t width, std::size_t& next,
               RowBatch& out) {
    const std::size_t rows = results.size() / width;
    const std::size_t end = std::min(rows, next + BATCH_ROWS);
    out.ids.insert(out.ids.end(), results.begin() + static_cast<std::ptrdiff_t>(next * width),
                   results.begin() + static_cast<std::ptrdiff_t>(end * width));
    next = end;
    return next < rows;
}

} // namespace quarry::engine
