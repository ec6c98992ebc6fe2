#include "engine/op/block_join.hpp"

namespace quarry::engine {

// The block's state is the second input's.

void OptionalJoin::start(ExecContext&, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    block_->reset(*state.inputs[1], row);
    state.row = row;
    state.matched = false;
    state.rows.width = width(state);
}

bool OptionalJoin::step(ExecContext& context, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    if (block_->next(context, *state.inputs[1], state.rows)) {
        state.matched = true;
        out.ids.insert(out.ids.end(), state.rows.ids.begin(), state.rows.ids.end());
        return true;
    }
    if (!state.matched)
        out.push(state.row);
    return false;
}

void AntiJoin::start(ExecContext& context, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    block_->reset(*state.inputs[1], row);
    state.rows.width = width(state);
    state.keep = !block_->next(context, *state.inputs[1], state.rows);
    state.row = row;
}

bool AntiJoin::step(ExecContext&, RowOperator::State& base, RowBatch& out) const {
    const State& state = state_of<State>(base);
    if (state.keep)
        out.push(state.row);
    return false;
}

std::vector<const Operator*> UnionJoin::inputs() const {
    std::vector<const Operator*> out{child_.get()};
    for (const auto& block : blocks_)
        out.push_back(block.get());
    return out;
}

// Block i's state is input i + 1's.

void UnionJoin::start(ExecContext&, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    state.row.assign(row, row + width(state));
    state.current = 0;
    state.rows.width = width(state);
    blocks_[0]->reset(*state.inputs[1], state.row.data());
}

bool UnionJoin::step(ExecContext& context, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    while (state.current < blocks_.size()) {
        if (blocks_[state.current]->next(context, *state.inputs[state.current + 1], state.rows)) {
            out.ids.insert(out.ids.end(), state.rows.ids.begin(), state.rows.ids.end());
            return true;
        }
        if (++state.current < blocks_.size())
            blocks_[state.current]->reset(*state.inputs[state.current + 1], state.row.data());
    }
    return false;
}

} // namespace quarry::engine
