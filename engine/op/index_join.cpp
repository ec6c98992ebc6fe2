#include "engine/op/index_join.hpp"

#include <fmt/format.h>

namespace quarry::engine {

std::optional<storage::QuadPattern> IndexJoin::pattern(const TuplePlan& tuple, const TermId* row) {
    storage::QuadPattern pattern;
    for (unsigned pos = 0; pos < 4; ++pos) {
        const TuplePosition& p = tuple.positions[pos];
        switch (p.kind) {
        case TuplePosition::CONSTANT:
            pattern.terms[pos] = p.id;
            break;
        case TuplePosition::MISSING:
            return std::nullopt;
        case TuplePosition::SLOT:
            if (row[p.slot] != UNBOUND)
                pattern.terms[pos] = row[p.slot];
            break;
        case TuplePosition::OPEN:
            break;
        }
    }
    return pattern;
}

bool IndexJoin::bind(const TuplePlan& tuple, const storage::Quad& quad, TermId* row) {
    for (unsigned pos = 0; pos < 4; ++pos) {
        const TuplePosition& p = tuple.positions[pos];
        if (p.kind != TuplePosition::SLOT)
            continue;
        if (row[p.slot] == UNBOUND)
            row[p.slot] = quad[pos];
        else if (row[p.slot] != quad[pos])
            return false;
    }
    return true;
}

void IndexJoin::start(ExecContext& context, const TermId* row) {
    scan_.reset();
    const auto bound = pattern(tuple_, row);
    row_.assign(row, row + width());
    if (!bound)
        return;
    scan_.emplace(context.store().scan(context.txn(), *bound, tuple_.mode));
}

bool IndexJoin::step(ExecContext&, RowBatch& out) {
    if (!scan_)
        return false;
    extended_.resize(row_.size());
    for (std::size_t produced = 0; produced < BATCH_ROWS; ++produced) {
        const auto quad = scan_->next();
        if (!quad) {
            scan_.reset();
            return false;
        }
        std::copy(row_.begin(), row_.end(), extended_.begin());
        if (bind(tuple_, *quad, extended_.data()))
            out.push(extended_.data());
    }
    return true;
}

std::string IndexJoin::describe() const {
    return fmt::format("IndexJoin {} index {} bound [{}]{}", tuple_.text,
                       storage::permutation_name(tuple_.planned_index),
                       tuple_.planned_bound.empty() ? "-" : tuple_.planned_bound,
                       tuple_.mode == storage::ScanMode::TRIPLES ? " triples" : "");
}

} // namespace quarry::engine
