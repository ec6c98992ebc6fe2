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

bool LeapfrogJoin::build(ExecContext& context, State& state, const TermId* row) const {
    state.tries.assign(tuples_.size(), Trie{});
    state.data.clear();
    // Tuples that read the same facts (pattern, mode, and which positions must agree) share
    // one scan; tries that project it onto the same positions share their entries.
    struct Scan {
        storage::QuadPattern pattern;
        storage::ScanMode mode;
        std::array<unsigned, 4> same; // per position, the first position with its slot
        std::vector<storage::Quad> quads;
        std::vector<std::pair<std::vector<unsigned>, std::size_t>> projections; // columns, data
    };
    std::vector<Scan> scans;
    std::vector<TermId> scratch(row, row + width(state));
    for (std::size_t t = 0; t < tuples_.size(); ++t) {
        const TuplePlan& tuple = tuples_[t];
        // The tuple's free variables, in join order, and the positions that hold each.
        std::vector<unsigned> columns;
        for (std::size_t v = 0; v < variables_.size(); ++v)
            for (unsigned pos = 0; pos < 4; ++pos) {
                const TuplePosition& p = tuple.positions[pos];
                if (p.kind == TuplePosition::SLOT && p.slot == variables_[v]) {
                    state.tries[t].levels.push_back(v);
                    columns.push_back(pos);
                    break;
                }
            }
        const auto pattern = IndexJoin::pattern(tuple, row);
        if (!pattern)
            return false;
        std::array<unsigned, 4> same{0, 1, 2, 3};
        for (unsigned a = 0; a < 4; ++a)
            for (unsigned b = 0; b < a; ++b)
                if (same[a] == a && tuple.positions[a].kind == TuplePosition::SLOT &&
                    tuple.positions[b].kind == TuplePosition::SLOT &&
                    tuple.positions[a].slot == tuple.positions[b].slot)
                    same[a] = b;
        auto found = std::find_if(scans.begin(), scans.end(), [&](const Scan& scan) {
            return scan.pattern.terms == pattern->terms && scan.mode == tuple.mode &&
                   scan.same == same;
        });
        if (found == scans.end()) {
            Scan scan{*pattern, tuple.mode, same, {}, {}};
            // The exact count of a pattern is cheap from the statistics when only the
            // predicate is bound: room for it up front, rather than growing by copying.
            if (pattern->bound_mask() == (1u << storage::P))
                scan.quads.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(
                    context.store().estimate(context.txn(), *pattern), std::uint64_t{1} << 26)));
            storage::QuadScan quads = context.scan(*pattern, tuple.mode);
            while (auto quad = quads.next()) {
                std::copy(row, row + width(state), scratch.begin());
                if (IndexJoin::bind(tuple, *quad, scratch.data()))
                    scan.quads.push_back(*quad);
            }
            context.check_cancelled();
            scans.push_back(std::move(scan));
            found = scans.end() - 1;
        }
        if (found->quads.empty())
            return false; // one tuple matches nothing: the join is empty
        const auto projection = std::find_if(found->projections.begin(), found->projections.end(),
                                             [&](const auto& p) { return p.first == columns; });
        if (projection != found->projections.end()) {
            state.tries[t].data = projection->second;
            continue;
        }
        std::vector<Entry> rows;
        rows.reserve(found->quads.size());
        for (const storage::Quad& quad : found->quads) {
            Entry entry{};
            for (std::size_t level = 0; level < columns.size(); ++level)
                entry[level] = quad[columns[level]];
            rows.push_back(entry);
        }
        // Entries are keys of four ids; a scan whose index order is the trie's is sorted.
        if (!std::is_sorted(rows.begin(), rows.end(), storage::KeyLess()))
            storage::sort_keys(rows);
        TrieData data;
        data.entries.reserve(rows.size());
        data.counts.reserve(rows.size());
        for (const Entry& entry : rows) {
            if (!data.entries.empty() && data.entries.back() == entry) {
                ++data.counts.back();
                continue;
            }
            data.entries.push_back(entry);
            data.counts.push_back(1);
        }
        state.tries[t].data = state.data.size();
        found->projections.emplace_back(columns, state.data.size());
        state.data.push_back(std::move(data));
    }
    return true;
}

void LeapfrogJoin::index_first_level(TrieData& data) {
    data.indexed = true;
    data.first_values.clear();
    data.first_starts.clear();
    for (std::size_t e = 0; e < data.entries.size(); ++e)
        if (e == 0 || data.entries[e][0] != data.entries[e - 1][0]) {
            data.first_values.insert(&data.entries[e][0]);
            data.first_starts.push_back(e);
        }
    data.first_starts.push_back(data.entries.size());
}

void LeapfrogJoin::start(ExecContext& context, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    state.row.assign(row, row + width(state));
    state.results.clear();
    state.next = 0;
    if (!build(context, state, row))
        return;
    state.levels.assign(variables_.size(), Level{});
    for (std::size_t depth = 0; depth < variables_.size(); ++depth) {
        Level& level = state.levels[depth];
        for (std::size_t t = 0; t < state.tries.size(); ++t) {
            const auto& trie_levels = state.tries[t].levels;
            const auto found = std::find(trie_levels.begin(), trie_levels.end(), depth);
            if (found != trie_levels.end())
                level.participants.emplace_back(
                    t, static_cast<std::size_t>(found - trie_levels.begin()));
        }
        level.at.resize(level.participants.size());
        level.saved.resize(level.participants.size());
        // Where the variable is some tries' first level and a deeper one of others, the
        // deeper ones drive and the first levels are looked up by hash.
        const auto first = [](const auto& p) { return p.second == 0; };
        level.driven = hashed_first_level_ &&
                       std::any_of(level.participants.begin(), level.participants.end(), first) &&
                       !std::all_of(level.participants.begin(), level.participants.end(), first);
        if (level.driven)
            for (const auto& [t, trie_level] : level.participants)
                if (trie_level == 0 && !state.data[state.tries[t].data].indexed)
                    index_first_level(state.data[state.tries[t].data]);
    }
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (std::size_t t = 0; t < state.tries.size(); ++t)
        ranges.emplace_back(0, state.entries(t).size());
    search(context, state, 0, ranges);
}

// Binds variables_[depth]; `ranges[t]`: the entries of trie t that agree with the
// variables bound so far.
void LeapfrogJoin::search(ExecContext& context, State& state, std::size_t depth,
                          std::vector<std::pair<std::size_t, std::size_t>>& ranges) const {
    if (depth == variables_.size()) {
        std::uint64_t multiplicity = 1;
        for (std::size_t t = 0; t < state.tries.size(); ++t) {
            std::uint64_t count = 0;
            const auto& counts = state.data[state.tries[t].data].counts;
            for (std::size_t e = ranges[t].first; e < ranges[t].second; ++e)
                count += counts[e];
            multiplicity *= count;
        }
        for (std::uint64_t copy = 0; copy < multiplicity; ++copy)
            state.results.insert(state.results.end(), state.row.begin(), state.row.end());
        return;
    }
    if (state.levels[depth].driven) {
        search_driven(context, state, depth, ranges);
        return;
    }
    // The tries that mention this variable, the level it is in each, and the positions
    // of each within its range (the leapfrog iterators).
    Level& scratch = state.levels[depth];
    const auto& participants = scratch.participants;
    auto& at = scratch.at;
    auto& saved = scratch.saved;
    const auto value_at = [&](std::size_t t, std::size_t level, std::size_t e) {
        return state.entries(t)[e][level];
    };
    for (std::size_t i = 0; i < participants.size(); ++i)
        at[i] = ranges[participants[i].first].first;
    const auto seek = [&](std::size_t i, TermId target) {
        const auto [t, level] = participants[i];
        at[i] = gallop(state.entries(t), at[i], ranges[t].second,
                       [&](const Entry& e) { return e[level] < target; });
        return at[i] < ranges[t].second;
    };
    for (;;) {
        TermId candidate = 0;
        for (std::size_t i = 0; i < participants.size(); ++i) {
            if (at[i] >= ranges[participants[i].first].second)
                return;
            candidate =
                std::max(candidate, value_at(participants[i].first, participants[i].second, at[i]));
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
            const std::size_t end = gallop(state.entries(t), at[i], ranges[t].second,
                                           [&](const Entry& e) { return e[level] <= candidate; });
            ranges[t] = {at[i], end};
        }
        state.row[variables_[depth]] = candidate;
        search(context, state, depth + 1, ranges);
        state.row[variables_[depth]] = UNBOUND;
        for (std::size_t i = 0; i < participants.size(); ++i)
            ranges[participants[i].first] = saved[i];
        if (candidate == ~TermId{0})
            return;
        for (std::size_t i = 0; i < participants.size(); ++i)
            if (!seek(i, candidate + 1))
                return;
    }
}

// search() where the variable is the first level of some tries (their ranges are whole)
// and a deeper level of others (narrowed by the variables bound so far): each value of
// the narrowest of the latter is looked up in the first levels' hash indexes, and searched
// for in the other narrowed ranges.
void LeapfrogJoin::search_driven(ExecContext& context, State& state, std::size_t depth,
                                 std::vector<std::pair<std::size_t, std::size_t>>& ranges) const {
    Level& scratch = state.levels[depth];
    const auto& participants = scratch.participants;
    auto& at = scratch.at;
    auto& saved = scratch.saved;
    std::size_t driver = SIZE_MAX;
    for (std::size_t i = 0; i < participants.size(); ++i) {
        const auto [t, level] = participants[i];
        saved[i] = ranges[t];
        at[i] = ranges[t].first;
        if (level != 0 && (driver == SIZE_MAX || ranges[t].second - ranges[t].first <
                                                     saved[driver].second - saved[driver].first))
            driver = i;
    }
    const auto [driver_trie, driver_level] = participants[driver];
    const std::vector<Entry>& driving = state.entries(driver_trie);
    const std::size_t driver_end = saved[driver].second;
    for (std::size_t e = saved[driver].first; e < driver_end;) {
        const TermId value = driving[e][driver_level];
        const std::size_t group_end = gallop(
            driving, e, driver_end, [&](const Entry& x) { return x[driver_level] <= value; });
        bool agreed = true, exhausted = false;
        for (std::size_t i = 0; i < participants.size() && agreed; ++i) {
            if (i == driver)
                continue;
            const auto [t, level] = participants[i];
            if (level == 0) {
                const TrieData& data = state.data[state.tries[t].data];
                const auto number = data.first_values.find(&value);
                if (!number)
                    agreed = false;
                else
                    ranges[t] = {data.first_starts[*number], data.first_starts[*number + 1]};
                continue;
            }
            const std::vector<Entry>& other = state.entries(t);
            at[i] = gallop(other, at[i], saved[i].second,
                           [&](const Entry& x) { return x[level] < value; });
            if (at[i] >= saved[i].second) {
                agreed = false;
                exhausted = true;
            } else if (other[at[i]][level] != value) {
                agreed = false;
            } else {
                ranges[t] = {at[i], gallop(other, at[i], saved[i].second,
                                           [&](const Entry& x) { return x[level] <= value; })};
            }
        }
        if (agreed) {
            ranges[driver_trie] = {e, group_end};
            state.row[variables_[depth]] = value;
            search(context, state, depth + 1, ranges);
            state.row[variables_[depth]] = UNBOUND;
        }
        for (std::size_t i = 0; i < participants.size(); ++i)
            ranges[participants[i].first] = saved[i];
        if (exhausted)
            return;
        e = group_end;
    }
}

bool LeapfrogJoin::step(ExecContext&, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    return emit_rows(state.results, width(state), state.next, out);
}

} // namespace quarry::engine
