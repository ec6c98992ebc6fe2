#pragma once

// Removes rows whose first `columns` ids repeat an earlier row's (the returned columns;
// any after them are order keys, and the first row of each kind keeps its keys). Ids are
// compared, not terms: equal ids are equal terms. Streams: a row passes as soon as it is
// seen for the first time. A batch at a time (RowTable::insert_batch).

#include "engine/op/operator.hpp"
#include "engine/op/row_table.hpp"

#include <vector>

namespace quarry::engine {

class Distinct : public Operator {
public:
    Distinct(OperatorPtr child, std::size_t columns) : child_(std::move(child)), seen_(columns) {}

    void reset(const TermId* input) override {
        child_->reset(input);
        seen_.clear();
    }
    std::string describe() const override { return "Distinct"; }
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, RowBatch& out) override {
        input_.width = out.width;
        while (out.empty()) {
            if (!child_->next(context, input_))
                return false;
            const std::size_t rows = input_.size();
            added_.resize(rows);
            seen_.insert_batch(input_.ids.data(), rows, input_.width, nullptr, added_.data());
            for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
                if (added_[row_idx])
                    out.push(input_.row(row_idx));
        }
        return true;
    }

private:
    OperatorPtr child_;
    RowTable seen_;
    RowBatch input_;
    std::vector<char> added_; // per row of the input batch: new to seen_
};

} // namespace quarry::engine
