#include "engine/op/count_join.hpp"

#include "storage/term_codec.hpp"

#include <fmt/format.h>

namespace quarry::engine {

namespace {

// The pairs of positions of a tuple that hold one variable: a match must agree on them.
std::vector<std::pair<unsigned, unsigned>> repeated_positions(const TuplePlan& tuple) {
    std::vector<std::pair<unsigned, unsigned>> out;
    for (unsigned a = 0; a < 4; ++a)
        for (unsigned b = a + 1; b < 4; ++b)
            if (tuple.positions[a].kind == TuplePosition::SLOT &&
                tuple.positions[b].kind == TuplePosition::SLOT &&
                tuple.positions[a].slot == tuple.positions[b].slot)
                out.emplace_back(a, b);
    return out;
}

bool agrees(const std::vector<std::pair<unsigned, unsigned>>& repeated, const storage::Quad& quad) {
    for (const auto& [a, b] : repeated)
        if (quad[a] != quad[b])
            return false;
    return true;
}

} // namespace

std::string CountJoin::describe() const {
    return fmt::format("CountJoin {} with {} on ?{}, counted, not joined: [{}] hashed{}",
                       probe_.text, build_.text, variable_name_, "SPOC"[build_position_],
                       built_ ? fmt::format(" table {} values", table_.size()) : std::string());
}

void CountJoin::start(ExecContext& context, const TermId* row) {
    row_.assign(row, row + width());
    table_.clear();
    counts_.clear();
    matched_.clear();
    next_ = 0;
    built_ = true;
    const auto build = IndexJoin::pattern(build_, row);
    const auto probe = IndexJoin::pattern(probe_, row);
    if (!build || !probe)
        return;
    const auto build_repeated = repeated_positions(build_);
    const auto probe_repeated = repeated_positions(probe_);
    {
        storage::QuadScan scan = context.store().scan(context.txn(), *build, build_.mode);
        std::size_t scanned = 0;
        while (auto quad = scan.next()) {
            if (++scanned % (16 * BATCH_ROWS) == 0)
                context.check_cancelled();
            if (!agrees(build_repeated, *quad))
                continue;
            const TermId value = (*quad)[build_position_];
            const auto [number, added] = table_.insert(&value);
            if (added)
                counts_.push_back(0);
            ++counts_[number];
        }
    }
    if (table_.size() == 0)
        return;
    matched_.assign(table_.size(), 0);
    storage::QuadScan scan = context.store().scan(context.txn(), *probe, probe_.mode);
    values_.clear();
    runs_.clear();
    std::size_t scanned = 0;
    while (auto quad = scan.next()) {
        if (++scanned % (16 * BATCH_ROWS) == 0)
            context.check_cancelled();
        if (!agrees(probe_repeated, *quad))
            continue;
        const TermId value = (*quad)[probe_position_];
        if (!values_.empty() && values_.back() == value) {
            ++runs_.back();
            continue;
        }
        if (values_.size() == BATCH_ROWS)
            probe_values();
        values_.push_back(value);
        runs_.push_back(1);
    }
    probe_values();
}

void CountJoin::probe_values() {
    numbers_.resize(values_.size());
    table_.find_batch(values_.data(), values_.size(), numbers_.data());
    for (std::size_t i = 0; i < values_.size(); ++i)
        if (numbers_[i] != SIZE_MAX)
            matched_[numbers_[i]] += runs_[i];
    values_.clear();
    runs_.clear();
}

bool CountJoin::step(ExecContext&, RowBatch& out) {
    extended_ = row_;
    for (; next_ < matched_.size(); ++next_) {
        if (out.size() >= BATCH_ROWS)
            return true;
        if (matched_[next_] == 0)
            continue;
        extended_[variable_] = table_.row(next_)[0];
        extended_[count_slot_] =
            storage::inline_integer_id(static_cast<std::int64_t>(counts_[next_] * matched_[next_]));
        out.push(extended_.data());
    }
    return false;
}

} // namespace quarry::engine
