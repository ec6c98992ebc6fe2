#include "engine/op/order.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace quarry::engine {

int compare_ids(ExecContext& context, TermId a, TermId b) {
    if (a == b)
        return 0;
    if (a == UNBOUND || b == UNBOUND)
        return a == UNBOUND ? -1 : 1;
    using storage::IdTag;
    const IdTag tag = storage::id_tag(a);
    if (tag == storage::id_tag(b) &&
        (tag == IdTag::BOOLEAN || tag == IdTag::INTEGER || tag == IdTag::DATE))
        return a < b ? -1 : 1;                // inline, biased: id order is value order
    const storage::Term& x = context.term(a); // references into the cache stay valid
    return total_order(x, context.term(b));
}

void Order::reset(OperatorState& base, const TermId* input) const {
    State& state = state_of<State>(base);
    child_->reset(*state.inputs[0], input);
    state.rows.clear();
    state.serial.clear();
    state.order.clear();
    state.input.clear();
    state.consumed = false;
    state.emitted = 0;
}

std::string Order::describe() const {
    if (keep_)
        return fmt::format("Order {} (top {})", text_, *keep_);
    return "Order " + text_;
}

bool Order::before(ExecContext& context, const State& state, std::size_t a, std::size_t b) const {
    const TermId* x = state.rows.data() + a * state.width;
    const TermId* y = state.rows.data() + b * state.width;
    for (const Key& key : keys_) {
        const int c = compare_ids(context, x[key.column], y[key.column]);
        if (c != 0)
            return key.descending ? c > 0 : c < 0;
    }
    return state.serial[a] < state.serial[b];
}

void Order::consume(ExecContext& context, State& state, std::size_t width) const {
    state.consumed = true;
    state.width = width;
    RowBatch& input = state.input;
    input.width = width;
    auto& rows = state.rows;
    auto& serials = state.serial;
    auto& order = state.order;
    OperatorState& child = *state.inputs[0];
    auto less = [&](std::size_t a, std::size_t b) { return before(context, state, a, b); };
    std::uint64_t serial = 0;
    if (keep_ && *keep_ == 0) {
        while (child_->next(context, child, input)) {
        }
        return;
    }
    std::size_t spare = SIZE_MAX; // with keep_ and the heap full: a slot for a candidate row
    while (child_->next(context, child, input)) {
        for (std::size_t row_idx = 0; row_idx < input.size(); ++row_idx, ++serial) {
            const TermId* row = input.row(row_idx);
            if (!keep_ || order.size() < *keep_) {
                rows.insert(rows.end(), row, row + width);
                serials.push_back(serial);
                order.push_back(serials.size() - 1);
                if (keep_)
                    std::push_heap(order.begin(), order.end(), less);
                continue;
            }
            if (spare == SIZE_MAX) {
                rows.resize(rows.size() + width);
                serials.push_back(0);
                spare = serials.size() - 1;
            }
            // The candidate goes into the spare slot; if it comes before the last row held
            // (the heap's top), it takes that row's place and that row's slot is the spare.
            std::copy_n(row, width, rows.begin() + static_cast<std::ptrdiff_t>(spare * width));
            serials[spare] = serial;
            if (!less(spare, order.front()))
                continue;
            std::pop_heap(order.begin(), order.end(), less);
            std::swap(order.back(), spare);
            std::push_heap(order.begin(), order.end(), less);
        }
    }
    std::sort(order.begin(), order.end(), less);
}

bool Order::produce(ExecContext& context, OperatorState& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    if (!state.consumed)
        consume(context, state, out.width);
    while (state.emitted < state.order.size() && out.size() < BATCH_ROWS)
        out.push(state.rows.data() + state.order[state.emitted++] * state.width);
    return !out.empty();
}

} // namespace quarry::engine
