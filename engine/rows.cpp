#include "engine/rows.hpp"

bool quarry::Rows::read(Row& row) {
    auto next_row = next();
    if (!next_row)
        return false;
    row = std::move(*next_row);
    return true;
}

namespace quarry::engine {

std::optional<RunSpares::Spare> RunSpares::take() {
    const std::lock_guard lock(mutex_);
    std::optional<Spare> out = std::move(spare_);
    spare_.reset();
    return out;
}

void RunSpares::give(Spare spare) {
    const std::lock_guard lock(mutex_);
    spare_ = std::move(spare);
}

QueryRun::QueryRun(std::shared_ptr<const QueryPlan> plan, std::unique_ptr<ExecContext> context,
                   std::shared_ptr<void> keep, const std::vector<TermId>& inputs, StatePtr state,
                   std::shared_ptr<RunSpares> spares)
    : plan_(std::move(plan)), spares_(std::move(spares)), keep_(std::move(keep)),
      context_(std::move(context)), state_(state ? std::move(state) : plan_->root->make_state()) {
    batch_.width = plan_->output_width;
    context_->set_asserted_only(plan_->asserted_only);
    if (inputs.empty()) {
        const std::vector<TermId> unbound(plan_->width, UNBOUND);
        plan_->root->reset(*state_, unbound.data());
    } else {
        plan_->root->reset(*state_, inputs.data());
    }
}

QueryRun::~QueryRun() {
    // Only a run read to its end: one given up half-way (cancelled, or an error) may have
    // left a table half built. The state may hold cursors of the transaction that ends
    // with the run: a read-only one's may be closed after it ends, and the next run's reset
    // closes them.
    if (spares_ && done_)
        spares_->give({std::move(context_), std::move(state_)});
}

std::optional<Row> QueryRun::next() {
    Row row;
    if (!read(row))
        return std::nullopt;
    return row;
}

bool QueryRun::read(Row& out) {
    while (position_ >= batch_.size()) {
        if (done_ || !plan_->root->next(*context_, *state_, batch_)) {
            done_ = true;
            return false;
        }
        position_ = 0;
    }
    const TermId* row = batch_.row(position_++);
    ExecContext& context = *context_;
    out.resize(plan_->columns.size());
    for (std::size_t column_idx = 0; column_idx < out.size(); ++column_idx) {
        const TermId id = row[column_idx];
        if (id == UNBOUND)
            out[column_idx].reset();
        else if (storage::is_inline(id))
            out[column_idx] = storage::decode_inline(id); // no look-up
        else if (out[column_idx])
            *out[column_idx] = context.term(id); // copy-assigned: buffers kept
        else
            out[column_idx].emplace(context.term(id));
    }
    return true;
}

} // namespace quarry::engine
