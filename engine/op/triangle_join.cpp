#include "engine/op/triangle_join.hpp"

#include "engine/op/row_table.hpp"
#include "storage/term_codec.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace quarry::engine {

namespace {

// A tuple's facts as a compact graph over dense node numbers: node n's neighbours are
// targets[first[n] .. first[n + 1]), sorted and distinct, each with the number of facts
// that join the pair (weights; empty when every pair has one).
struct Graph {
    std::vector<std::uint32_t> first, targets, weights;
    std::uint64_t weight(std::size_t e) const { return weights.empty() ? 1 : weights[e]; }
};

// The graph of `ends` (from, to pairs, flat, dense numbers below `nodes`) from the first
// of each pair to the second, or the reverse. Two stable counting sorts, by target and
// then by source, leave each node's neighbours sorted without comparing them; repeated
// pairs (copies in several contexts) then become one with a weight.
Graph make_graph(const std::vector<std::uint32_t>& ends, bool forward, std::size_t nodes) {
    const unsigned from = forward ? 0 : 1, to = 1 - from;
    const std::size_t edges = ends.size() / 2;
    // Edges (as indexes into `ends`' pairs) by target.
    std::vector<std::uint32_t> starts(nodes + 1, 0), by_target(edges);
    for (std::size_t e = 0; e < edges; ++e)
        ++starts[ends[2 * e + to] + 1];
    for (std::size_t n = 1; n <= nodes; ++n)
        starts[n] += starts[n - 1];
    for (std::size_t e = 0; e < edges; ++e)
        by_target[starts[ends[2 * e + to]]++] = static_cast<std::uint32_t>(e);
    // Then by source, keeping the order by target within each source.
    std::vector<std::uint32_t> first(nodes + 1, 0), targets(edges);
    for (std::size_t e = 0; e < edges; ++e)
        ++first[ends[2 * e + from] + 1];
    for (std::size_t n = 1; n <= nodes; ++n)
        first[n] += first[n - 1];
    starts.assign(first.begin(), first.end() - 1);
    for (const std::uint32_t e : by_target)
        targets[starts[ends[2 * e + from]]++] = ends[2 * e + to];
    Graph graph;
    graph.first.resize(nodes + 1);
    std::vector<std::uint32_t> weights;
    weights.reserve(edges);
    bool repeated = false;
    std::uint32_t out = 0;
    for (std::size_t n = 0; n < nodes; ++n) {
        graph.first[n] = out;
        for (std::uint32_t at = first[n]; at < first[n + 1]; ++at) {
            if (out != graph.first[n] && targets[out - 1] == targets[at]) {
                ++weights.back();
                repeated = true;
                continue;
            }
            targets[out++] = targets[at];
            weights.push_back(1);
        }
    }
    graph.first[nodes] = out;
    targets.resize(out);
    graph.targets = std::move(targets);
    if (repeated)
        graph.weights = std::move(weights);
    return graph;
}

// Calls found(i, j) for each a[i] == b[j] of two sorted, distinct lists: a merge, or,
// when one is much shorter, a galloping search for each of its values in the other.
template <typename Found>
void intersect(const std::uint32_t* a, std::size_t na, const std::uint32_t* b, std::size_t nb,
               Found&& found) {
    const auto gallop = [](const std::uint32_t* small, std::size_t ns, const std::uint32_t* large,
                           std::size_t nl, auto&& found_pair) {
        std::size_t at = 0;
        for (std::size_t i = 0; i < ns && at < nl; ++i) {
            const std::uint32_t value = small[i];
            std::size_t step = 1, high = at;
            while (high < nl && large[high] < value) {
                at = high + 1;
                high += step;
                step *= 2;
            }
            at = static_cast<std::size_t>(
                std::lower_bound(large + at, large + std::min(high, nl), value) - large);
            if (at < nl && large[at] == value)
                found_pair(i, at);
        }
    };
    if (na * 32 < nb) {
        gallop(a, na, b, nb, found);
        return;
    }
    if (nb * 32 < na) {
        gallop(b, nb, a, na, [&](std::size_t j, std::size_t i) { found(i, j); });
        return;
    }
    std::size_t i = 0, j = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            ++i;
        } else if (b[j] < a[i]) {
            ++j;
        } else {
            found(i, j);
            ++i;
            ++j;
        }
    }
}

// Where the free slot `slot` sits in a tuple: S or O, or 4 if neither.
unsigned end_of(const TuplePlan& tuple, std::size_t slot) {
    for (unsigned pos : {storage::S, storage::O})
        if (tuple.positions[pos].kind == TuplePosition::SLOT && tuple.positions[pos].slot == slot)
            return pos;
    return 4;
}

} // namespace

bool TriangleJoin::fits(const std::vector<TuplePlan>& tuples, const std::set<std::size_t>& bound) {
    if (tuples.size() != 3)
        return false;
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    std::set<std::size_t> variables;
    for (const TuplePlan& tuple : tuples) {
        const TuplePosition &s = tuple.positions[storage::S], &o = tuple.positions[storage::O];
        if (tuple.range || s.kind != TuplePosition::SLOT || o.kind != TuplePosition::SLOT ||
            s.slot == o.slot || bound.count(s.slot) || bound.count(o.slot))
            return false;
        // The predicate and context come from constants or the input row; a wildcard
        // predicate would read every fact.
        for (unsigned pos : {storage::P, storage::C}) {
            const TuplePosition& p = tuple.positions[pos];
            if (p.kind == TuplePosition::SLOT && !bound.count(p.slot))
                return false;
        }
        if (tuple.positions[storage::P].kind == TuplePosition::OPEN)
            return false;
        pairs.emplace(std::min(s.slot, o.slot), std::max(s.slot, o.slot));
        variables.insert(s.slot);
        variables.insert(o.slot);
    }
    return variables.size() == 3 && pairs.size() == 3;
}

std::string TriangleJoin::describe() const {
    return fmt::format("TriangleJoin (dense, sorted neighbours){} {}",
                       count_slot_ == SIZE_MAX ? "" : ", counted, not joined:", text_);
}

std::string TriangleJoin::describe_run(const OperatorState& base) const {
    const State& state = state_of<State>(base);
    return state.nodes ? fmt::format(" {} nodes", state.nodes) : std::string();
}

void TriangleJoin::start(ExecContext& context, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    state.row.assign(row, row + width(state));
    state.results.clear();
    state.next = 0;
    state.nodes = 0;
    std::uint64_t total = 0;
    const auto emit_count = [&] {
        if (count_slot_ == SIZE_MAX)
            return;
        state.row[count_slot_] = storage::inline_integer_id(static_cast<std::int64_t>(total));
        state.results = state.row;
    };

    // One scan per distinct pattern: its facts' (subject, object) as term ids, flat.
    struct Scan {
        storage::QuadPattern pattern;
        storage::ScanMode mode;
        std::vector<TermId> ends;
    };
    std::vector<Scan> scans;
    std::array<std::size_t, 3> scan_of{};
    for (std::size_t t = 0; t < 3; ++t) {
        const auto pattern = IndexJoin::pattern(tuples_[t], row);
        if (!pattern)
            return emit_count();
        const auto found = std::find_if(scans.begin(), scans.end(), [&](const Scan& scan) {
            return scan.pattern.terms == pattern->terms && scan.mode == tuples_[t].mode;
        });
        if (found != scans.end()) {
            scan_of[t] = static_cast<std::size_t>(found - scans.begin());
            continue;
        }
        Scan scan{*pattern, tuples_[t].mode, {}};
        storage::QuadScan quads = context.scan(*pattern, tuples_[t].mode);
        const auto ord = storage::order(quads.permutation());
        unsigned s_index = 0, o_index = 0;
        for (unsigned i = 0; i < 4; ++i) {
            if (ord[i] == storage::S)
                s_index = i;
            if (ord[i] == storage::O)
                o_index = i;
        }
        if (pattern->bound_mask() == (1u << storage::P))
            scan.ends.reserve(2 * static_cast<std::size_t>(std::min<std::uint64_t>(
                                      context.store().estimate(context.txn(), *pattern),
                                      std::uint64_t{1} << 26)));
        // A block of keys at a time; a triple scan skips the copies of a triple in other
        // contexts (adjacent, as next_key() would).
        for (auto keys = quads.next_keys(); !keys.empty(); keys = quads.next_keys()) {
            for (const storage::Key& key : keys) {
                if (quads.repeats_triple(key))
                    continue;
                scan.ends.push_back(key[s_index]);
                scan.ends.push_back(key[o_index]);
            }
        }
        context.check_cancelled();
        if (scan.ends.empty())
            return emit_count();
        scan_of[t] = scans.size();
        scans.push_back(std::move(scan));
    }

    // Nodes numbered densely as they appear, one numbering for every scan, a batch at a
    // time. An end equal to the same end of the fact before (a scan sorted by it gives
    // runs) takes its number without a look-up.
    RowTable nodes(1);
    std::vector<std::vector<std::uint32_t>> dense(scans.size());
    {
        std::vector<TermId> values;
        std::vector<std::size_t> numbers;
        for (std::size_t s = 0; s < scans.size(); ++s) {
            const std::vector<TermId>& ends = scans[s].ends;
            dense[s].resize(ends.size());
            for (std::size_t at = 0; at < ends.size(); at += 2 * BATCH_ROWS) {
                const std::size_t end = std::min(ends.size(), at + 2 * BATCH_ROWS);
                values.clear();
                for (std::size_t i = at; i < end; ++i)
                    if (i < 2 || ends[i] != ends[i - 2])
                        values.push_back(ends[i]);
                numbers.resize(values.size());
                nodes.insert_batch(values.data(), values.size(), 1, numbers.data(), nullptr);
                std::size_t next = 0;
                for (std::size_t i = at; i < end; ++i)
                    dense[s][i] = i < 2 || ends[i] != ends[i - 2]
                                      ? static_cast<std::uint32_t>(numbers[next++])
                                      : dense[s][i - 2];
            }
            scans[s].ends = {};
        }
    }
    const std::size_t node_count = nodes.size();
    state.nodes = node_count;

    // The graph of each pair of variables, walked from the earlier variable to the later:
    // (0, 1), (0, 2), (1, 2). Tuples reading one scan in one direction share it.
    std::array<Graph, 3> graphs;
    {
        std::vector<std::pair<std::pair<std::size_t, bool>, std::size_t>>
            built; // (scan, forward), graph
        const std::array<std::pair<std::size_t, std::size_t>, 3> pairs{
            {{variables_[0], variables_[1]},
             {variables_[0], variables_[2]},
             {variables_[1], variables_[2]}}};
        for (std::size_t g = 0; g < 3; ++g) {
            std::size_t t = 0;
            while (end_of(tuples_[t], pairs[g].first) == 4 ||
                   end_of(tuples_[t], pairs[g].second) == 4)
                ++t;
            const bool forward = end_of(tuples_[t], pairs[g].first) == storage::S;
            const std::pair<std::size_t, bool> key{scan_of[t], forward};
            const auto same = std::find_if(built.begin(), built.end(),
                                           [&](const auto& b) { return b.first == key; });
            if (same != built.end()) {
                graphs[g] = graphs[same->second];
                continue;
            }
            graphs[g] = make_graph(dense[scan_of[t]], forward, node_count);
            built.emplace_back(key, g);
        }
        context.check_cancelled();
    }

    const Graph &g01 = graphs[0], &g02 = graphs[1], &g12 = graphs[2];
    for (std::uint32_t u = 0; u < node_count; ++u) {
        if ((u & 0xffff) == 0)
            context.check_cancelled();
        const std::uint32_t a = g01.first[u], a_end = g01.first[u + 1];
        const std::uint32_t c = g02.first[u], c_end = g02.first[u + 1];
        if (a == a_end || c == c_end)
            continue;
        for (std::uint32_t e01 = a; e01 < a_end; ++e01) {
            const std::uint32_t v = g01.targets[e01];
            const std::uint32_t b = g12.first[v], b_end = g12.first[v + 1];
            if (b == b_end)
                continue;
            const std::uint64_t w01 = g01.weight(e01);
            intersect(g12.targets.data() + b, b_end - b, g02.targets.data() + c, c_end - c,
                      [&](std::size_t i, std::size_t j) {
                          const std::uint64_t multiplicity =
                              w01 * g12.weight(b + i) * g02.weight(c + j);
                          if (count_slot_ != SIZE_MAX) {
                              total += multiplicity;
                              return;
                          }
                          state.row[variables_[0]] = nodes.row(u)[0];
                          state.row[variables_[1]] = nodes.row(v)[0];
                          state.row[variables_[2]] = nodes.row(g12.targets[b + i])[0];
                          for (std::uint64_t copy = 0; copy < multiplicity; ++copy)
                              state.results.insert(state.results.end(), state.row.begin(),
                                                   state.row.end());
                      });
        }
    }
    if (count_slot_ == SIZE_MAX)
        for (std::size_t v : variables_)
            state.row[v] = UNBOUND;
    emit_count();
}

bool TriangleJoin::step(ExecContext&, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    return emit_rows(state.results, width(state), state.next, out);
}

} // namespace quarry::engine
