#include "engine/rows.hpp"

#include <algorithm>
#include <map>

namespace quarry::engine {

bool Rows::read(Row& row) {
    auto next_row = next();
    if (!next_row)
        return false;
    row = std::move(*next_row);
    return true;
}

namespace {

struct RowLess {
    bool operator()(const Row& a, const Row& b) const {
        for (std::size_t i = 0; i < a.size(); ++i)
            if (const int c = total_order(a[i], b[i]); c != 0)
                return c < 0;
        return false;
    }
};

struct ValueLess {
    bool operator()(const Value& a, const Value& b) const { return total_order(a, b) < 0; }
};

// The running value of one aggregate over one group.
struct Accumulator {
    std::uint64_t count = 0;
    Value sum = storage::Term::integer(0);
    bool numeric = true;
    Value best;
    std::set<Value, ValueLess> seen;
};

Value finish(const Expression& aggregate, const Accumulator& acc) {
    const std::string& f = aggregate.function;
    if (f == "count")
        return storage::Term::integer(static_cast<std::int64_t>(aggregate.distinct ? acc.seen.size() : acc.count));
    if (f == "sum")
        return acc.numeric ? acc.sum : Value();
    if (f == "avg") {
        const std::uint64_t n = aggregate.distinct ? acc.seen.size() : acc.count;
        if (!acc.numeric || n == 0)
            return std::nullopt;
        return arithmetic(acc.sum, storage::Term::integer(static_cast<std::int64_t>(n)), Arithmetic::DIVIDE);
    }
    return acc.best; // min, max
}

void accumulate(const Expression& aggregate, Accumulator& acc, const Value& value, bool star) {
    if (star) {
        ++acc.count;
        return;
    }
    if (!value)
        return;
    if (aggregate.distinct && !acc.seen.insert(value).second)
        return;
    ++acc.count;
    const std::string& f = aggregate.function;
    if (f == "sum" || f == "avg") {
        const Value total = arithmetic(acc.sum, value, Arithmetic::ADD);
        if (!total)
            acc.numeric = false;
        else
            acc.sum = total;
    } else if (f == "min" || f == "max") {
        const int c = acc.best ? total_order(value, acc.best) : 0;
        if (!acc.best || (f == "min" ? c < 0 : c > 0))
            acc.best = value;
    }
}

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

    bool read(Row& out) override {
        if (plan_->limit && emitted_ >= *plan_->limit)
            return false;
        if (streaming_) {
            while (auto row = next_solution()) {
                if (skipped_ < plan_->offset) {
                    ++skipped_;
                    continue;
                }
                ++emitted_;
                project_into(row, out);
                return true;
            }
            return false;
        }
        if (!materialized_)
            materialize();
        if (position_ >= results_.size())
            return false;
        ++emitted_;
        out = std::move(results_[position_++]);
        return true;
    }

private:
    void start() {
        batch_.width = plan_->width;
        if (plan_->inputs.empty()) {
            const std::vector<TermId> unbound(plan_->width, UNBOUND);
            plan_->root->reset(unbound.data());
        } else {
            plan_->root->reset(plan_->inputs.data());
        }
        streaming_ = !plan_->grouped && !plan_->distinct && plan_->order.empty();
    }

    // The next solution of the plan, as a row of ids (valid until the next call).
    const TermId* next_solution() {
        while (batch_position_ >= batch_.size()) {
            if (done_ || !plan_->root->next(*plan_->context, batch_)) {
                done_ = true;
                return nullptr;
            }
            batch_position_ = 0;
        }
        return batch_.row(batch_position_++);
    }

    Row project(const TermId* row, const std::vector<Value>* aggregates = nullptr) {
        Row out;
        out.reserve(plan_->items.size());
        for (const Expression& item : plan_->items)
            out.push_back(evaluate(item, row, *plan_->context, aggregates));
        return out;
    }

    // project() into `out`, reusing its values' storage where an item is a variable.
    void project_into(const TermId* row, Row& out) {
        out.resize(plan_->items.size());
        for (std::size_t i = 0; i < plan_->items.size(); ++i) {
            const Expression& item = plan_->items[i];
            if (item.op != parser::ast::ExprOp::TERM || item.slot == SIZE_MAX) {
                out[i] = evaluate(item, row, *plan_->context);
            } else if (row[item.slot] == UNBOUND) {
                out[i].reset();
            } else if (out[i]) {
                *out[i] = plan_->context->term(row[item.slot]); // copy-assigned: buffers kept
            } else {
                out[i].emplace(plan_->context->term(row[item.slot]));
            }
        }
    }

    Row sort_key(const TermId* row, const Row& projected, const std::vector<Value>* aggregates) {
        Row key;
        for (const auto& k : plan_->order)
            key.push_back(k.column ? projected[*k.column] : evaluate(k.expr, row, *plan_->context, aggregates));
        return key;
    }

    void materialize() {
        materialized_ = true;
        std::vector<std::pair<Row, Row>> rows; // (sort key, projected row)
        if (plan_->grouped) {
            struct Group {
                std::vector<TermId> first; // a representative solution
                std::vector<Accumulator> accumulators;
            };
            std::map<Row, Group, RowLess> groups;
            std::vector<const Row*> order_of_groups;
            std::vector<std::size_t> key_items;
            for (std::size_t i = 0; i < plan_->items.size(); ++i)
                if (!contains_aggregate(plan_->items[i]))
                    key_items.push_back(i);
            while (const TermId* row = next_solution()) {
                Row key;
                for (std::size_t i : key_items)
                    key.push_back(evaluate(plan_->items[i], row, *plan_->context));
                auto [it, added] = groups.try_emplace(std::move(key));
                if (added) {
                    it->second.first.assign(row, row + plan_->width);
                    it->second.accumulators.resize(plan_->aggregates.size());
                    order_of_groups.push_back(&it->first);
                }
                for (std::size_t a = 0; a < plan_->aggregates.size(); ++a) {
                    const Expression& aggregate = plan_->aggregates[a];
                    const Value value = aggregate.star ? Value()
                                                       : evaluate(aggregate.args[0], row, *plan_->context);
                    accumulate(aggregate, it->second.accumulators[a], value, aggregate.star);
                }
            }
            if (groups.empty() && key_items.empty()) { // one row even over no solutions
                Group& group = groups[Row{}];
                group.first.assign(plan_->width, UNBOUND);
                group.accumulators.resize(plan_->aggregates.size());
                order_of_groups.push_back(&groups.begin()->first);
            }
            for (const Row* key : order_of_groups) {
                const Group& group = groups.at(*key);
                std::vector<Value> values;
                for (std::size_t a = 0; a < plan_->aggregates.size(); ++a)
                    values.push_back(finish(plan_->aggregates[a], group.accumulators[a]));
                Row projected = project(group.first.data(), &values);
                Row key_values = sort_key(group.first.data(), projected, &values);
                rows.emplace_back(std::move(key_values), std::move(projected));
            }
        } else {
            while (const TermId* row = next_solution()) {
                Row projected = project(row);
                Row key = sort_key(row, projected, nullptr);
                rows.emplace_back(std::move(key), std::move(projected));
            }
        }
        if (plan_->distinct) {
            std::set<Row, RowLess> seen;
            std::vector<std::pair<Row, Row>> unique;
            for (auto& entry : rows)
                if (seen.insert(entry.second).second)
                    unique.push_back(std::move(entry));
            rows = std::move(unique);
        }
        if (!plan_->order.empty()) {
            std::stable_sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
                for (std::size_t k = 0; k < plan_->order.size(); ++k) {
                    const int c = total_order(a.first[k], b.first[k]);
                    if (c != 0)
                        return plan_->order[k].descending ? c > 0 : c < 0;
                }
                return false;
            });
        }
        const std::size_t start = std::min<std::size_t>(plan_->offset, rows.size());
        std::size_t end = rows.size();
        if (plan_->limit)
            end = std::min<std::size_t>(end, start + *plan_->limit);
        for (std::size_t i = start; i < end; ++i)
            results_.push_back(std::move(rows[i].second));
    }

    static bool contains_aggregate(const Expression& expr) {
        if (expr.op == parser::ast::ExprOp::AGGREGATE)
            return true;
        return std::any_of(expr.args.begin(), expr.args.end(), contains_aggregate);
    }

    std::unique_ptr<QueryPlan> owned_; // null when the plan outlives the rows
    std::shared_ptr<void> keep_;       // then, what the rows read from
    QueryPlan* plan_;
    RowBatch batch_;
    std::size_t batch_position_ = 0;
    bool done_ = false;
    bool streaming_ = false;
    bool materialized_ = false;
    std::vector<Row> results_;
    std::size_t position_ = 0;
    std::uint64_t emitted_ = 0;
    std::uint64_t skipped_ = 0;
};

} // namespace

std::unique_ptr<Rows> make_query_rows(std::unique_ptr<QueryPlan> plan) {
    return std::make_unique<QueryRows>(std::move(plan));
}

std::unique_ptr<Rows> make_query_rows(QueryPlan& plan, std::shared_ptr<void> keep) {
    return std::make_unique<QueryRows>(plan, std::move(keep));
}

} // namespace quarry::engine
