#include "engine/op/merge_join.hpp"

#include <fmt/format.h>

namespace quarry::engine {

std::string MergeJoin::describe() const {
    return fmt::format("MergeJoin {} with {} on ?{} index {} and {}", left_.text, right_.text, variable_,
                       storage::permutation_name(left_.planned_index),
                       storage::permutation_name(right_.planned_index));
}

void MergeJoin::start(ExecContext& context, const TermId* row) {
    row_.assign(row, row + width());
    left_scan_.reset();
    right_scan_.reset();
    left_next_.reset();
    right_next_.reset();
    left_group_.clear();
    right_group_.clear();
    groups_ready_ = false;
    const auto left = IndexJoin::pattern(left_, row);
    const auto right = IndexJoin::pattern(right_, row);
    if (!left || !right)
        return;
    left_scan_.emplace(context.scan(*left, left_.mode));
    right_scan_.emplace(context.scan(*right, right_.mode));
    left_next_ = left_scan_->next();
    right_next_ = right_scan_->next();
}

bool MergeJoin::next_group(std::optional<storage::QuadScan>& scan, std::optional<storage::Quad>& lookahead,
                           unsigned position, std::vector<storage::Quad>& group) {
    group.clear();
    if (!lookahead)
        return false;
    const TermId value = (*lookahead)[position];
    while (lookahead && (*lookahead)[position] == value) {
        group.push_back(*lookahead);
        lookahead = scan->next();
    }
    return true;
}

void MergeJoin::advance(storage::QuadScan& scan, std::optional<storage::Quad>& lookahead, unsigned position,
                        TermId target) {
    // A few steps first: where the values are dense, stepping is cheaper than a seek.
    for (int i = 0; i < 4; ++i) {
        lookahead = scan.next();
        if (!lookahead || (*lookahead)[position] >= target)
            return;
    }
    if (!seek_)
        return;
    // The key of the first fact with `target` there: the scan's bound prefix (every fact
    // of the scan has it), then the target, then the smallest ids.
    storage::Key key = storage::to_key(scan.permutation(), *lookahead);
    const auto ord = storage::order(scan.permutation());
    unsigned index = 0;
    while (ord[index] != position)
        ++index;
    key[index] = target;
    for (unsigned i = index + 1; i < 4; ++i)
        key[i] = 0;
    scan.seek(key);
    lookahead = scan.next();
}

bool MergeJoin::step(ExecContext&, RowBatch& out) {
    if (!left_scan_)
        return false;
    extended_.resize(row_.size());
    std::size_t produced = 0;
    for (;;) {
        if (!groups_ready_) {
            // Advance the side with the smaller value until both agree.
            while (left_next_ && right_next_ &&
                   (*left_next_)[left_position_] != (*right_next_)[right_position_]) {
                if ((*left_next_)[left_position_] < (*right_next_)[right_position_])
                    advance(*left_scan_, left_next_, left_position_, (*right_next_)[right_position_]);
                else
                    advance(*right_scan_, right_next_, right_position_, (*left_next_)[left_position_]);
            }
            if (!next_group(left_scan_, left_next_, left_position_, left_group_) ||
                !next_group(right_scan_, right_next_, right_position_, right_group_))
                return false;
            groups_ready_ = true;
            i_ = j_ = 0;
        }
        for (; i_ < left_group_.size(); ++i_, j_ = 0) {
            for (; j_ < right_group_.size(); ++j_) {
                if (produced == BATCH_ROWS)
                    return true;
                std::copy(row_.begin(), row_.end(), extended_.begin());
                if (IndexJoin::bind(left_, left_group_[i_], extended_.data()) &&
                    IndexJoin::bind(right_, right_group_[j_], extended_.data())) {
                    out.push(extended_.data());
                    ++produced;
                }
            }
        }
        groups_ready_ = false;
    }
}

} // namespace quarry::engine
