#include "engine/op/operator.hpp"

namespace quarry::engine {

bool Operator::next(ExecContext& context, RowBatch& out) {
    out.clear();
    context.check_cancelled(); // once per batch: cheap, and a batch is quick to make
    if (!timed) {
        const bool more = produce(context, out);
        rows_out += out.size();
        return more;
    }
    const auto start = std::chrono::steady_clock::now();
    const bool more = produce(context, out);
    elapsed += std::chrono::steady_clock::now() - start;
    rows_out += out.size();
    return more;
}

void Source::reset(const TermId* input) {
    std::copy(input, input + row_.size(), row_.begin());
    done_ = false;
}

bool Source::produce(ExecContext&, RowBatch& out) {
    if (done_)
        return false;
    out.push(row_.data());
    done_ = true;
    return true;
}

void RowOperator::reset(const TermId* input) {
    child_->reset(input);
    input_.clear();
    position_ = 0;
    active_ = false;
    exhausted_ = false;
    reset_state();
}

bool RowOperator::produce(ExecContext& context, RowBatch& out) {
    input_.width = child_width(out.width);
    while (out.size() < BATCH_ROWS) {
        if (!active_) {
            if (position_ >= input_.size()) {
                if (exhausted_)
                    break;
                position_ = 0;
                if (!child_->next(context, input_)) {
                    exhausted_ = true;
                    break;
                }
                continue;
            }
            start(context, input_.row(position_++));
            active_ = true;
        }
        if (!step(context, out))
            active_ = false;
    }
    return !out.empty();
}

} // namespace quarry::engine
