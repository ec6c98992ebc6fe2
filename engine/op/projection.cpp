#include "engine/op/projection.hpp"

namespace quarry::engine {

void Projection::start(ExecContext& context, const TermId* row) {
    for (std::size_t column_idx = 0; column_idx < columns_.size(); ++column_idx) {
        const Expression& column = columns_[column_idx];
        if (column.op == parser::ast::ExprOp::TERM && column.slot != SIZE_MAX)
            row_[column_idx] = row[column.slot];
        else
            row_[column_idx] = context.intern(evaluate(column, row, context));
    }
}

} // namespace quarry::engine
