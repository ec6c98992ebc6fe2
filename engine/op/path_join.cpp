#include "engine/op/path_join.hpp"

#include "engine/op/row_table.hpp"

#include <algorithm>

namespace quarry::engine {

using parser::ast::PathOp;

namespace {

// The value of a position over a row: its id, or nullopt if open; MISSING gives UNBOUND
// (a constant nothing holds, so nothing connects to it).
std::optional<TermId> bound_value(const TuplePosition& position, const TermId* row) {
    switch (position.kind) {
    case TuplePosition::CONSTANT: return position.id;
    case TuplePosition::MISSING: return UNBOUND;
    case TuplePosition::SLOT:
        if (row[position.slot] != UNBOUND)
            return row[position.slot];
        return std::nullopt;
    case TuplePosition::OPEN: return std::nullopt;
    }
    return std::nullopt;
}

} // namespace

PathJoin::NodeSet PathJoin::step_nodes(ExecContext& context, State& state, const TuplePosition& predicate,
                                       TermId from, bool forward) const {
    NodeSet out;
    if (predicate.kind != TuplePosition::CONSTANT || from == UNBOUND ||
        state.run_context.kind == TuplePosition::MISSING)
        return out;
    if (state.preload) {
        const Adjacency& edges = adjacency(context, state, predicate.id, forward);
        if (const auto found = edges.find(from); found != edges.end())
            out.insert(found->second.begin(), found->second.end());
        return out;
    }
    storage::QuadPattern pattern;
    pattern.terms[storage::P] = predicate.id;
    pattern.terms[forward ? storage::S : storage::O] = from;
    if (state.run_context.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = state.run_context.id;
    const auto mode = state.run_context.kind == TuplePosition::CONSTANT ? storage::ScanMode::QUADS
                                                               : storage::ScanMode::TRIPLES;
    storage::QuadScan scan = context.scan(pattern, mode);
    while (auto quad = scan.next())
        out.insert((*quad)[forward ? storage::O : storage::S]);
    return out;
}

const PathJoin::Adjacency& PathJoin::adjacency(ExecContext& context, State& state, TermId predicate,
                                                bool forward) const {
    const AdjacencyKey key{predicate, forward};
    if (const auto found = state.adjacency.find(key); found != state.adjacency.end())
        return found->second;
    Adjacency edges;
    storage::QuadPattern pattern;
    pattern.terms[storage::P] = predicate;
    if (state.run_context.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = state.run_context.id;
    const auto mode = state.run_context.kind == TuplePosition::CONSTANT ? storage::ScanMode::QUADS
                                                               : storage::ScanMode::TRIPLES;
    storage::QuadScan scan = context.scan(pattern, mode);
    while (auto quad = scan.next()) {
        const auto [from, to] = forward ? std::pair{(*quad)[storage::S], (*quad)[storage::O]}
                                        : std::pair{(*quad)[storage::O], (*quad)[storage::S]};
        edges[from].push_back(to);
    }
    return state.adjacency.emplace(key, std::move(edges)).first->second;
}

std::optional<PathJoin::NodeSet> PathJoin::starts(ExecContext& context, State& state, const PathPlan& path,
                                                  bool forward) const {
    switch (path.op) {
    case PathOp::TERM: {
        NodeSet out;
        if (path.predicate.kind == TuplePosition::CONSTANT)
            for (const auto& [node, _] : adjacency(context, state, path.predicate.id, forward))
                out.insert(node);
        return out;
    }
    case PathOp::INVERSE:
        return starts(context, state, path.children[0], !forward);
    case PathOp::ALTERNATIVE: {
        NodeSet out;
        for (const PathPlan& child : path.children) {
            const auto part = starts(context, state, child, forward);
            if (!part)
                return std::nullopt;
            out.insert(part->begin(), part->end());
        }
        return out;
    }
    case PathOp::SEQUENCE:
        return starts(context, state, path.children[forward ? 0 : path.children.size() - 1], forward);
    case PathOp::ONE_OR_MORE: return starts(context, state, path.children[0], forward);
    case PathOp::REPEAT:
        // {0,…} takes the zero-length step: every node is a start.
        if (path.min == 0)
            return std::nullopt;
        return starts(context, state, path.children[0], forward);
    case PathOp::ZERO_OR_ONE:
    case PathOp::ZERO_OR_MORE:
        return std::nullopt;
    }
    return std::nullopt;
}

PathJoin::NodeSet PathJoin::reach(ExecContext& context, State& state, const PathPlan& path, TermId from,
                                  bool forward) const {
    switch (path.op) {
    case PathOp::TERM:
        return step_nodes(context, state, path.predicate, from, forward);
    case PathOp::INVERSE:
        return reach(context, state, path.children[0], from, !forward);
    case PathOp::ALTERNATIVE: {
        NodeSet out;
        for (const PathPlan& child : path.children) {
            const NodeSet part = reach(context, state, child, from, forward);
            out.insert(part.begin(), part.end());
        }
        return out;
    }
    case PathOp::SEQUENCE: {
        NodeSet current{from};
        const std::size_t n = path.children.size();
        for (std::size_t i = 0; i < n && !current.empty(); ++i) {
            const PathPlan& child = path.children[forward ? i : n - 1 - i];
            NodeSet next;
            for (TermId node : current) {
                const NodeSet part = reach(context, state, child, node, forward);
                next.insert(part.begin(), part.end());
            }
            current = std::move(next);
        }
        return current;
    }
    case PathOp::ZERO_OR_ONE: {
        NodeSet out = reach(context, state, path.children[0], from, forward);
        if (is_node(context, state, from))
            out.insert(from);
        return out;
    }
    case PathOp::ONE_OR_MORE:
    case PathOp::ZERO_OR_MORE: {
        NodeSet visited;
        if (path.op == PathOp::ZERO_OR_MORE && is_node(context, state, from))
            visited.insert(from);
        std::vector<TermId> frontier{from};
        NodeSet expanded{from};
        while (!frontier.empty()) {
            context.check_cancelled();
            std::vector<TermId> next;
            for (TermId node : frontier)
                for (TermId reached : reach(context, state, path.children[0], node, forward)) {
                    visited.insert(reached);
                    if (expanded.insert(reached).second)
                        next.push_back(reached);
                }
            frontier = std::move(next);
        }
        return visited;
    }
    case PathOp::REPEAT: {
        // Level k holds the nodes k steps away. Past `min`, a level that adds nothing to
        // what the levels from `min` on reached adds nothing later either (each level is a
        // step from the one before), so the walk stops there: on a cycle, and with no max.
        NodeSet out;
        if (path.min == 0 && is_node(context, state, from))
            out.insert(from);
        NodeSet level{from};
        for (std::uint64_t steps = 1; !path.max || steps <= *path.max; ++steps) {
            context.check_cancelled();
            NodeSet next;
            for (TermId node : level) {
                const NodeSet part = reach(context, state, path.children[0], node, forward);
                next.insert(part.begin(), part.end());
            }
            if (next.empty())
                break;
            if (steps >= path.min) {
                bool grew = false;
                for (TermId node : next)
                    grew = out.insert(node).second || grew;
                if (!grew)
                    break;
            }
            level = std::move(next);
        }
        return out;
    }
    }
    return {};
}

bool PathJoin::is_node(ExecContext& context, const State& state, TermId id) const {
    for (const auto position : {storage::S, storage::O}) {
        storage::QuadPattern pattern;
        pattern.terms[position] = id;
        if (state.run_context.kind == TuplePosition::CONSTANT)
            pattern.terms[storage::C] = state.run_context.id;
        if (context.scan(pattern).next_key())
            return true;
    }
    return false;
}

PathJoin::NodeSet PathJoin::all_nodes(ExecContext& context, const State& state) const {
    NodeSet nodes;
    storage::QuadPattern pattern;
    if (state.run_context.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = state.run_context.id;
    else if (state.run_context.kind == TuplePosition::MISSING)
        return nodes;
    storage::QuadScan scan = context.scan(pattern);
    while (auto quad = scan.next()) {
        nodes.insert((*quad)[storage::S]);
        nodes.insert((*quad)[storage::O]);
    }
    return nodes;
}

void PathJoin::closure(ExecContext& context, State& state, TermId predicate, bool same_variable) const {
    const TermId context_id = context_.kind == TuplePosition::SLOT ? state.run_context.id : UNBOUND;
    storage::QuadPattern pattern;
    pattern.terms[storage::P] = predicate;
    if (state.run_context.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = state.run_context.id;
    // Each (s, o) once: a triple scan keeps one of its contexts, a scan of one context has
    // each triple once.
    const auto mode = state.run_context.kind == TuplePosition::CONSTANT ? storage::ScanMode::QUADS
                                                                   : storage::ScanMode::TRIPLES;
    std::vector<TermId> ends; // s, o of each edge
    storage::QuadScan scan = context.scan(pattern, mode);
    while (auto quad = scan.next()) {
        ends.push_back((*quad)[storage::S]);
        ends.push_back((*quad)[storage::O]);
    }
    context.check_cancelled();
    // Nodes numbered densely as they first appear (a hash table, a batch at a time).
    RowTable nodes(1);
    std::vector<std::size_t> numbers(ends.size());
    for (std::size_t at = 0; at < ends.size(); at += BATCH_ROWS) {
        const std::size_t count = std::min(BATCH_ROWS, ends.size() - at);
        nodes.insert_batch(ends.data() + at, count, 1, numbers.data() + at, nullptr);
    }
    const std::size_t node_count = nodes.size();
    const auto id = [&](std::uint32_t node) { return nodes.row(node)[0]; };
    // The edges by source (a counting sort).
    std::vector<std::uint32_t> first(node_count + 1, 0), targets(ends.size() / 2);
    for (std::size_t e = 0; e < ends.size(); e += 2)
        ++first[numbers[e] + 1];
    for (std::size_t n = 1; n < first.size(); ++n)
        first[n] += first[n - 1];
    {
        std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
        for (std::size_t e = 0; e < ends.size(); e += 2)
            targets[fill[numbers[e]]++] = static_cast<std::uint32_t>(numbers[e + 1]);
    }
    // Sources in id order, and each one's reached nodes in id order: pairs sorted by (s, o).
    std::vector<std::uint32_t> sources;
    for (std::uint32_t node = 0; node < node_count; ++node)
        if (first[node] != first[node + 1])
            sources.push_back(node);
    std::sort(sources.begin(), sources.end(), [&](std::uint32_t a, std::uint32_t b) { return id(a) < id(b); });
    std::vector<std::uint32_t> seen(node_count, 0), stack;
    std::vector<TermId> reached;
    std::uint32_t epoch = 0;
    for (const std::uint32_t from : sources) {
        if (++epoch % 1024 == 0)
            context.check_cancelled();
        reached.clear();
        stack.assign(targets.begin() + first[from], targets.begin() + first[from + 1]);
        while (!stack.empty()) {
            const std::uint32_t node = stack.back();
            stack.pop_back();
            if (seen[node] == epoch)
                continue;
            seen[node] = epoch;
            reached.push_back(id(node));
            for (std::uint32_t e = first[node]; e < first[node + 1]; ++e)
                if (seen[targets[e]] != epoch)
                    stack.push_back(targets[e]);
        }
        if (same_variable) {
            if (seen[from] == epoch)
                state.found.push_back({id(from), id(from), context_id});
            continue;
        }
        std::sort(reached.begin(), reached.end());
        for (TermId node : reached)
            state.found.push_back({id(from), node, context_id});
    }
}

namespace {

// Whether a path can connect a node to itself in zero steps.
bool nullable(const PathPlan& path) {
    switch (path.op) {
    case PathOp::TERM: return false;
    case PathOp::INVERSE:
    case PathOp::ONE_OR_MORE: return nullable(path.children[0]);
    case PathOp::ALTERNATIVE:
        return std::any_of(path.children.begin(), path.children.end(), nullable);
    case PathOp::SEQUENCE: return std::all_of(path.children.begin(), path.children.end(), nullable);
    case PathOp::ZERO_OR_ONE:
    case PathOp::ZERO_OR_MORE: return true;
    case PathOp::REPEAT: return path.min == 0 || nullable(path.children[0]);
    }
    return true;
}

void predicates(const PathPlan& path, std::vector<TermId>& out) {
    if (path.op == PathOp::TERM && path.predicate.kind == TuplePosition::CONSTANT)
        out.push_back(path.predicate.id);
    for (const PathPlan& child : path.children)
        predicates(child, out);
}

} // namespace

std::vector<TermId> PathJoin::contexts(ExecContext& context) const {
    std::vector<TermId> all;
    context.store().statistics().for_each_context(
        context.txn(), [&](TermId c, std::uint64_t) { all.push_back(c); });
    if (nullable(path_))
        return all;
    std::vector<TermId> used;
    predicates(path_, used);
    std::vector<TermId> out;
    for (TermId c : all) {
        const bool holds = std::any_of(used.begin(), used.end(), [&](TermId predicate) {
            storage::QuadPattern pattern;
            pattern.terms[storage::P] = predicate;
            pattern.terms[storage::C] = c;
            return context.scan(pattern).next_key().has_value();
        });
        if (holds)
            out.push_back(c);
    }
    return out;
}

void PathJoin::start(ExecContext& context, RowOperator::State& base, const TermId* row) const {
    State& state = state_of<State>(base);
    state.row.assign(row, row + width(state));
    state.found.clear();
    state.next = 0;
    // A constant stored nowhere connects to nothing, not even by a zero-length path.
    if (subject_.kind == TuplePosition::MISSING || object_.kind == TuplePosition::MISSING ||
        context_.kind == TuplePosition::MISSING)
        return;
    bool sorted = true;
    if (context_.kind == TuplePosition::SLOT && row[context_.slot] == UNBOUND) {
        const std::vector<TermId> walked = contexts(context);
        for (TermId c : walked) {
            TuplePosition one;
            one.kind = TuplePosition::CONSTANT;
            one.id = c;
            sorted = walk(context, state, row, one) && walked.size() == 1;
        }
    } else {
        // A context given by the row (a parameter's, or a variable bound before) is fixed
        // for this row.
        TuplePosition run_context = context_;
        if (context_.kind == TuplePosition::SLOT) {
            run_context.kind = TuplePosition::CONSTANT;
            run_context.id = row[context_.slot];
        }
        sorted = walk(context, state, row, run_context);
    }
    if (!sorted)
        std::sort(state.found.begin(), state.found.end()); // deterministic order
}

bool PathJoin::walk(ExecContext& context, State& state, const TermId* row,
                    TuplePosition run_context) const {
    // Edges read in another context are not this walk's.
    if (run_context.kind != state.run_context.kind || run_context.id != state.run_context.id)
        state.adjacency.clear();
    state.run_context = run_context;
    const TermId context_id = context_.kind == TuplePosition::SLOT ? state.run_context.id : UNBOUND;
    const auto subject = bound_value(subject_, row);
    const auto object = bound_value(object_, row);
    const bool same_variable = subject_.kind == TuplePosition::SLOT &&
                               object_.kind == TuplePosition::SLOT && subject_.slot == object_.slot;
    if (subject) {
        for (TermId o : reach(context, state, path_, *subject, true))
            if (!object || *object == o)
                state.found.push_back({*subject, o, context_id});
    } else if (object && !same_variable) {
        for (TermId s : reach(context, state, path_, *object, false))
            state.found.push_back({s, *object, context_id});
    } else if (dense_closure_ && path_.op == PathOp::ONE_OR_MORE && path_.children[0].op == PathOp::TERM &&
               path_.children[0].predicate.kind == TuplePosition::CONSTANT) {
        closure(context, state, path_.children[0].predicate.id, same_variable);
        return true; // in order already
    } else {
        state.preload = true;
        const auto candidates = starts(context, state, path_, true);
        for (TermId s : candidates ? *candidates : all_nodes(context, state))
            for (TermId o : reach(context, state, path_, s, true))
                if (!same_variable || s == o)
                    state.found.push_back({s, o, context_id});
    }
    return false;
}

bool PathJoin::step(ExecContext&, RowOperator::State& base, RowBatch& out) const {
    State& state = state_of<State>(base);
    std::vector<TermId> extended(state.row.size());
    const bool binds_context = context_.kind == TuplePosition::SLOT && state.row[context_.slot] == UNBOUND;
    for (; state.next < state.found.size(); ++state.next) {
        if (out.size() >= BATCH_ROWS)
            return true;
        std::copy(state.row.begin(), state.row.end(), extended.begin());
        const Found& found = state.found[state.next];
        if (subject_.kind == TuplePosition::SLOT)
            extended[subject_.slot] = found.subject;
        if (object_.kind == TuplePosition::SLOT)
            extended[object_.slot] = found.object;
        if (binds_context) {
            // The context variable may also be the subject or object: (?x, p+, ?y, ?x).
            const TermId held = extended[context_.slot];
            if (held != UNBOUND && held != found.context)
                continue;
            extended[context_.slot] = found.context;
        }
        out.push(extended.data());
    }
    return false;
}

} // namespace quarry::engine
