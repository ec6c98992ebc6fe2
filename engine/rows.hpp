#pragma once

// A cursor over the rows of a match: column names, then typed rows (each value a stored
// term with its kind, or nothing for unbound). Rows stream from the plan as they are
// asked for, unless grouping, distinct or order by need them all first.

#include "engine/expression.hpp"
#include "engine/op/operator.hpp"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::engine {

using Row = std::vector<Value>;

class Rows {
public:
    virtual ~Rows() = default;
    virtual const std::vector<std::string>& columns() const = 0;
    // The next row, or nullopt at the end.
    virtual std::optional<Row> next() = 0;
    // The next row into `row`, reusing its storage; false at the end. The same rows as
    // next(), with fewer allocations for a caller that reads many.
    virtual bool read(Row& row);
};

struct QueryPlan;

// The rows of a planned query; owns what it reads from (see database.cpp).
std::unique_ptr<Rows> make_query_rows(std::unique_ptr<QueryPlan> plan);
// The rows of a plan that outlives them (a prepared query's), keeping `keep` (the
// transaction) while they live: each call starts the plan again, so the rows of an earlier
// call on the same plan must not be read afterwards.
std::unique_ptr<Rows> make_query_rows(QueryPlan& plan, std::shared_ptr<void> keep);

// The compiled parts of a match: everything make_query_rows needs.
struct QueryPlan {
    std::unique_ptr<ExecContext> context; // refers to a transaction kept alive by `keep`
    std::shared_ptr<void> keep;           // the transaction (and anything else) to outlive the rows
    OperatorPtr root;
    std::size_t width = 0;
    std::vector<TermId> inputs; // what the slots hold before the first tuple (empty: nothing)
    std::vector<std::string> columns;
    std::vector<Expression> items;      // one per column
    std::vector<Expression> aggregates; // every aggregate of items and order keys
    bool grouped = false;
    bool distinct = false;
    struct Key {
        Expression expr;
        std::optional<std::size_t> column; // an alias: the column's value
        bool descending = false;
    };
    std::vector<Key> order;
    std::optional<std::uint64_t> limit;
    std::uint64_t offset = 0;
};

} // namespace quarry::engine
