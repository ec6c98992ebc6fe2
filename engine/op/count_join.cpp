#include "engine/op/count_join.hpp"

#include "storage/term_codec.hpp"

#include <fmt/format.h>

namespace quarry::engine {

namespace {

// Where a tuple position sits in the keys of `perm`.
unsigned key_index(storage::Permutation perm, unsigned position) {
    const auto ord = storage::order(perm);
    unsigned index = 0;
    while (ord[index] != position)
        ++index;
    return index;
}

// The pairs of key indexes (in `perm`) of the positions of a tuple that hold one
// variable: a match must agree on them.
std::vector<std::pair<unsigned, unsigned>> repeated_positions(const TuplePlan& tuple,
                                                              storage::Permutation perm) {
    std::vector<std::pair<unsigned, unsigned>> out;
    for (unsigned a = 0; a < 4; ++a)
        for (unsigned b = a + 1; b < 4; ++b)
            if (tuple.positions[a].kind == TuplePosition::SLOT &&
                tuple.positions[b].kind == TuplePosition::SLOT &&
                tuple.positions[a].slot == tuple.positions[b].slot)
                out.emplace_back(key_index(perm, a), key_index(perm, b));
    return out;
}

bool agrees(const std::vector<std::pair<unsigned, unsigned>>& repeated, const storage::Key& key) {
    for (const auto& [a, b] : repeated)
        if (key[a] != key[b])
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
    {
        // Runs of one value counted as one, inserted a batch at a time (slots fetched ahead).
        const auto insert_values = [&] {
            numbers_.resize(values_.size());
            table_.insert_batch(values_.data(), values_.size(), 1, numbers_.data(), nullptr);
            counts_.resize(table_.size(), 0);
            for (std::size_t i = 0; i < values_.size(); ++i)
                counts_[numbers_[i]] += runs_[i];
            values_.clear();
            runs_.clear();
        };
        read_runs(context, *build, build_, build_position_, insert_values);
    }
    if (table_.size() == 0)
        return;
    matched_.assign(table_.size(), 0);
    read_runs(context, *probe, probe_, probe_position_, [this] { probe_values(); });
}

template <typename Flush>
void CountJoin::read_runs(ExecContext& context, const storage::QuadPattern& pattern,
                          const TuplePlan& plan, unsigned position, Flush&& flush) {
    // Keys as the index holds them, not turned into quads.
    storage::QuadScan scan = context.scan(pattern, plan.mode);
    const auto repeated = repeated_positions(plan, scan.permutation());
    const unsigned index = key_index(scan.permutation(), position);
    values_.clear();
    runs_.clear();
    std::size_t scanned = 0;
    while (auto key = scan.next_key()) {
        if (++scanned % (16 * BATCH_ROWS) == 0)
            context.check_cancelled();
        if (!agrees(repeated, *key))
            continue;
        const TermId value = (*key)[index];
        if (!values_.empty() && values_.back() == value) {
            ++runs_.back();
            continue;
        }
        if (values_.size() == BATCH_ROWS)
            flush();
        values_.push_back(value);
        runs_.push_back(1);
    }
    flush();
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
