#pragma once

// Grouping and aggregates on term ids (SPEC §2): rows are grouped by the ids of their key
// expressions in a RowTable, so grouping by a variable decodes nothing; only aggregates
// that need a value (sum, avg, min, max) decode their argument, and inline values
// (integers, dates) are decoded without a look-up.
//
// Each output row is the first input row of its group (its slots as they were) followed by
// one slot per aggregate holding the aggregate's value as an id (ExecContext::intern).
// Groups come out in order of their first row. With no keys there is exactly one group,
// even over no input. Blocking: the whole input is consumed at the first call.

#include "engine/expression.hpp"
#include "engine/op/operator.hpp"
#include "engine/op/row_table.hpp"

namespace quarry::engine {

class HashAggregate : public Operator {
public:
    // `keys` and `aggregates` (each an AGGREGATE expression) read rows of `input_width`
    // slots; `text` describes them for explain.
    HashAggregate(OperatorPtr child, std::size_t input_width, std::vector<Expression> keys,
                  std::vector<Expression> aggregates, std::string text);

    std::size_t output_width() const { return input_width_ + aggregates_.size(); }
    void reset(const TermId* input) override;
    std::string describe() const override { return "HashAggregate " + text_; }
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, RowBatch& out) override;

private:
    // The running value of one aggregate over one group.
    struct Accumulator {
        std::uint64_t count = 0;
        Value sum = storage::Term::integer(0);
        bool numeric = true;
        Value best;
    };
    void consume(ExecContext& context);
    void accumulate(ExecContext& context, std::size_t group, const TermId* row);
    Value finish(const Expression& aggregate, const Accumulator& acc) const;

    OperatorPtr child_;
    std::size_t input_width_;
    std::vector<Expression> keys_;
    std::vector<Expression> aggregates_;
    std::string text_;

    // Run state, emptied by reset().
    RowTable groups_;                  // the key ids of each group
    std::vector<TermId> first_;        // the first row of each group, flat
    std::vector<Accumulator> totals_;  // group * aggregates + aggregate
    RowTable seen_{3};                 // (group, aggregate, id) of distinct aggregates
    std::vector<TermId> key_;          // the current row's keys
    RowBatch input_;
    bool consumed_ = false;
    std::size_t emitted_ = 0;
};

} // namespace quarry::engine
