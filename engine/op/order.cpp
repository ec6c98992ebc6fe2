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
    if (tag == storage::id_tag(b) && (tag == IdTag::BOOLEAN || tag == IdTag::INTEGER || tag == IdTag::DATE))
        return a < b ? -1 : 1; // inline, biased: id order is value order
    const storage::Term& x = context.term(a); // references into the cache stay valid
    return total_order(x, context.term(b));
}

void Order::reset(const TermId* input) {
    child_->reset(input);
    rows_.clear();
    serial_.clear();
    order_.clear();
    input_.clear();
    consumed_ = false;
    emitted_ = 0;
}

std::string Order::describe() const {
    if (keep_)
        return fmt::format("Order {} (top {})", text_, *keep_);
    return "Order " + text_;
}

bool Order::before(ExecContext& context, std::size_t a, std::size_t b) const {
    const TermId* x = rows_.data() + a * width_;
    const TermId* y = rows_.data() + b * width_;
    for (const Key& key : keys_) {
        const int c = compare_ids(context, x[key.column], y[key.column]);
        if (c != 0)
            return key.descending ? c > 0 : c < 0;
    }
    return serial_[a] < serial_[b];
}

void Order::consume(ExecContext& context, std::size_t width) {
    consumed_ = true;
    width_ = width;
    input_.width = width;
    auto less = [&](std::size_t a, std::size_t b) { return before(context, a, b); };
    std::uint64_t serial = 0;
    if (keep_ && *keep_ == 0) {
        while (child_->next(context, input_)) {
        }
        return;
    }
    std::size_t spare = SIZE_MAX; // with keep_ and the heap full: a slot for a candidate row
    while (child_->next(context, input_)) {
        for (std::size_t row_idx = 0; row_idx < input_.size(); ++row_idx, ++serial) {
            const TermId* row = input_.row(row_idx);
            if (!keep_ || order_.size() < *keep_) {
                rows_.insert(rows_.end(), row, row + width);
                serial_.push_back(serial);
                order_.push_back(serial_.size() - 1);
                if (keep_)
                    std::push_heap(order_.begin(), order_.end(), less);
                continue;
            }
            if (spare == SIZE_MAX) {
                rows_.resize(rows_.size() + width);
                serial_.push_back(0);
                spare = serial_.size() - 1;
            }
            // The candidate goes into the spare slot; if it comes before the last row held
            // (the heap's top), it takes that row's place and that row's slot is the spare.
            std::copy_n(row, width, rows_.begin() + static_cast<std::ptrdiff_t>(spare * width));
            serial_[spare] = serial;
            if (!less(spare, order_.front()))
                continue;
            std::pop_heap(order_.begin(), order_.end(), less);
            std::swap(order_.back(), spare);
            std::push_heap(order_.begin(), order_.end(), less);
        }
    }
    std::sort(order_.begin(), order_.end(), less);
}

bool Order::produce(ExecContext& context, RowBatch& out) {
    if (!consumed_)
        consume(context, out.width);
    while (emitted_ < order_.size() && out.size() < BATCH_ROWS)
        out.push(rows_.data() + order_[emitted_++] * width_);
    return !out.empty();
}

} // namespace quarry::engine
