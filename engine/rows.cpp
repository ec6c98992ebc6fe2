#include "engine/rows.hpp"

bool quarry::Rows::read(Row& row) {
    auto next_row = next();
    if (!next_row)
        return false;
    row = std::move(*next_row);
    return true;
}

namespace quarry::engine {

namespace {

class QueryRows : public Rows {
public:
    explicit QueryRows(std::unique_ptr<QueryPlan> plan) : owned_(std::move(plan)), plan_(owned_.get()) {
        start();
    }
    QueryRows(QueryPlan& plan, std::shared_ptr<void> keep) : keep_(std::move(keep)), plan_(&plan) { start(); }

    const std::vector<std::string>& columns() const override { return plan_->columns; }

    std::optional<Row> next() override {
        Row row;
        if (!read(row))
            return std::nullopt;
        return row;
    }

    // Decodes the next row's columns into `out`, reusing its values' storage.
    bool read(Row& out) override {
        while (position_ >= batch_.size()) {
            if (done_ || !plan_->root->next(*plan_->context, batch_)) {
                done_ = true;
                return false;
            }
            position_ = 0;
        }
        const TermId* row = batch_.row(position_++);
        ExecContext& context = *plan_->context;
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

private:
    void start() {
        batch_.width = plan_->output_width;
        if (plan_->inputs.empty()) {
            const std::vector<TermId> unbound(plan_->width, UNBOUND);
            plan_->root->reset(unbound.data());
        } else {
            plan_->root->reset(plan_->inputs.data());
        }
    }

    std::unique_ptr<QueryPlan> owned_; // null when the plan outlives the rows
    std::shared_ptr<void> keep_;       // then, what the rows read from
    QueryPlan* plan_;
    RowBatch batch_;
    std::size_t position_ = 0;
    bool done_ = false;
};

} // namespace

std::unique_ptr<Rows> make_query_rows(std::unique_ptr<QueryPlan> plan) {
    return std::make_unique<QueryRows>(std::move(plan));
}

std::unique_ptr<Rows> make_query_rows(QueryPlan& plan, std::shared_ptr<void> keep) {
    return std::make_unique<QueryRows>(plan, std::move(keep));
}

} // namespace quarry::engine
