#pragma once

// A cursor over the rows of a match: column names, then typed rows (each value a stored
// term with its kind, or nothing for unbound). Rows stream from the plan's operator tree
// as they are asked for; the tree ends in the result stage (HashAggregate, Projection,
// Distinct, Order, Limit), which works on ids, and a row's terms are decoded here, when
// it is returned.

#include "engine/expression.hpp"
#include "engine/op/operator.hpp"
#include "quarry/rows.hpp"

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace quarry::engine {

using quarry::Row;
using quarry::Rows;

// A planned match: the operator tree and what the result needs. The planner fills in the
// compiled result (items to order) first; plan_result_stage then puts it into the tree.
// Once planned it does not change: every run (QueryRun) has its own context and state, so
// one plan serves many runs, one after another or at once. Its ids are those of the
// snapshot it was planned in (a constant not stored there is planned as matching nothing),
// so it is run on that snapshot only.
struct QueryPlan {
    OperatorPtr root;
    std::size_t width = 0;        // slots per row of the joins (one per variable)
    std::size_t output_width = 0; // ids per row of the root: the columns, then order keys
    bool asserted_only = false;   // `match … asserted`: its runs' scans skip derived facts
    std::vector<std::string> columns;
    std::vector<Expression> items;       // one per column
    std::vector<std::string> item_texts; // for explain, one per column
    std::vector<Expression> aggregates;  // every aggregate of items and order keys
    bool grouped = false;
    // group by: the keys as written (empty: the items without aggregates), and their text.
    std::vector<Expression> group_keys;
    std::vector<std::string> group_key_texts;
    // having: the condition on each group (aliases replaced by their values), its text.
    std::optional<Expression> having;
    std::string having_text;
    bool distinct = false;
    struct Key {
        Expression expr;
        std::optional<std::size_t> column; // an alias: the column's value
        bool descending = false;
        std::string text; // for explain
    };
    std::vector<Key> order;
    std::optional<std::uint64_t> limit;
    std::uint64_t offset = 0;
    std::vector<std::string> aggregate_texts; // for explain, one per aggregate
};

// The context and operator state a run of a plan leaves, for a later run of the same plan
// (a prepared query's next): a run resets the state it starts with, so a spare one serves
// as a new one would, without the allocations of making one. Runs at once each have their
// own: one takes the spare, the others make theirs.
class RunSpares {
public:
    struct Spare {
        std::unique_ptr<ExecContext> context;
        StatePtr state;
    };
    std::optional<Spare> take();
    void give(Spare spare);

private:
    std::mutex mutex_;
    std::optional<Spare> spare_;
};

// One run of a plan: the context it runs in, its operators' state, and the rows it gives.
class QueryRun : public Rows {
public:
    // `context` refers to a transaction that `keep` keeps alive (or that outlives the run);
    // `inputs`: what the slots hold before the first tuple (empty: nothing). `state`: one
    // made by the plan's root before (a spare), else a new one is made. With `spares`, the
    // context and state are given to it when the run ends.
    QueryRun(std::shared_ptr<const QueryPlan> plan, std::unique_ptr<ExecContext> context,
             std::shared_ptr<void> keep, const std::vector<TermId>& inputs = {},
             StatePtr state = nullptr, std::shared_ptr<RunSpares> spares = nullptr);
    ~QueryRun() override;

    const std::vector<std::string>& columns() const override { return plan_->columns; }
    std::optional<Row> next() override;
    // Decodes the next row's columns into `out`, reusing its values' storage.
    bool read(Row& out) override;

    // For explain analyze, after the rows are read.
    const QueryPlan& plan() const { return *plan_; }
    const OperatorState& state() const { return *state_; }
    const ExecContext& context() const { return *context_; }

private:
    std::shared_ptr<const QueryPlan> plan_;
    std::shared_ptr<RunSpares> spares_;
    std::shared_ptr<void> keep_;
    std::unique_ptr<ExecContext> context_;
    StatePtr state_;
    RowBatch batch_;
    std::size_t position_ = 0;
    bool done_ = false;
};

// Rows holding lines of text, one string column (explain's plan, why's tree).
class TextRows : public Rows {
public:
    TextRows(std::string column, std::vector<std::string> lines)
        : columns_{std::move(column)}, lines_(std::move(lines)) {}
    const std::vector<std::string>& columns() const override { return columns_; }
    std::optional<Row> next() override {
        if (next_ >= lines_.size())
            return std::nullopt;
        return Row{storage::Term::string(lines_[next_++])};
    }

private:
    std::vector<std::string> columns_;
    std::vector<std::string> lines_;
    std::size_t next_ = 0;
};

} // namespace quarry::engine
