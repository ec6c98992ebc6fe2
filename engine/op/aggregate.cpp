#include "engine/op/aggregate.hpp"

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
      aggregates_(std::move(aggregates)), text_(std::move(text)), groups_(keys_.size()),
      key_(keys_.size()) {}

void HashAggregate::reset(const TermId* input) {
    child_->reset(input);
    groups_.clear();
    first_.clear();
    totals_.clear();
    seen_.clear();
    input_.clear();
    consumed_ = false;
    emitted_ = 0;
}

void HashAggregate::accumulate(ExecContext& context, std::size_t group, const TermId* row) {
    for (std::size_t a = 0; a < aggregates_.size(); ++a) {
        const Expression& aggregate = aggregates_[a];
        Accumulator& acc = totals_[group * aggregates_.size() + a];
        if (aggregate.star) {
            ++acc.count;
            continue;
        }
        const Expression& arg = aggregate.args[0];
        const bool plain = arg.op == ExprOp::TERM && arg.slot != SIZE_MAX;
        const std::string& f = aggregate.function;
        if (f == "count" && !aggregate.distinct && plain) { // the common case: no value needed
            acc.count += row[arg.slot] != UNBOUND;
            continue;
        }
        Value value;
        TermId id;
        if (plain) {
            id = row[arg.slot];
            if (id == UNBOUND)
                continue;
        } else {
            value = evaluate(arg, row, context);
            if (!value)
                continue;
            id = aggregate.distinct ? context.intern(value) : UNBOUND;
        }
        if (aggregate.distinct) {
            const TermId entry[3] = {group, a, id};
            if (!seen_.insert(entry).second)
                continue;
        }
        ++acc.count;
        if (f == "count")
            continue;
        if (plain)
            value = context.value(id);
        if (f == "sum" || f == "avg") {
            if (!acc.numeric)
                continue;
            Value total = arithmetic(acc.sum, value, Arithmetic::ADD);
            if (!total)
                acc.numeric = false;
            else
                acc.sum = std::move(total);
        } else { // min, max
            const int c = acc.best ? total_order(value, acc.best) : 0;
            if (!acc.best || (f == "min" ? c < 0 : c > 0))
                acc.best = std::move(value);
        }
    }
}

Value HashAggregate::finish(const Expression& aggregate, const Accumulator& acc) const {
    const std::string& f = aggregate.function;
    if (f == "count")
        return storage::Term::integer(static_cast<std::int64_t>(acc.count));
    if (f == "sum")
        return acc.numeric ? acc.sum : Value();
    if (f == "avg") {
        if (!acc.numeric || acc.count == 0)
            return std::nullopt;
        return arithmetic(acc.sum, storage::Term::integer(static_cast<std::int64_t>(acc.count)),
                          Arithmetic::DIVIDE);
    }
    return acc.best; // min, max
}

void HashAggregate::consume(ExecContext& context) {
    consumed_ = true;
    input_.width = input_width_;
    while (child_->next(context, input_)) {
        for (std::size_t row_idx = 0; row_idx < input_.size(); ++row_idx) {
            const TermId* row = input_.row(row_idx);
            for (std::size_t k = 0; k < keys_.size(); ++k)
                key_[k] = id_of(keys_[k], row, context);
            const auto [group, added] = groups_.insert(key_.data());
            if (added) {
                first_.insert(first_.end(), row, row + input_width_);
                totals_.resize(totals_.size() + aggregates_.size());
            }
            accumulate(context, group, row);
        }
    }
    if (groups_.size() == 0 && keys_.empty()) { // one row even over no solutions
        groups_.insert(key_.data());
        first_.assign(input_width_, UNBOUND);
        totals_.resize(aggregates_.size());
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
            row[input_width_ + a] = context.intern(finish(aggregates_[a], totals_[group * aggregates_.size() + a]));
        out.push(row.data());
    }
    return !out.empty();
}

} // namespace quarry::engine
