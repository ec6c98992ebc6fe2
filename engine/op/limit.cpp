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

bool Limit::produce(ExecContext& context, RowBatch& out) {
    input_.width = out.width;
    while (out.empty()) {
        if (limit_ && passed_ >= *limit_)
            return false;
        if (!child_->next(context, input_))
            return false;
        for (std::size_t row_idx = 0; row_idx < input_.size(); ++row_idx) {
            if (skipped_ < offset_) {
                ++skipped_;
                continue;
            }
            if (limit_ && passed_ >= *limit_)
                break;
            out.push(input_.row(row_idx));
            ++passed_;
        }
    }
    return true;
}

} // namespace quarry::engine
