#include "engine/op/leapfrog_join.hpp"

#include <algorithm>

namespace quarry::engine {

namespace {

// The first index in [from, to) whose entry's `level` is not before `target` (`before`
// compares an entry's value with the target): galloping from `from`, since leapfrog
// iterators mostly move a little.
template <typename Entries, typename Before>
std::size_t gallop(const Entries& entries, std::size_t from, std::size_t to, Before before) {
    std::size_t step = 1, low = from;
    std::size_t high = from;
    while (high < to && before(entries[high])) {
        low = high + 1;
        high = from + step;
        step *= 2;
    }
    high = std::min(high, to);
    return static_cast<std::size_t>(
        std::partition_point(entries.begin() + static_cast<std::ptrdiff_t>(low),
                             entries.begin() + static_cast<std::ptrdiff_t>(high), before) -
        entries.begin());
}

} // namespace

void LeapfrogJoin::build(ExecContext& context, const TuplePlan& tuple, const TermId* row, Trie& trie) const {
    trie = Trie{};
    // The tuple's free variables, in join order, and the positions that hold each.
    std::vector<std::pair<std::size_t, unsigned>> columns; // (index in variables_, position)
    for (std::size_t v = 0; v < variables_.size(); ++v)
        for (unsigned pos = 0; pos < 4; ++pos) {
            const TuplePosition& p = tuple.positions[pos];
            if (p.kind == TuplePosition::SLOT && p.slot == variables_[v]) {
                columns.emplace_back(v, pos);
                break;
            }
        }
    for (const auto& column : columns)
        trie.levels.push_back(column.first);
    const auto pattern = IndexJoin::pattern(tuple, row);
    if (!pattern)
        return;
    std::vector<Entry> rows;
    // The exact count of a pattern is cheap from the statistics when only the predicate is
    // bound: room for it up front, rather than growing by copying.
    if (pattern->bound_mask() == (1u << storage::P))
        rows.reserve(static_cast<std::size_t>(
            std::min<std::uint64_t>(context.store().estimate(context.txn(), *pattern), std::uint64_t{1} << 26)));
    std::vector<TermId> scratch(row, row + width());
    storage::QuadScan scan = context.store().scan(context.txn(), *pattern, tuple.mode);
    while (auto quad = scan.next()) {
        std::copy(row, row + width(), scratch.begin());
        if (!IndexJoin::bind(tuple, *quad, scratch.data()))
            continue;
        Entry entry{};
        for (std::size_t level = 0; level < columns.size(); ++level)
            entry[level] = (*quad)[columns[level].second];
        rows.push_back(entry);
    }
    context.check_cancelled();
    std::sort(rows.begin(), rows.end(), storage::KeyLess()); // entries are keys of four ids
    trie.entries.reserve(rows.size());
    trie.counts.reserve(rows.size());
    for (const Entry& entry : rows) {
        if (!trie.entries.empty() && trie.entries.back() == entry) {
            ++trie.counts.back();
            continue;
        }
        trie.entries.push_back(entry);
        trie.counts.push_back(1);
    }
}

void LeapfrogJoin::start(ExecContext& context, const TermId* row) {
    row_.assign(row, row + width());
    results_.clear();
    next_ = 0;
    tries_.resize(tuples_.size());
    for (std::size_t t = 0; t < tuples_.size(); ++t) {
        build(context, tuples_[t], row, tries_[t]);
        if (tries_[t].entries.empty())
            return; // one tuple matches nothing: the join is empty
    }
    levels_.assign(variables_.size(), Level{});
    for (std::size_t depth = 0; depth < variables_.size(); ++depth) {
        Level& level = levels_[depth];
        for (std::size_t t = 0; t < tries_.size(); ++t) {
            const auto& trie_levels = tries_[t].levels;
            const auto found = std::find(trie_levels.begin(), trie_levels.end(), depth);
            if (found != trie_levels.end())
                level.participants.emplace_back(t, static_cast<std::size_t>(found - trie_levels.begin()));
        }
        level.at.resize(level.participants.size());
        level.saved.resize(level.participants.size());
    }
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (const Trie& trie : tries_)
        ranges.emplace_back(0, trie.entries.size());
    search(context, 0, ranges);
}

// Binds variables_[depth]; `ranges[t]`: the entries of trie t that agree with the
// variables bound so far.
void LeapfrogJoin::search(ExecContext& context, std::size_t depth,
                          std::vector<std::pair<std::size_t, std::size_t>>& ranges) {
    if (depth == variables_.size()) {
        std::uint64_t multiplicity = 1;
        for (std::size_t t = 0; t < tries_.size(); ++t) {
            std::uint64_t count = 0;
            for (std::size_t e = ranges[t].first; e < ranges[t].second; ++e)
                count += tries_[t].counts[e];
            multiplicity *= count;
        }
        for (std::uint64_t copy = 0; copy < multiplicity; ++copy)
            results_.insert(results_.end(), row_.begin(), row_.end());
        return;
    }
    // The tries that mention this variable, the level it is in each, and the positions
    // of each within its range (the leapfrog iterators).
    Level& scratch = levels_[depth];
    const auto& participants = scratch.participants;
    auto& at = scratch.at;
    auto& saved = scratch.saved;
    const auto value_at = [&](std::size_t t, std::size_t level, std::size_t e) { return tries_[t].entries[e][level]; };
    for (std::size_t i = 0; i < participants.size(); ++i)
        at[i] = ranges[participants[i].first].first;
    const auto seek = [&](std::size_t i, TermId target) {
        const auto [t, level] = participants[i];
        at[i] = gallop(tries_[t].entries, at[i], ranges[t].second, [&](const Entry& e) { return e[level] < target; });
        return at[i] < ranges[t].second;
    };
    for (;;) {
        TermId candidate = 0;
        for (std::size_t i = 0; i < participants.size(); ++i) {
            if (at[i] >= ranges[participants[i].first].second)
                return;
            candidate = std::max(candidate, value_at(participants[i].first, participants[i].second, at[i]));
        }
        bool agreed = true;
        for (std::size_t i = 0; i < participants.size(); ++i) {
            if (!seek(i, candidate))
                return;
            if (value_at(participants[i].first, participants[i].second, at[i]) != candidate)
                agreed = false;
        }
        if (!agreed)
            continue;
        // All agree on `candidate`: narrow each range to it and go one variable deeper.
        for (std::size_t i = 0; i < participants.size(); ++i)
            saved[i] = ranges[participants[i].first];
        for (std::size_t i = 0; i < participants.size(); ++i) {
            const auto [t, level] = participants[i];
            const std::size_t end =
                gallop(tries_[t].entries, at[i], ranges[t].second, [&](const Entry& e) { return e[level] <= candidate; });
            ranges[t] = {at[i], end};
        }
        row_[variables_[depth]] = candidate;
        search(context, depth + 1, ranges);
        row_[variables_[depth]] = UNBOUND;
        for (std::size_t i = 0; i < participants.size(); ++i)
            ranges[participants[i].first] = saved[i];
        if (candidate == ~TermId{0})
            return;
        for (std::size_t i = 0; i < participants.size(); ++i)
            if (!seek(i, candidate + 1))
                return;
    }
}

bool LeapfrogJoin::step(ExecContext&, RowBatch& out) {
    const std::size_t rows = results_.size() / width();
    const std::size_t end = std::min(rows, next_ + BATCH_ROWS);
    out.ids.insert(out.ids.end(), results_.begin() + static_cast<std::ptrdiff_t>(next_ * width()),
                   results_.begin() + static_cast<std::ptrdiff_t>(end * width()));
    next_ = end;
    return next_ < rows;
}

} // namespace quarry::engine
