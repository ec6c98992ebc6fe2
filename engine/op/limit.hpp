#pragma once

// `offset` and `limit`: skips the first rows, passes at most `limit` of the rest, and then
// stops asking its input, so a limited query without order by reads only what it returns.

#include "engine/op/operator.hpp"

#include <optional>

namespace quarry::engine {

class Limit : public Operator {
public:
    Limit(OperatorPtr child, std::optional<std::uint64_t> limit, std::uint64_t offset)
        : child_(std::move(child)), limit_(limit), offset_(offset) {}

    struct State : OperatorState {
        RowBatch input;
        std::uint64_t skipped = 0;
        std::uint64_t passed = 0;
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }
    void reset(OperatorState& base, const TermId* input) const override {
        State& state = state_of<State>(base);
        child_->reset(*state.inputs[0], input);
        state.skipped = 0;
        state.passed = 0;
    }
    std::string describe() const override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, OperatorState& state, RowBatch& out) const override;

private:
    OperatorPtr child_;
    std::optional<std::uint64_t> limit_;
    std::uint64_t offset_;
};

} // namespace quarry::engine
