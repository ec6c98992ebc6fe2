#pragma once

// Removes rows whose first `columns` ids repeat an earlier row's (the returned columns;
// any after them are order keys, and the first row of each kind keeps its keys). Ids are
// compared, not terms: equal ids are equal terms. Streams: a row passes as soon as it is
// seen for the first time.

#include "engine/op/operator.hpp"
#include "engine/op/row_table.hpp"

namespace quarry::engine {

class Distinct : public RowOperator {
public:
    Distinct(OperatorPtr child, std::size_t columns) : RowOperator(std::move(child)), seen_(columns) {}
    std::string describe() const override { return "Distinct"; }

protected:
    void start(ExecContext&, const TermId* row) override {
        row_ = seen_.insert(row).second ? row : nullptr;
    }
    bool step(ExecContext&, RowBatch& out) override {
        if (row_)
            out.push(row_);
        return false;
    }
    void reset_state() override { seen_.clear(); }

private:
    RowTable seen_;
    const TermId* row_ = nullptr; // the row to pass, valid until step returns
};

} // namespace quarry::engine
