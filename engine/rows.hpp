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
#include <optional>
#include <string>
#include <vector>

namespace quarry::engine {

using quarry::Row;
using quarry::Rows;

struct QueryPlan;

// The rows of a planned query; owns what it reads from (see database.cpp).
std::unique_ptr<Rows> make_query_rows(std::unique_ptr<QueryPlan> plan);
// The rows of a plan that outlives them (a prepared query's), keeping `keep` (the
// transaction) while they live: each call starts the plan again, so the rows of an earlier
// call on the same plan must not be read afterwards.
std::unique_ptr<Rows> make_query_rows(QueryPlan& plan, std::shared_ptr<void> keep);

// A planned match: the operator tree and what it runs in. The planner fills in the
// compiled result (items to order) first; plan_result_stage then puts it into the tree.
struct QueryPlan {
    std::unique_ptr<ExecContext> context; // refers to a transaction kept alive by `keep`
    std::shared_ptr<void> keep;           // the transaction (and anything else) to outlive the rows
    OperatorPtr root;
    std::size_t width = 0;        // slots per row of the joins (one per variable)
    std::size_t output_width = 0; // ids per row of the root: the columns, then order keys
    std::vector<TermId> inputs;   // what the slots hold before the first tuple (empty: nothing)
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

} // namespace quarry::engine
