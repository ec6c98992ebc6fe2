#include "engine/op/index_join.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

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
    pending_ranges_.clear();
    const auto bound = pattern(tuple_, row);
    row_.assign(row, row + width());
    if (!bound)
        return;
    if (tuple_.range) {
        // The range applies if its position directly follows the bound positions in an
        // index; with more positions bound than planned (by an optional), scan plainly.
        const unsigned mask = bound->bound_mask();
        const unsigned with_range = mask | (1u << tuple_.range->position);
        const storage::Permutation perm = storage::choose_permutation(with_range);
        const auto ord = storage::order(perm);
        const auto prefix = static_cast<unsigned>(std::popcount(mask));
        if (!(mask & (1u << tuple_.range->position)) && ord[prefix] == tuple_.range->position &&
            storage::bound_prefix_length(perm, *bound) == prefix) {
            storage::Key lo{}, hi{};
            for (unsigned i = 0; i < prefix; ++i)
                lo[i] = hi[i] = *bound->terms[ord[i]];
            for (unsigned i = prefix + 1; i < 4; ++i) {
                lo[i] = 0;
                hi[i] = ~TermId{0};
            }
            for (const auto& [from, to] : tuple_.range->ranges) {
                lo[prefix] = from;
                hi[prefix] = to;
                pending_ranges_.emplace_back(lo, hi);
            }
            std::reverse(pending_ranges_.begin(), pending_ranges_.end());
            range_permutation_ = perm;
            return;
        }
    }
    scan_.emplace(context.scan(*bound, tuple_.mode));
}

bool IndexJoin::step(ExecContext& context, RowBatch& out) {
    while (!scan_ && !pending_ranges_.empty()) {
        const auto [lo, hi] = pending_ranges_.back();
        pending_ranges_.pop_back();
        scan_.emplace(context.scan(context.store().index(range_permutation_), lo, hi, tuple_.mode));
    }
    if (!scan_)
        return false;
    extended_.resize(row_.size());
    for (std::size_t produced = 0; produced < BATCH_ROWS; ++produced) {
        const auto quad = scan_->next();
        if (!quad) {
            scan_.reset();
            return !pending_ranges_.empty();
        }
        std::copy(row_.begin(), row_.end(), extended_.begin());
        if (bind(tuple_, *quad, extended_.data()))
            out.push(extended_.data());
    }
    return true;
}

std::string IndexJoin::describe() const {
    return fmt::format("IndexJoin {} index {} bound [{}]{}{}", tuple_.text,
                       storage::permutation_name(tuple_.planned_index),
                       tuple_.planned_bound.empty() ? "-" : tuple_.planned_bound,
                       tuple_.range ? " range " + tuple_.range->text : "",
                       tuple_.mode == storage::ScanMode::TRIPLES ? " triples" : "");
}

} // namespace quarry::engine
