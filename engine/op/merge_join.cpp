#include "engine/op/merge_join.hpp"

#include <fmt/format.h>

namespace quarry::engine {

std::string MergeJoin::describe() const {
    return fmt::format("MergeJoin {} with {} on ?{} index {} and {}", left_.text, right_.text,
                       variable_, storage::permutation_name(left_.planned_index),
                       storage::permutation_name(right_.planned_index));
}

void MergeJoin::start(ExecContext& context, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    state.row.assign(row, row + width(state));
    state.left_scan.reset();
    state.right_scan.reset();
    state.left_next.reset();
    state.right_next.reset();
    state.left_group.clear();
    state.right_group.clear();
    state.groups_ready = false;
    const auto left = IndexJoin::pattern(left_, row);
    const auto right = IndexJoin::pattern(right_, row);
    if (!left || !right)
        return;
    state.left_scan.emplace(context.scan(*left, left_.mode));
    state.right_scan.emplace(context.scan(*right, right_.mode));
    state.left_next = state.left_scan->next();
    state.right_next = state.right_scan->next();
}

bool MergeJoin::next_group(std::optional<storage::QuadScan>& scan,
                           std::optional<storage::Quad>& lookahead, unsigned position,
                           std::vector<storage::Quad>& group) {
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

void MergeJoin::advance(storage::QuadScan& scan, std::optional<storage::Quad>& lookahead,
                        unsigned position, TermId target) const {
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

bool MergeJoin::step(ExecContext&, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    if (!state.left_scan)
        return false;
    state.extended.resize(state.row.size());
    std::size_t produced = 0;
    for (;;) {
        if (!state.groups_ready) {
            // Advance the side with the smaller value until both agree.
            while (state.left_next && state.right_next &&
                   (*state.left_next)[left_position_] != (*state.right_next)[right_position_]) {
                if ((*state.left_next)[left_position_] < (*state.right_next)[right_position_])
                    advance(*state.left_scan, state.left_next, left_position_,
                            (*state.right_next)[right_position_]);
                else
                    advance(*state.right_scan, state.right_next, right_position_,
                            (*state.left_next)[left_position_]);
            }
            if (!next_group(state.left_scan, state.left_next, left_position_, state.left_group) ||
                !next_group(state.right_scan, state.right_next, right_position_, state.right_group))
                return false;
            state.groups_ready = true;
            state.i = state.j = 0;
        }
        for (; state.i < state.left_group.size(); ++state.i, state.j = 0) {
            for (; state.j < state.right_group.size(); ++state.j) {
                if (produced == BATCH_ROWS)
                    return true;
                std::copy(state.row.begin(), state.row.end(), state.extended.begin());
                if (IndexJoin::bind(left_, state.left_group[state.i], state.extended.data()) &&
                    IndexJoin::bind(right_, state.right_group[state.j], state.extended.data())) {
                    out.push(state.extended.data());
                    ++produced;
                }
            }
        }
        state.groups_ready = false;
    }
}

} // namespace quarry::engine
