#include "engine/op/block_join.hpp"

namespace quarry::engine {

void OptionalJoin::start(ExecContext&, const TermId* row) {
    block_->reset(row);
    row_ = row;
    matched_ = false;
    rows_.width = width();
}

bool OptionalJoin::step(ExecContext& context, RowBatch& out) {
    if (block_->next(context, rows_)) {
        matched_ = true;
        out.ids.insert(out.ids.end(), rows_.ids.begin(), rows_.ids.end());
        return true;
    }
    if (!matched_)
        out.push(row_);
    return false;
}

void AntiJoin::start(ExecContext& context, const TermId* row) {
    block_->reset(row);
    rows_.width = width();
    keep_ = !block_->next(context, rows_);
    row_ = row;
}

bool AntiJoin::step(ExecContext&, RowBatch& out) {
    if (keep_)
        out.push(row_);
    return false;
}

std::vector<const Operator*> UnionJoin::inputs() const {
    std::vector<const Operator*> out{child_.get()};
    for (const auto& block : blocks_)
        out.push_back(block.get());
    return out;
}

void UnionJoin::start(ExecContext&, const TermId* row) {
    row_.assign(row, row + width());
    current_ = 0;
    rows_.width = width();
    blocks_[0]->reset(row_.data());
}

bool UnionJoin::step(ExecContext& context, RowBatch& out) {
    while (current_ < blocks_.size()) {
        if (blocks_[current_]->next(context, rows_)) {
            out.ids.insert(out.ids.end(), rows_.ids.begin(), rows_.ids.end());
            return true;
        }
        if (++current_ < blocks_.size())
            blocks_[current_]->reset(row_.data());
    }
    return false;
}

} // namespace quarry::engine
