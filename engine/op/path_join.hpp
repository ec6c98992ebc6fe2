#pragma once

// Extends each input row with the pairs (subject, object) connected by a property path:
// breadth-first from the bound end, cycle-safe, each pair once. With both ends open, every
// node of the graph (subject or object of a fact) is a start. `p+` of one predicate with
// both ends open (a transitive closure) reads the predicate's edges once into a compact
// graph of dense node numbers and walks it from every subject, marking visits in an array
// (`dense_closure`), instead of hashing nodes into sets.
//
// A context variable that the row leaves unbound walks each context on its own, as a
// four-element tuple reads: every step of a path holds in the context bound to it. The
// contexts walked are those that hold one of the path's predicates (every context, when a
// zero-length path can connect a node to itself). Bounds {m,n} walk level by level and stop
// at n steps, or once a level past m reaches no node not reached before (all later levels
// would then reach only those), so cycles end the walk.

#include "engine/op/index_join.hpp"
#include "parser/ast.hpp"

#include <unordered_map>
#include <unordered_set>

namespace quarry::engine {

struct PathPlan {
    parser::ast::PathOp op = parser::ast::PathOp::TERM;
    TuplePosition predicate;          // TERM: CONSTANT or MISSING
    std::vector<PathPlan> children;
    std::uint64_t min = 0;            // REPEAT: the fewest steps
    std::optional<std::uint64_t> max; // REPEAT: the most steps (none: no limit)
};

class PathJoin : public RowOperator {
public:
    // `subject`, `object`: SLOT, CONSTANT, MISSING or OPEN; `context`: CONSTANT, MISSING,
    // OPEN (any context, a triple's reading) or a SLOT (a parameter's, or a variable's: if
    // the row binds it, that context; else each context in turn, bound to the slot).
    PathJoin(OperatorPtr child, PathPlan path, TuplePosition subject, TuplePosition object,
             TuplePosition context, std::string text, bool dense_closure = true)
        : RowOperator(std::move(child)), path_(std::move(path)), subject_(subject),
          object_(object), context_(context), text_(std::move(text)), dense_closure_(dense_closure) {}
    std::string describe() const override { return "PathJoin " + text_; }
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }
    struct State;

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;

private:
    using NodeSet = std::unordered_set<TermId>;
    // Nodes reachable from `from` along `path` (against it when !forward).
    NodeSet reach(ExecContext& context, State& state, const PathPlan& path, TermId from,
                  bool forward) const;
    NodeSet step_nodes(ExecContext& context, State& state, const TuplePosition& predicate,
                       TermId from, bool forward) const;
    NodeSet all_nodes(ExecContext& context, const State& state) const;
    // Nodes from which `path` may lead anywhere (a superset), when both ends are open;
    // nullopt when a zero-length path makes every node a start.
    std::optional<NodeSet> starts(ExecContext& context, State& state, const PathPlan& path,
                                  bool forward) const;
    // Is `id` a subject or object of a fact (in the path's context, if it has one)? Only
    // nodes are connected to themselves by a zero-length path, so that the result does
    // not depend on whether the end was bound before.
    bool is_node(ExecContext& context, const State& state, TermId id) const;
    // The pairs of `predicate`+ with both ends open, into the state's found (only those
    // with s = o when `same_variable`).
    void closure(ExecContext& context, State& state, TermId predicate, bool same_variable) const;
    // Walks the path in one context (`run_context`: CONSTANT, or OPEN for any), adding
    // what it connects to the state's found; true if it came out sorted.
    bool walk(ExecContext& context, State& state, const TermId* row,
              TuplePosition run_context) const;
    // The contexts a path with a variable context may hold in (see the header comment).
    std::vector<TermId> contexts(ExecContext& context) const;

    PathPlan path_;
    TuplePosition subject_, object_, context_;
    std::string text_;
    bool dense_closure_;
    // With both ends open, each predicate's edges are read in one scan and kept here,
    // keyed by (predicate, direction), instead of a seek per node visited.
    struct AdjacencyKey {
        TermId predicate;
        bool forward;
        bool operator==(const AdjacencyKey&) const = default;
    };
    struct AdjacencyHash {
        std::size_t operator()(const AdjacencyKey& key) const noexcept {
            return std::hash<TermId>()(key.predicate) ^ static_cast<std::size_t>(key.forward);
        }
    };
    using Adjacency = std::unordered_map<TermId, std::vector<TermId>>;
    const Adjacency& adjacency(ExecContext& context, State& state, TermId predicate,
                               bool forward) const;

public:
    struct Found {
        TermId subject, object, context; // context: UNBOUND unless the slot is bound here
        auto operator<=>(const Found&) const = default;
    };
    struct State : RowOperator::State {
        TuplePosition run_context; // context_, its slot read at start()
        std::vector<Found> found;
        std::size_t next = 0;
        std::vector<TermId> row;
        bool preload = false;
        std::unordered_map<AdjacencyKey, Adjacency, AdjacencyHash> adjacency;
    };
};

} // namespace quarry::engine
