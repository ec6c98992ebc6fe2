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
    return fmt::format("CountJoin {} with {} on ?{}, counted, not joined: [{}] hashed", probe_.text,
                       build_.text, variable_name_, "SPOC"[build_position_]);
}

std::string CountJoin::describe_run(const OperatorState& base) const {
    const State& state = state_of<State>(base);
    return state.built ? fmt::format(" table {} values", state.table.size()) : std::string();
}

void CountJoin::start(ExecContext& context, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    state.row.assign(row, row + width(state));
    state.table.clear();
    state.counts.clear();
    state.matched.clear();
    state.next = 0;
    state.built = true;
    const auto build = IndexJoin::pattern(build_, row);
    const auto probe = IndexJoin::pattern(probe_, row);
    if (!build || !probe)
        return;
    {
        // Runs of one value counted as one, inserted a batch at a time (slots fetched ahead).
        const auto insert_values = [&] {
            state.numbers.resize(state.values.size());
            state.table.insert_batch(state.values.data(), state.values.size(), 1,
                                     state.numbers.data(), nullptr);
            state.counts.resize(state.table.size(), 0);
            for (std::size_t i = 0; i < state.values.size(); ++i)
                state.counts[state.numbers[i]] += state.runs[i];
            state.values.clear();
            state.runs.clear();
        };
        read_runs(context, state, *build, build_, build_position_, insert_values);
    }
    if (state.table.size() == 0)
        return;
    state.matched.assign(state.table.size(), 0);
    read_runs(context, state, *probe, probe_, probe_position_, [&] { probe_values(state); });
}

template <typename Flush>
void CountJoin::read_runs(ExecContext& context, State& state, const storage::QuadPattern& pattern,
                          const TuplePlan& plan, unsigned position, Flush&& flush) {
    // Keys as the index holds them, not turned into quads.
    storage::QuadScan scan = context.scan(pattern, plan.mode);
    const auto repeated = repeated_positions(plan, scan.permutation());
    const unsigned index = key_index(scan.permutation(), position);
    state.values.clear();
    state.runs.clear();
    // A block of keys at a time; a triple scan skips the copies of a triple in other
    // contexts (adjacent, as next_key() would).
    std::size_t scanned = 0;
    for (auto keys = scan.next_keys(); !keys.empty(); keys = scan.next_keys()) {
        if ((scanned += keys.size()) >= 16 * BATCH_ROWS) {
            scanned = 0;
            context.check_cancelled();
        }
        for (const storage::Key& key : keys) {
            if (scan.repeats_triple(key))
                continue;
            if (!repeated.empty() && !agrees(repeated, key))
                continue;
            const TermId value = key[index];
            if (!state.values.empty() && state.values.back() == value) {
                ++state.runs.back();
                continue;
            }
            if (state.values.size() == BATCH_ROWS)
                flush();
            state.values.push_back(value);
            state.runs.push_back(1);
        }
    }
    flush();
}

void CountJoin::probe_values(State& state) {
    state.numbers.resize(state.values.size());
    state.table.find_batch(state.values.data(), state.values.size(), state.numbers.data());
    for (std::size_t i = 0; i < state.values.size(); ++i)
        if (state.numbers[i] != SIZE_MAX)
            state.matched[state.numbers[i]] += state.runs[i];
    state.values.clear();
    state.runs.clear();
}

bool CountJoin::step(ExecContext&, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    state.extended = state.row;
    for (; state.next < state.matched.size(); ++state.next) {
        if (out.size() >= BATCH_ROWS)
            return true;
        if (state.matched[state.next] == 0)
            continue;
        state.extended[variable_] = state.table.row(state.next)[0];
        state.extended[count_slot_] = storage::inline_integer_id(
            static_cast<std::int64_t>(state.counts[state.next] * state.matched[state.next]));
        out.push(state.extended.data());
    }
    return false;
}

} // namespace quarry::engine
