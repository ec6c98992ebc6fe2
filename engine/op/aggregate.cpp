#include "engine/op/aggregate.hpp"

#include <algorithm>

namespace quarry::engine {

using parser::ast::ExprOp;

namespace {

// The id of an expression over a row: a variable's slot as it is, anything else
// evaluated and interned.
TermId id_of(const Expression& expr, const TermId* row, ExecContext& context) {
    if (expr.op == ExprOp::TERM && expr.slot != SIZE_MAX)
        return row[expr.slot];
    return context.intern(evaluate(expr, row, context));
}

} // namespace

HashAggregate::HashAggregate(OperatorPtr child, std::size_t input_width, std::vector<Expression> keys,
                             std::vector<Expression> aggregates, std::string text)
    : child_(std::move(child)), input_width_(input_width), keys_(std::move(keys)),
      aggregates_(std::move(aggregates)), text_(std::move(text)), groups_(keys_.size()) {
    for (const Expression& aggregate : aggregates_) {
        Aggregate a{};
        const std::string& f = aggregate.function;
        a.kind = aggregate.star ? Kind::COUNT_ROWS
               : f == "count"   ? Kind::COUNT
               : f == "sum"     ? Kind::SUM
               : f == "avg"     ? Kind::AVG
               : f == "min"     ? Kind::MIN
                                : Kind::MAX;
        a.distinct = aggregate.distinct && !aggregate.star;
        a.arg = aggregate.star ? nullptr : &aggregate.args[0];
        a.slot = a.arg && a.arg->op == ExprOp::TERM ? a.arg->slot : SIZE_MAX;
        a.value = a.kind == Kind::COUNT_ROWS || a.kind == Kind::COUNT ? SIZE_MAX : values_++;
        plan_.push_back(a);
    }
    seen_.resize(aggregates_.size());
}

void HashAggregate::reset(const TermId* input) {
    child_->reset(input);
    groups_.clear();
    first_.clear();
    counts_.clear();
    running_.clear();
    seen_.assign(aggregates_.size(), PairSet());
    input_.clear();
    consumed_ = false;
    emitted_ = 0;
}

void HashAggregate::accumulate(ExecContext& context, std::size_t rows) {
    const std::size_t width = aggregates_.size();
    for (std::size_t a = 0; a < width; ++a) {
        const Aggregate& aggregate = plan_[a];
        if (aggregate.kind == Kind::COUNT_ROWS) {
            for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
                ++counts_[group_of_[row_idx] * width + a];
            continue;
        }
        if (aggregate.kind == Kind::COUNT && !aggregate.distinct && aggregate.slot != SIZE_MAX) {
            for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) // no value needed
                counts_[group_of_[row_idx] * width + a] += input_.row(row_idx)[aggregate.slot] != UNBOUND;
            continue;
        }
        // The argument of each row: its id (UNBOUND: nothing to count), and its value when
        // computed (or needed).
        std::vector<Value> values(aggregate.slot == SIZE_MAX ? rows : 0);
        arguments_.resize(rows);
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
            const TermId* row = input_.row(row_idx);
            TermId id;
            if (aggregate.slot != SIZE_MAX) {
                id = row[aggregate.slot];
            } else {
                values[row_idx] = evaluate(*aggregate.arg, row, context);
                id = !values[row_idx] ? UNBOUND : aggregate.distinct ? context.intern(values[row_idx]) : 0;
            }
            arguments_[row_idx] = id;
        }
        if (aggregate.distinct) {
            first_seen_.resize(rows);
            seen_[a].insert_batch(group_of_.data(), arguments_.data(), rows, first_seen_.data());
        }
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
            const TermId id = arguments_[row_idx];
            if (id == UNBOUND || (aggregate.distinct && !first_seen_[row_idx]))
                continue;
            const std::size_t group = group_of_[row_idx];
            ++counts_[group * width + a];
            if (aggregate.kind == Kind::COUNT)
                continue;
            Value value = aggregate.slot != SIZE_MAX ? context.value(id) : std::move(values[row_idx]);
            Running& acc = running_[group * values_ + aggregate.value];
            if (aggregate.kind == Kind::SUM || aggregate.kind == Kind::AVG) {
                if (!acc.numeric)
                    continue;
                Value total = arithmetic(acc.sum, value, Arithmetic::ADD);
                if (!total)
                    acc.numeric = false;
                else
                    acc.sum = std::move(total);
            } else {
                const int c = acc.best ? total_order(value, acc.best) : 0;
                if (!acc.best || (aggregate.kind == Kind::MIN ? c < 0 : c > 0))
                    acc.best = std::move(value);
            }
        }
    }
}

Value HashAggregate::finish(std::size_t group, std::size_t a) const {
    const Aggregate& aggregate = plan_[a];
    const std::uint64_t count = counts_[group * aggregates_.size() + a];
    if (aggregate.kind == Kind::COUNT_ROWS || aggregate.kind == Kind::COUNT)
        return storage::Term::integer(static_cast<std::int64_t>(count));
    const Running& acc = running_[group * values_ + aggregate.value];
    if (aggregate.kind == Kind::SUM)
        return acc.numeric ? acc.sum : Value();
    if (aggregate.kind == Kind::AVG) {
        if (!acc.numeric || count == 0)
            return std::nullopt;
        return arithmetic(acc.sum, storage::Term::integer(static_cast<std::int64_t>(count)), Arithmetic::DIVIDE);
    }
    return acc.best; // min, max
}

void HashAggregate::consume(ExecContext& context) {
    consumed_ = true;
    input_.width = input_width_;
    const std::size_t key_width = keys_.size();
    while (child_->next(context, input_)) {
        const std::size_t rows = input_.size();
        keys_of_batch_.resize(rows * key_width);
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
            for (std::size_t k = 0; k < key_width; ++k)
                keys_of_batch_[row_idx * key_width + k] = id_of(keys_[k], input_.row(row_idx), context);
        group_of_.resize(rows);
        new_group_.resize(rows);
        if (key_width == 0) { // one group: nothing to hash
            std::fill(group_of_.begin(), group_of_.end(), 0);
            std::fill(new_group_.begin(), new_group_.end(), 0);
            if (groups_.size() == 0 && rows > 0) {
                groups_.insert(nullptr);
                new_group_[0] = 1;
            }
        } else {
            groups_.insert_batch(keys_of_batch_.data(), rows, key_width, group_of_.data(), new_group_.data());
        }
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
            if (new_group_[row_idx]) { // groups are numbered in order, so this appends
                const TermId* row = input_.row(row_idx);
                first_.insert(first_.end(), row, row + input_width_);
            }
        counts_.resize(groups_.size() * aggregates_.size());
        running_.resize(groups_.size() * values_);
        accumulate(context, rows);
    }
    if (groups_.size() == 0 && keys_.empty()) { // one row even over no solutions
        groups_.insert(nullptr);
        first_.assign(input_width_, UNBOUND);
        counts_.resize(aggregates_.size());
        running_.resize(values_);
    }
}

bool HashAggregate::produce(ExecContext& context, RowBatch& out) {
    if (!consumed_)
        consume(context);
    out.width = output_width();
    std::vector<TermId> row(output_width());
    while (emitted_ < groups_.size() && out.size() < BATCH_ROWS) {
        const std::size_t group = emitted_++;
        std::copy_n(first_.data() + group * input_width_, input_width_, row.begin());
        for (std::size_t a = 0; a < aggregates_.size(); ++a)
            row[input_width_ + a] = context.intern(finish(group, a));
        out.push(row.data());
    }
    return !out.empty();
}

} // namespace quarry::engine
