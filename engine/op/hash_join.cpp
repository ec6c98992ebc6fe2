#include "engine/op/hash_join.hpp"

#include <fmt/format.h>

namespace quarry::engine {

void HashJoin::build(ExecContext& context, State& state) const {
    state.built = true;
    storage::QuadPattern constants;
    for (unsigned pos = 0; pos < 4; ++pos) {
        const TuplePosition& p = tuple_.positions[pos];
        if (p.kind == TuplePosition::MISSING) {
            state.first.assign(1, 0);
            return;
        }
        if (p.kind == TuplePosition::CONSTANT)
            constants.terms[pos] = p.id;
    }
    storage::QuadScan scan = context.scan(constants, tuple_.mode);
    std::vector<storage::Quad> scanned;
    std::vector<std::size_t> numbers;
    std::vector<TermId> key(keys_.size());
    while (auto quad = scan.next()) {
        for (std::size_t k = 0; k < keys_.size(); ++k)
            key[k] = (*quad)[keys_[k]];
        numbers.push_back(state.table.insert(key.data()).first);
        scanned.push_back(*quad);
        if (scanned.size() % BATCH_ROWS == 0)
            context.check_cancelled();
    }
    // Counting sort by key number.
    state.first.assign(state.table.size() + 1, 0);
    for (std::size_t number : numbers)
        ++state.first[number + 1];
    for (std::size_t k = 1; k < state.first.size(); ++k)
        state.first[k] += state.first[k - 1];
    state.matches.resize(scanned.size());
    std::vector<std::size_t> fill(state.first.begin(), state.first.end() - 1);
    for (std::size_t i = 0; i < scanned.size(); ++i)
        state.matches[fill[numbers[i]]++] = scanned[i];
}

void HashJoin::reset(OperatorState& base, const TermId* input) const {
    State& state = state_of<State>(base);
    child_->reset(*state.inputs[0], input);
    state.input.clear();
    state.row = 0;
    state.next = state.end = 0;
    state.exhausted = false;
}

bool HashJoin::probe(ExecContext& context, State& state, std::size_t width) const {
    state.input.width = width;
    if (state.exhausted || !child_->next(context, *state.inputs[0], state.input)) {
        state.exhausted = true;
        return false;
    }
    if (!state.built)
        build(context, state);
    const std::size_t rows = state.input.size(), key_width = keys_.size();
    state.probe_keys.resize(rows * key_width);
    for (std::size_t row_idx = 0; row_idx < rows; ++row_idx)
        for (std::size_t k = 0; k < key_width; ++k)
            state.probe_keys[row_idx * key_width + k] =
                state.input.row(row_idx)[tuple_.positions[keys_[k]].slot];
    state.found.resize(rows);
    state.table.find_batch(state.probe_keys.data(), rows, state.found.data());
    state.row = 0;
    state.next = state.end = 0;
    return true;
}

bool HashJoin::produce(ExecContext& context, OperatorState& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    const std::size_t width = out.width;
    state.extended.resize(width);
    while (out.size() < BATCH_ROWS) {
        if (state.next == state.end) { // on to the next input row
            if (state.row >= state.input.size() && !probe(context, state, width))
                break;
            if (state.row >= state.input.size())
                continue;
            const std::size_t number = state.found[state.row++];
            state.next = number == SIZE_MAX ? 0 : state.first[number];
            state.end = number == SIZE_MAX ? 0 : state.first[number + 1];
            continue;
        }
        const TermId* row = state.input.row(state.row - 1);
        std::copy(row, row + width, state.extended.begin());
        if (IndexJoin::bind(tuple_, state.matches[state.next++], state.extended.data()))
            out.push(state.extended.data());
    }
    return !out.empty();
}

std::string HashJoin::describe() const {
    std::string keys;
    for (unsigned pos : keys_)
        keys += "SPOC"[pos];
    return fmt::format("HashJoin {} on [{}]", tuple_.text, keys);
}

std::string HashJoin::describe_run(const OperatorState& base) const {
    const State& state = state_of<State>(base);
    return state.built ? fmt::format(" table {} rows", state.matches.size()) : std::string();
}

} // namespace quarry::engine
