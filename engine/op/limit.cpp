#include "engine/op/limit.hpp"

#include <fmt/format.h>

namespace quarry::engine {

std::string Limit::describe() const {
    std::string text = "Limit";
    if (limit_)
        text += fmt::format(" {}", *limit_);
    if (offset_)
        text += fmt::format(" offset {}", offset_);
    return text;
}

bool Limit::produce(ExecContext& context, OperatorState& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    RowBatch& input = state.input;
    input.width = out.width;
    while (out.empty()) {
        if (limit_ && state.passed >= *limit_)
            return false;
        if (!child_->next(context, *state.inputs[0], input))
            return false;
        for (std::size_t row_idx = 0; row_idx < input.size(); ++row_idx) {
            if (state.skipped < offset_) {
                ++state.skipped;
                continue;
            }
            if (limit_ && state.passed >= *limit_)
                break;
            out.push(input.row(row_idx));
            ++state.passed;
        }
    }
    return true;
}

} // namespace quarry::engine
