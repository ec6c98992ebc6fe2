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

HashAggregate::HashAggregate(OperatorPtr child, std::size_t input_width,
                             std::vector<Expression> keys, std::vector<Expression> aggregates,
                             std::string text)
    : child_(std::move(child)), input_width_(input_width), keys_(std::move(keys)),
      aggregates_(std::move(aggregates)), text_(std::move(text)) {
    for (const Expression& aggregate : aggregates_) {
        Aggregate a{};
        const std::string& f = aggregate.function;
        a.kind = aggregate.star ? Kind::COUNT_ROWS
                 : f == "count" ? Kind::COUNT
                 : f == "sum"   ? Kind::SUM
                 : f == "avg"   ? Kind::AVG
                 : f == "min"   ? Kind::MIN
                                : Kind::MAX;
        a.distinct = aggregate.distinct && !aggregate.star;
        a.arg = aggregate.star ? nullptr : &aggregate.args[0];
        a.slot = a.arg && a.arg->op == ExprOp::TERM ? a.arg->slot : SIZE_MAX;
        a.value = a.kind == Kind::COUNT_ROWS || a.kind == Kind::COUNT ? SIZE_MAX : values_++;
        plan_.push_back(a);
    }
}

StatePtr HashAggregate::make_state() const {
    auto state = std::make_unique<State>(keys_.size());
    state->seen.resize(aggregates_.size());
    state->distinct_counts.resize(aggregates_.size());
    return with_input(std::move(state), *child_);
}

void HashAggregate::reset(OperatorState& base, const TermId* input) const {
    State& state = state_of<State>(base);
    child_->reset(*state.inputs[0], input);
    state.groups.clear();
    state.first.clear();
    state.counts.clear();
    state.running.clear();
    state.seen.assign(aggregates_.size(), PairSet());
    state.distinct_counts.assign(aggregates_.size(), DistinctCounter());
    state.input.clear();
    state.consumed = false;
    state.emitted = 0;
}

void HashAggregate::accumulate(ExecContext& context, State& state, std::size_t rows) const {
    auto& counts = state.counts;
    auto& group_of = state.group_of;
    auto& arguments = state.arguments;
    auto& first_seen = state.first_seen;
    const RowBatch& input = state.input;
    const std::size_t width = aggregates_.size();
    for (std::size_t a = 0; a < width; ++a) {
        const Aggregate& aggregate = plan_[a];
        if (aggregate.kind == Kind::COUNT_ROWS) {
            for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
                ++counts[group_of[row_idx] * width + a];
            continue;
        }
        if (aggregate.kind == Kind::COUNT && !aggregate.distinct && aggregate.slot != SIZE_MAX) {
            for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) // no value needed
                counts[group_of[row_idx] * width + a] +=
                    input.row(row_idx)[aggregate.slot] != UNBOUND;
            continue;
        }
        // The argument of each row: its id (UNBOUND: nothing to count), and its value when
        // computed (or needed).
        std::vector<Value> values(aggregate.slot == SIZE_MAX ? rows : 0);
        arguments.resize(rows);
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
            const TermId* row = input.row(row_idx);
            TermId id;
            if (aggregate.slot != SIZE_MAX) {
                id = row[aggregate.slot];
            } else {
                values[row_idx] = evaluate(*aggregate.arg, row, context);
                id = !values[row_idx]     ? UNBOUND
                     : aggregate.distinct ? context.intern(values[row_idx])
                                          : 0;
            }
            arguments[row_idx] = id;
        }
        if (aggregate.kind == Kind::COUNT && aggregate.distinct) { // counted at the end
            state.distinct_counts[a].add_batch(group_of.data(), arguments.data(), rows);
            continue;
        }
        if (aggregate.distinct) {
            first_seen.resize(rows);
            state.seen[a].insert_batch(group_of.data(), arguments.data(), rows, first_seen.data());
        }
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx) {
            const TermId id = arguments[row_idx];
            if (id == UNBOUND || (aggregate.distinct && !first_seen[row_idx]))
                continue;
            const std::size_t group = group_of[row_idx];
            ++counts[group * width + a];
            if (aggregate.kind == Kind::COUNT)
                continue;
            Value value =
                aggregate.slot != SIZE_MAX ? context.value(id) : std::move(values[row_idx]);
            Running& acc = state.running[group * values_ + aggregate.value];
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

Value HashAggregate::finish(const State& state, std::size_t group, std::size_t a) const {
    const Aggregate& aggregate = plan_[a];
    const std::uint64_t count = state.counts[group * aggregates_.size() + a];
    if (aggregate.kind == Kind::COUNT_ROWS || aggregate.kind == Kind::COUNT)
        return storage::Term::integer(static_cast<std::int64_t>(count));
    const Running& acc = state.running[group * values_ + aggregate.value];
    if (aggregate.kind == Kind::SUM)
        return acc.numeric ? acc.sum : Value();
    if (aggregate.kind == Kind::AVG) {
        if (!acc.numeric || count == 0)
            return std::nullopt;
        return arithmetic(acc.sum, storage::Term::integer(static_cast<std::int64_t>(count)),
                          Arithmetic::DIVIDE);
    }
    return acc.best; // min, max
}

void HashAggregate::consume(ExecContext& context, State& state) const {
    state.consumed = true;
    RowBatch& input = state.input;
    input.width = input_width_;
    const std::size_t key_width = keys_.size();
    while (child_->next(context, *state.inputs[0], input)) {
        const std::size_t rows = input.size();
        state.keys_of_batch.resize(rows * key_width);
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
            for (std::size_t k = 0; k < key_width; ++k)
                state.keys_of_batch[row_idx * key_width + k] =
                    id_of(keys_[k], input.row(row_idx), context);
        state.group_of.resize(rows);
        state.new_group.resize(rows);
        if (key_width == 0) { // one group: nothing to hash
            std::fill(state.group_of.begin(), state.group_of.end(), 0);
            std::fill(state.new_group.begin(), state.new_group.end(), 0);
            if (state.groups.size() == 0 && rows > 0) {
                state.groups.insert(nullptr);
                state.new_group[0] = 1;
            }
        } else {
            state.groups.insert_batch(state.keys_of_batch.data(), rows, key_width,
                                      state.group_of.data(), state.new_group.data());
        }
        for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
            if (state.new_group[row_idx]) { // groups are numbered in order, so this appends
                const TermId* row = input.row(row_idx);
                state.first.insert(state.first.end(), row, row + input_width_);
            }
        state.counts.resize(state.groups.size() * aggregates_.size());
        state.running.resize(state.groups.size() * values_);
        accumulate(context, state, rows);
    }
    if (state.groups.size() == 0 && keys_.empty()) { // one row even over no solutions
        state.groups.insert(nullptr);
        state.first.assign(input_width_, UNBOUND);
        state.counts.resize(aggregates_.size());
        state.running.resize(values_);
    }
    for (std::size_t a = 0; a < aggregates_.size(); ++a)
        if (plan_[a].kind == Kind::COUNT && plan_[a].distinct)
            state.distinct_counts[a].count(state.counts.data(), aggregates_.size(), a);
}

bool HashAggregate::produce(ExecContext& context, OperatorState& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    if (!state.consumed)
        consume(context, state);
    out.width = output_width();
    std::vector<TermId> row(output_width());
    while (state.emitted < state.groups.size() && out.size() < BATCH_ROWS) {
        const std::size_t group = state.emitted++;
        std::copy_n(state.first.data() + group * input_width_, input_width_, row.begin());
        for (std::size_t a = 0; a < aggregates_.size(); ++a)
            row[input_width_ + a] = context.intern(finish(state, group, a));
        out.push(row.data());
    }
    return !out.empty();
}

} // namespace quarry::engine
