#pragma once

// `order by`: sorts rows of ids by key columns in the total order of SPEC §1, ties kept in
// input order (a stable sort). Ids of one inline kind (booleans, integers, dates) compare
// as ids, which sort in value order; other keys are decoded once per term (the statement's
// term cache) and compared by value.
//
// With `keep` (offset + limit of `order by … limit`), only the best `keep` rows are held,
// in a bounded heap: top-N in O(input · log keep) time and O(keep) memory. Blocking.

#include "engine/op/operator.hpp"

#include <optional>

namespace quarry::engine {

class Order : public Operator {
public:
    struct Key {
        std::size_t column;
        bool descending = false;
    };
    Order(OperatorPtr child, std::vector<Key> keys, std::optional<std::uint64_t> keep,
          std::string text)
        : child_(std::move(child)), keys_(std::move(keys)), keep_(keep), text_(std::move(text)) {}

    struct State : OperatorState {
        std::size_t width = 0;
        std::vector<TermId> rows;          // held rows, flat
        std::vector<std::uint64_t> serial; // each held row's place in the input
        std::vector<std::size_t> order;    // held rows (a heap while consuming with keep_)
        RowBatch input;
        bool consumed = false;
        std::size_t emitted = 0;
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }
    void reset(OperatorState& state, const TermId* input) const override;
    std::string describe() const override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, OperatorState& state, RowBatch& out) const override;

private:
    void consume(ExecContext& context, State& state, std::size_t width) const;
    // Whether held row `a` comes before held row `b`.
    bool before(ExecContext& context, const State& state, std::size_t a, std::size_t b) const;

    OperatorPtr child_;
    std::vector<Key> keys_;
    std::optional<std::uint64_t> keep_;
    std::string text_;
};

// The total order of two ids, as engine::total_order of their terms.
int compare_ids(ExecContext& context, TermId a, TermId b);

} // namespace quarry::engine
