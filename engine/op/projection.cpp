#include "engine/op/projection.hpp"

namespace quarry::engine {

void Projection::start(ExecContext& context, RowOperator::State& base, const TermId* row) const {
    std::vector<TermId>& out = state_of<State>(base).row;
    for (std::size_t column_idx = 0; column_idx < columns_.size(); ++column_idx) {
        const Expression& column = columns_[column_idx];
        if (column.op == parser::ast::ExprOp::TERM && column.slot != SIZE_MAX)
            out[column_idx] = row[column.slot];
        else
            out[column_idx] = context.intern(evaluate(column, row, context));
    }
}

} // namespace quarry::engine
