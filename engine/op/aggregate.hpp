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
    StatePtr make_state() const override;
    void reset(OperatorState& state, const TermId* input) const override;
    std::string describe() const override { return "HashAggregate " + text_; }
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, OperatorState& state, RowBatch& out) const override;

private:
    enum class Kind { COUNT_ROWS, COUNT, SUM, AVG, MIN, MAX };
    struct Aggregate {
        Kind kind;
        bool distinct;
        const Expression* arg; // null for count(*)
        std::size_t slot;      // the argument's slot if it is a variable, else SIZE_MAX
        std::size_t value;     // SUM AVG MIN MAX: index among the values of a group
    };
    // The running value of sum, avg, min or max over one group; counts are kept apart, so
    // that counting touches eight bytes per aggregate and group.
    struct Running {
        Value sum = storage::Term::integer(0);
        bool numeric = true;
        Value best;
    };
    struct State : OperatorState {
        explicit State(std::size_t keys) : groups(keys) {}
        RowTable groups;                   // the key ids of each group
        std::vector<TermId> first;         // the first row of each group, flat
        std::vector<std::uint64_t> counts; // group * aggregates + aggregate
        std::vector<Running> running;      // group * values_ + value
        std::vector<PairSet> seen; // per aggregate: the (group, id) pairs a distinct one has seen
        std::vector<DistinctCounter> distinct_counts; // per aggregate: count(distinct)'s pairs
        RowBatch input;
        std::vector<TermId> keys_of_batch; // the input batch's key ids, row after row
        std::vector<std::size_t> group_of; // the group of each row of the batch
        std::vector<char> new_group;       // whether each row of the batch began its group
        std::vector<TermId> arguments;     // the argument's id of each row (UNBOUND: none)
        std::vector<char> first_seen;
        bool consumed = false;
        std::size_t emitted = 0;
    };
    void consume(ExecContext& context, State& state) const;
    void accumulate(ExecContext& context, State& state, std::size_t rows) const;
    Value finish(const State& state, std::size_t group, std::size_t a) const;

    OperatorPtr child_;
    std::size_t input_width_;
    std::vector<Expression> keys_;
    std::vector<Expression> aggregates_;
    std::string text_;
    std::vector<Aggregate> plan_; // one per aggregate
    std::size_t values_ = 0;      // aggregates with a Running value
};

} // namespace quarry::engine
