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

PathJoin::NodeSet PathJoin::step_nodes(ExecContext& context, const TuplePosition& predicate,
                                       TermId from, bool forward) const {
    NodeSet out;
    if (predicate.kind != TuplePosition::CONSTANT || from == UNBOUND ||
        run_context_.kind == TuplePosition::MISSING)
        return out;
    if (preload_) {
        const Adjacency& edges = adjacency(context, predicate.id, forward);
        if (const auto found = edges.find(from); found != edges.end())
            out.insert(found->second.begin(), found->second.end());
        return out;
    }
    storage::QuadPattern pattern;
    pattern.terms[storage::P] = predicate.id;
    pattern.terms[forward ? storage::S : storage::O] = from;
    if (run_context_.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = run_context_.id;
    const auto mode = run_context_.kind == TuplePosition::CONSTANT ? storage::ScanMode::QUADS
                                                               : storage::ScanMode::TRIPLES;
    storage::QuadScan scan = context.scan(pattern, mode);
    while (auto quad = scan.next())
        out.insert((*quad)[forward ? storage::O : storage::S]);
    return out;
}

const PathJoin::Adjacency& PathJoin::adjacency(ExecContext& context, TermId predicate, bool forward) const {
    const AdjacencyKey key{predicate, forward};
    if (const auto found = adjacency_.find(key); found != adjacency_.end())
        return found->second;
    Adjacency edges;
    storage::QuadPattern pattern;
    pattern.terms[storage::P] = predicate;
    if (run_context_.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = run_context_.id;
    const auto mode = run_context_.kind == TuplePosition::CONSTANT ? storage::ScanMode::QUADS
                                                               : storage::ScanMode::TRIPLES;
    storage::QuadScan scan = context.scan(pattern, mode);
    while (auto quad = scan.next()) {
        const auto [from, to] = forward ? std::pair{(*quad)[storage::S], (*quad)[storage::O]}
                                        : std::pair{(*quad)[storage::O], (*quad)[storage::S]};
        edges[from].push_back(to);
    }
    return adjacency_.emplace(key, std::move(edges)).first->second;
}

std::optional<PathJoin::NodeSet> PathJoin::starts(ExecContext& context, const PathPlan& path,
                                                  bool forward) const {
    switch (path.op) {
    case PathOp::TERM: {
        NodeSet out;
        if (path.predicate.kind == TuplePosition::CONSTANT)
            for (const auto& [node, _] : adjacency(context, path.predicate.id, forward))
                out.insert(node);
        return out;
    }
    case PathOp::INVERSE:
        return starts(context, path.children[0], !forward);
    case PathOp::ALTERNATIVE: {
        NodeSet out;
        for (const PathPlan& child : path.children) {
            const auto part = starts(context, child, forward);
            if (!part)
                return std::nullopt;
            out.insert(part->begin(), part->end());
        }
        return out;
    }
    case PathOp::SEQUENCE:
        return starts(context, path.children[forward ? 0 : path.children.size() - 1], forward);
    case PathOp::ONE_OR_MORE:
        return starts(context, path.children[0], forward);
    case PathOp::ZERO_OR_ONE:
    case PathOp::ZERO_OR_MORE:
        return std::nullopt;
    }
    return std::nullopt;
}

PathJoin::NodeSet PathJoin::reach(ExecContext& context, const PathPlan& path, TermId from,
                                  bool forward) const {
    switch (path.op) {
    case PathOp::TERM:
        return step_nodes(context, path.predicate, from, forward);
    case PathOp::INVERSE:
        return reach(context, path.children[0], from, !forward);
    case PathOp::ALTERNATIVE: {
        NodeSet out;
        for (const PathPlan& child : path.children) {
            const NodeSet part = reach(context, child, from, forward);
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
                const NodeSet part = reach(context, child, node, forward);
                next.insert(part.begin(), part.end());
            }
            current = std::move(next);
        }
        return current;
    }
    case PathOp::ZERO_OR_ONE: {
        NodeSet out = reach(context, path.children[0], from, forward);
        if (is_node(context, from))
            out.insert(from);
        return out;
    }
    case PathOp::ONE_OR_MORE:
    case PathOp::ZERO_OR_MORE: {
        NodeSet visited;
        if (path.op == PathOp::ZERO_OR_MORE && is_node(context, from))
            visited.insert(from);
        std::vector<TermId> frontier{from};
        NodeSet expanded{from};
        while (!frontier.empty()) {
            context.check_cancelled();
            std::vector<TermId> next;
            for (TermId node : frontier)
                for (TermId reached : reach(context, path.children[0], node, forward)) {
                    visited.insert(reached);
                    if (expanded.insert(reached).second)
                        next.push_back(reached);
                }
            frontier = std::move(next);
        }
        return visited;
    }
    }
    return {};
}

bool PathJoin::is_node(ExecContext& context, TermId id) const {
    for (const auto position : {storage::S, storage::O}) {
        storage::QuadPattern pattern;
        pattern.terms[position] = id;
        if (run_context_.kind == TuplePosition::CONSTANT)
            pattern.terms[storage::C] = run_context_.id;
        if (context.scan(pattern).next_key())
            return true;
    }
    return false;
}

PathJoin::NodeSet PathJoin::all_nodes(ExecContext& context) const {
    NodeSet nodes;
    storage::QuadPattern pattern;
    if (run_context_.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = run_context_.id;
    else if (run_context_.kind == TuplePosition::MISSING)
        return nodes;
    storage::QuadScan scan = context.scan(pattern);
    while (auto quad = scan.next()) {
        nodes.insert((*quad)[storage::S]);
        nodes.insert((*quad)[storage::O]);
    }
    return nodes;
}

void PathJoin::closure(ExecContext& context, TermId predicate, bool same_variable) {
    storage::QuadPattern pattern;
    pattern.terms[storage::P] = predicate;
    if (run_context_.kind == TuplePosition::CONSTANT)
        pattern.terms[storage::C] = run_context_.id;
    // Each (s, o) once: a triple scan keeps one of its contexts, a scan of one context has
    // each triple once.
    const auto mode = run_context_.kind == TuplePosition::CONSTANT ? storage::ScanMode::QUADS
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
                pairs_.emplace_back(id(from), id(from));
            continue;
        }
        std::sort(reached.begin(), reached.end());
        for (TermId node : reached)
            pairs_.emplace_back(id(from), node);
    }
}

void PathJoin::start(ExecContext& context, const TermId* row) {
    row_.assign(row, row + width());
    pairs_.clear();
    next_ = 0;
    // A context given by a parameter is fixed for the run; edges read in another are not
    // this run's.
    TuplePosition run_context = context_;
    if (context_.kind == TuplePosition::SLOT) {
        run_context.kind = TuplePosition::CONSTANT;
        run_context.id = row[context_.slot];
    }
    if (run_context.kind != run_context_.kind || run_context.id != run_context_.id)
        adjacency_.clear();
    run_context_ = run_context;
    // A constant stored nowhere connects to nothing, not even by a zero-length path.
    if (subject_.kind == TuplePosition::MISSING || object_.kind == TuplePosition::MISSING ||
        run_context_.kind == TuplePosition::MISSING)
        return;
    const auto subject = bound_value(subject_, row);
    const auto object = bound_value(object_, row);
    const bool same_variable = subject_.kind == TuplePosition::SLOT &&
                               object_.kind == TuplePosition::SLOT && subject_.slot == object_.slot;
    if (subject) {
        for (TermId o : reach(context, path_, *subject, true))
            if (!object || *object == o)
                pairs_.emplace_back(*subject, o);
    } else if (object && !same_variable) {
        for (TermId s : reach(context, path_, *object, false))
            pairs_.emplace_back(s, *object);
    } else if (dense_closure_ && path_.op == PathOp::ONE_OR_MORE && path_.children[0].op == PathOp::TERM &&
               path_.children[0].predicate.kind == TuplePosition::CONSTANT) {
        closure(context, path_.children[0].predicate.id, same_variable);
        return; // in order already
    } else {
        preload_ = true;
        const auto candidates = starts(context, path_, true);
        for (TermId s : candidates ? *candidates : all_nodes(context))
            for (TermId o : reach(context, path_, s, true))
                if (!same_variable || s == o)
                    pairs_.emplace_back(s, o);
    }
    std::sort(pairs_.begin(), pairs_.end()); // deterministic order
}

bool PathJoin::step(ExecContext&, RowBatch& out) {
    std::vector<TermId> extended(row_.size());
    for (; next_ < pairs_.size(); ++next_) {
        if (out.size() >= BATCH_ROWS)
            return true;
        std::copy(row_.begin(), row_.end(), extended.begin());
        const auto [s, o] = pairs_[next_];
        if (subject_.kind == TuplePosition::SLOT)
            extended[subject_.slot] = s;
        if (object_.kind == TuplePosition::SLOT)
            extended[object_.slot] = o;
        out.push(extended.data());
    }
    return false;
}

} // namespace quarry::engine
