#include "engine/rules.hpp"

#include "engine/error.hpp"
#include "engine/planner.hpp"
#include "engine/terms.hpp"
#include "parser/printer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace quarry::engine {

namespace ast = parser::ast;
using storage::Quad;

namespace {

struct QuadHash {
    std::size_t operator()(const Quad& quad) const noexcept {
        std::uint64_t h = 0x9E3779B97F4A7C15ULL;
        for (TermId id : quad)
            h = (h ^ id) * 0xBF58476D1CE4E5B9ULL;
        return static_cast<std::size_t>(h ^ (h >> 31));
    }
};
using QuadSet = std::unordered_set<Quad, QuadHash>;

// Derived facts are found at most this many derivations deep below a change; deeper is a
// rank overflow no real rule set reaches.
constexpr std::uint32_t MAX_RANK = std::numeric_limits<std::uint32_t>::max() - 1;

// Every term of a statement, for writing its IRIs whole.
void for_each_term(ast::Path& path, const std::function<void(ast::Term&)>& fn) {
    if (path.op == ast::PathOp::TERM)
        fn(path.term);
    for (auto& child : path.children)
        for_each_term(child, fn);
}
void for_each_term(std::vector<ast::Pattern>& patterns, const std::function<void(ast::Term&)>& fn);
void for_each_term(ast::Expr& expr, const std::function<void(ast::Term&)>& fn) {
    if (expr.op == ast::ExprOp::TERM)
        fn(expr.term);
    for (auto& arg : expr.args)
        for_each_term(arg, fn);
    for_each_term(expr.block, fn);
}
void for_each_term(ast::Tuple& tuple, const std::function<void(ast::Term&)>& fn) {
    fn(tuple.subject);
    for_each_term(tuple.predicate, fn);
    fn(tuple.object);
    if (tuple.context)
        fn(*tuple.context);
}
void for_each_term(std::vector<ast::Pattern>& patterns, const std::function<void(ast::Term&)>& fn) {
    for (auto& pattern : patterns) {
        if (pattern.kind == ast::PatternKind::TUPLE)
            for_each_term(pattern.tuple, fn);
        for_each_term(pattern.patterns, fn);
        if (pattern.where)
            for_each_term(*pattern.where, fn);
    }
}

// The predicates a path reads (its terms).
void path_predicates(const ast::Path& path, const std::function<void(const ast::Term&)>& fn) {
    if (path.op == ast::PathOp::TERM)
        fn(path.term);
    for (const auto& child : path.children)
        path_predicates(child, fn);
}

std::string fact_text(ExecContext& context, const Quad& quad) {
    std::string out = "(";
    for (unsigned pos = 0; pos < 3; ++pos)
        out += (pos ? ", " : "") + format_term(context.term(quad[pos]));
    if (quad[3] != storage::DEFAULT_CONTEXT_ID)
        out += ", " + format_term(context.term(quad[3]));
    return out + ")";
}

Quad instantiate(const RuleTuple& tuple, const TermId* row) {
    Quad quad{};
    for (unsigned pos = 0; pos < 4; ++pos) {
        const RulePosition& at = tuple.at[pos];
        quad[pos] = at.kind == RulePosition::VARIABLE ? row[at.slot] : at.id;
    }
    return quad;
}

// The facts a body tuple stands for in a solution: its values and the row's.
storage::QuadPattern pattern_of(const RuleTuple& tuple, const TermId* row) {
    storage::QuadPattern pattern;
    for (unsigned pos = 0; pos < 4; ++pos) {
        const RulePosition& at = tuple.at[pos];
        if (at.kind == RulePosition::CONSTANT)
            pattern.terms[pos] = at.id;
        else if (at.kind == RulePosition::VARIABLE && row[at.slot] != UNBOUND)
            pattern.terms[pos] = row[at.slot];
    }
    return pattern;
}

bool reads(TermId read, TermId written) {
    if (read == MISSING_PREDICATE || written == MISSING_PREDICATE)
        return false;
    return read == ANY_PREDICATE || written == ANY_PREDICATE || read == written;
}

} // namespace

bool unify(const RuleTuple& tuple, const Quad& quad, TermId* row) {
    for (unsigned pos = 0; pos < 4; ++pos) {
        const RulePosition& at = tuple.at[pos];
        switch (at.kind) {
        case RulePosition::CONSTANT:
            if (at.id != quad[pos])
                return false;
            break;
        case RulePosition::VARIABLE:
            if (row[at.slot] == UNBOUND)
                row[at.slot] = quad[pos];
            else if (row[at.slot] != quad[pos])
                return false;
            break;
        case RulePosition::ANY: break;
        }
    }
    return true;
}

std::string rule_text(const ast::Statement& statement, const PrefixMap& prefixes) {
    ast::Statement copy = statement;
    auto whole = [&](ast::Term& term) {
        if ((term.kind != ast::TermKind::IRI && term.kind != ast::TermKind::TYPED) ||
            !term.iri.prefixed)
            return;
        const auto found = prefixes.find(term.iri.prefix);
        if (found == prefixes.end())
            throw QueryError(fmt::format("unknown prefix '{}:' (declare it with prefix {}: <…>)",
                                         term.iri.prefix, term.iri.prefix),
                             &term);
        term.iri = ast::IriRef{"", found->second + term.iri.text, false};
    };
    for (auto& tuple : copy.tuples)
        for_each_term(tuple, whole);
    for_each_term(copy.query->patterns, whole);
    if (copy.query->where)
        for_each_term(*copy.query->where, whole);
    return parser::print(copy);
}

// --- compiling and stratifying ----------------------------------------------------------

// The walks of a path from one node, breadth-first over (node, state of the automaton).
struct RuleEngine::Walks {
    struct Key {
        TermId node;
        std::uint32_t state;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& key) const noexcept {
            return static_cast<std::size_t>((key.node * 0x9E3779B97F4A7C15ULL) ^ key.state);
        }
    };
    struct Step {
        Key from;                 // the root: itself
        std::optional<Quad> fact; // none: an empty step
    };
    std::unordered_map<Key, Step, KeyHash> reached;
};

struct RuleEngine::Plan {
    SlotMap slots;
    OperatorPtr root;
    StatePtr state; // the root's run state, reset for each run
    std::size_t width = 0;
    std::vector<TermId> input;
};

namespace {

// Interns the values of a rule's heads.
void intern_heads(storage::Store& store, const storage::lmdb::WriteTxn& txn,
                  const std::string& text) {
    const parser::ParsedStatements parsed = parser::parse(text);
    if (parsed.first_error() || parsed.statements().empty())
        return; // compile() says what is wrong
    const PrefixMap no_prefixes;
    for (const auto& tuple : parsed.statements()[0].statement->tuples)
        for (const ast::Term* term : {&tuple.subject, &tuple.predicate.term, &tuple.object,
                                      tuple.context ? &*tuple.context : nullptr})
            if (term && term->kind != ast::TermKind::VARIABLE)
                store.intern(txn, to_storage(*term, no_prefixes));
}

// Paths of more states than this (long bounds {m,n}) get no automaton: `why` does not
// walk them, and they count for nothing in ranks.
constexpr std::size_t MAX_PATH_STATES = 4096;

// Adds `path` to `automaton` between the states `from` and `to` (against its direction
// when !forward); false if the automaton would grow too large.
bool build_automaton(PathAutomaton& automaton, const ast::Path& path, std::uint32_t from,
                     std::uint32_t to, bool forward,
                     const std::function<TermId(const ast::Term&)>& predicate_of) {
    auto state = [&] {
        automaton.edges.emplace_back();
        return static_cast<std::uint32_t>(automaton.edges.size() - 1);
    };
    auto empty = [&](std::uint32_t a, std::uint32_t b) {
        automaton.edges[a].push_back({b, UNBOUND, true});
    };
    if (automaton.edges.size() > MAX_PATH_STATES)
        return false;
    // `count` copies of `child` in a row from `a`: the state after the last (none: too large).
    auto copies = [&](const ast::Path& child, std::uint64_t count, std::uint32_t a) {
        for (std::uint64_t i = 0; i < count; ++i) {
            const std::uint32_t next = state();
            if (!build_automaton(automaton, child, a, next, forward, predicate_of))
                return std::optional<std::uint32_t>();
            a = next;
        }
        return std::optional<std::uint32_t>(a);
    };
    switch (path.op) {
    case ast::PathOp::TERM: {
        const TermId predicate = predicate_of(path.term);
        if (predicate == ANY_PREDICATE)
            return false; // not a path the language writes
        if (predicate != MISSING_PREDICATE)
            automaton.edges[from].push_back({to, predicate, forward});
        return true;
    }
    case ast::PathOp::INVERSE:
        return build_automaton(automaton, path.children[0], from, to, !forward, predicate_of);
    case ast::PathOp::ALTERNATIVE:
        for (const auto& child : path.children)
            if (!build_automaton(automaton, child, from, to, forward, predicate_of))
                return false;
        return true;
    case ast::PathOp::SEQUENCE: {
        const std::size_t n = path.children.size();
        std::uint32_t at = from;
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint32_t next = i + 1 == n ? to : state();
            if (!build_automaton(automaton, path.children[forward ? i : n - 1 - i], at, next,
                                 forward, predicate_of))
                return false;
            at = next;
        }
        return true;
    }
    case ast::PathOp::ZERO_OR_ONE:
        empty(from, to);
        return build_automaton(automaton, path.children[0], from, to, forward, predicate_of);
    case ast::PathOp::ONE_OR_MORE:
    case ast::PathOp::ZERO_OR_MORE: {
        const std::uint32_t loop = state(), back = state();
        empty(from, loop);
        if (!build_automaton(automaton, path.children[0], loop, back, forward, predicate_of))
            return false;
        empty(back, loop);
        empty(back, to);
        if (path.op == ast::PathOp::ZERO_OR_MORE)
            empty(from, to);
        return true;
    }
    case ast::PathOp::REPEAT: {
        if (path.min > MAX_PATH_STATES || (path.max && *path.max > MAX_PATH_STATES))
            return false;
        const auto at = copies(path.children[0], path.min, from);
        if (!at)
            return false;
        if (!path.max) { // then any number more
            const std::uint32_t loop = state(), back = state();
            empty(*at, loop);
            if (!build_automaton(automaton, path.children[0], loop, back, forward, predicate_of))
                return false;
            empty(back, loop);
            empty(back, to);
            empty(*at, to);
            return true;
        }
        // Up to max - min more, each optional.
        std::uint32_t last = *at;
        empty(last, to);
        for (std::uint64_t i = path.min; i < *path.max; ++i) {
            const auto next = copies(path.children[0], 1, last);
            if (!next)
                return false;
            empty(*next, to);
            last = *next;
        }
        return true;
    }
    }
    return false;
}

// Compiles one stored rule in `txn`.
CompiledRule compile(storage::Store& store, const storage::lmdb::Txn& txn, const std::string& name,
                     const std::string& text) {
    CompiledRule rule;
    rule.name = name;
    auto parsed = std::make_shared<parser::ParsedStatements>(parser::parse(text));
    if (parsed->first_error() || parsed->statements().size() != 1 ||
        parsed->statements()[0].statement->kind != ast::StatementKind::RULE)
        throw StorageError(
            fmt::format("the stored rule {} does not parse: {}", name,
                        parsed->first_error() ? parsed->first_error()->what() : "not a rule"));
    rule.statement = &*parsed->statements()[0].statement;
    rule.parsed = std::move(parsed);
    const ast::Query& body = *rule.statement->query;
    rule.binding = bind_query(body, {}, false);
    const PrefixMap no_prefixes;

    auto id_of = [&](const ast::Term& term, bool head) -> TermId {
        const storage::Term value = to_storage(term, no_prefixes);
        if (head && !txn.read_only())
            return store.intern(static_cast<const storage::lmdb::WriteTxn&>(txn), value);
        return store.find(txn, value).value_or(UNBOUND);
    };
    auto compile_tuple = [&](const ast::Tuple& tuple, bool head) {
        RuleTuple out;
        out.tuple = &tuple;
        const std::array<const ast::Term*, 4> terms{&tuple.subject, &tuple.predicate.term,
                                                    &tuple.object,
                                                    tuple.context ? &*tuple.context : nullptr};
        for (unsigned pos = 0; pos < 4; ++pos) {
            RulePosition& at = out.at[pos];
            const ast::Term* term = terms[pos];
            if (pos == storage::P && tuple.predicate.op != ast::PathOp::TERM) {
                at.kind = RulePosition::ANY; // a path: RulePath's automaton reads it
            } else if (!term) {
                // A three-element head writes to the default context; a body tuple reads any.
                at.kind = head ? RulePosition::CONSTANT : RulePosition::ANY;
                at.id = storage::DEFAULT_CONTEXT_ID;
            } else if (term->kind == ast::TermKind::VARIABLE) {
                at.kind = RulePosition::VARIABLE;
                at.slot = rule.binding.slots.at(term->text);
            } else if (term->kind == ast::TermKind::WILDCARD) {
                at.kind = RulePosition::ANY;
            } else {
                at.kind = RulePosition::CONSTANT;
                at.id = id_of(*term, head);
            }
        }
        return out;
    };
    auto predicate_of = [&](const ast::Term& term) -> TermId {
        if (term.kind == ast::TermKind::VARIABLE || term.kind == ast::TermKind::WILDCARD)
            return ANY_PREDICATE;
        const TermId id = id_of(term, false);
        return id == UNBOUND ? MISSING_PREDICATE : id;
    };

    for (const auto& tuple : rule.statement->tuples)
        rule.heads.push_back(compile_tuple(tuple, true));

    // What the body reads: its top-level tuples precisely, the rest coarsely.
    std::function<void(const std::vector<ast::Pattern>&, bool)> coarse_patterns;
    std::function<void(const ast::Expr&, bool)> coarse_expr = [&](const ast::Expr& expr,
                                                                  bool negative) {
        const bool flipped = expr.op == ast::ExprOp::NOT ? !negative : negative;
        for (const auto& arg : expr.args)
            coarse_expr(arg, flipped);
        coarse_patterns(expr.block, negative);
    };
    coarse_patterns = [&](const std::vector<ast::Pattern>& patterns, bool negative) {
        for (const auto& pattern : patterns) {
            const bool inner = negative || pattern.kind == ast::PatternKind::NOT ||
                               pattern.kind == ast::PatternKind::OPTIONAL;
            if (pattern.kind == ast::PatternKind::TUPLE)
                path_predicates(pattern.tuple.predicate, [&](const ast::Term& term) {
                    const TermId predicate = predicate_of(term);
                    rule.reads.push_back({predicate, inner});
                    rule.coarse.push_back(predicate);
                });
            coarse_patterns(pattern.patterns, inner);
            if (pattern.where)
                coarse_expr(*pattern.where, inner);
        }
    };
    for (const auto& pattern : body.patterns) {
        if (pattern.kind == ast::PatternKind::TUPLE &&
            pattern.tuple.predicate.op == ast::PathOp::TERM) {
            rule.body.push_back(compile_tuple(pattern.tuple, false));
            rule.reads.push_back({predicate_of(pattern.tuple.predicate.term), false});
            continue;
        }
        if (pattern.kind == ast::PatternKind::TUPLE) {
            RulePath path;
            path.ends = compile_tuple(pattern.tuple, false);
            PathAutomaton automaton;
            automaton.edges.resize(2);
            if (build_automaton(automaton, pattern.tuple.predicate, automaton.start,
                                automaton.accept, true, predicate_of)) {
                automaton.backward.resize(automaton.edges.size());
                for (std::uint32_t from = 0; from < automaton.edges.size(); ++from)
                    for (const auto& edge : automaton.edges[from])
                        automaton.backward[edge.to].push_back(
                            {from, edge.predicate, !edge.forward});
                path.automaton = std::move(automaton);
            }
            rule.paths.push_back(std::move(path));
        }
        coarse_patterns({pattern}, false);
    }
    if (body.where)
        coarse_expr(*body.where, false);
    return rule;
}

TermId head_predicate(const RuleTuple& head) {
    const RulePosition& at = head.at[storage::P];
    if (at.kind != RulePosition::CONSTANT)
        return ANY_PREDICATE;
    return at.id == UNBOUND ? MISSING_PREDICATE : at.id;
}

bool depends(const CompiledRule& reader, const CompiledRule& writer, bool* negative) {
    bool found = false;
    for (const auto& read : reader.reads)
        for (const auto& head : writer.heads)
            if (reads(read.predicate, head_predicate(head))) {
                found = true;
                if (read.negative && negative)
                    *negative = true;
            }
    return found;
}

} // namespace

RuleEngine::RuleEngine(storage::Store& store, const storage::lmdb::Txn& txn,
                       const std::atomic<bool>& cancelled,
                       const std::vector<std::pair<std::string, std::string>>& rules,
                       const ast::Node* blame, const std::vector<std::string>& inactive)
    : store_(store), txn_(txn), context_(store, txn, cancelled) {
    // The heads' values first, so that a body naming a predicate only a head writes finds
    // its id (and the dependency) whatever the order of the rules.
    if (!txn.read_only())
        for (const auto& [name, text] : rules)
            intern_heads(store, static_cast<const storage::lmdb::WriteTxn&>(txn), text);
    for (const auto& [name, text] : rules) {
        rules_.push_back(compile(store, txn, name, text));
        rules_.back().active = std::find(inactive.begin(), inactive.end(), name) == inactive.end();
    }
    // Tarjan's strongly connected components over "depends on" among the active rules; a
    // component is emitted after those it depends on, so the order is one of strata.
    const std::size_t n = rules_.size();
    std::vector<std::size_t> index(n, SIZE_MAX), low(n, 0);
    std::vector<bool> on_stack(n, false);
    std::vector<std::size_t> stack;
    std::size_t counter = 0, components = 0;
    std::function<void(std::size_t)> visit = [&](std::size_t v) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
        for (std::size_t w = 0; w < n; ++w) {
            if (!rules_[w].active || !depends(rules_[v], rules_[w], nullptr))
                continue;
            if (index[w] == SIZE_MAX) {
                visit(w);
                low[v] = std::min(low[v], low[w]);
            } else if (on_stack[w]) {
                low[v] = std::min(low[v], index[w]);
            }
        }
        if (low[v] != index[v])
            return;
        std::vector<std::size_t> component;
        std::size_t w = 0;
        do {
            w = stack.back();
            stack.pop_back();
            on_stack[w] = false;
            component.push_back(w);
        } while (w != v);
        std::sort(component.begin(), component.end());
        for (std::size_t reader : component)
            for (std::size_t writer : component) {
                bool negative = false;
                if (depends(rules_[reader], rules_[writer], &negative) && negative) {
                    std::string names;
                    for (std::size_t member : component)
                        names += (names.empty() ? "" : ", ") + rules_[member].name;
                    throw QueryError(
                        fmt::format("the rules negate through a cycle: {} reads, under not or "
                                    "optional, facts that {} derives{} (cycle: {})",
                                    rules_[reader].name, rules_[writer].name,
                                    reader == writer ? " itself" : "", names),
                        blame);
                }
            }
        for (std::size_t member : component) {
            rules_[member].stratum = components;
            strata_order_.push_back(member);
        }
        ++components;
    };
    for (std::size_t v = 0; v < n; ++v)
        if (rules_[v].active && index[v] == SIZE_MAX)
            visit(v);
}

RuleEngine::~RuleEngine() = default;

// --- running bodies ----------------------------------------------------------------------

RuleEngine::Plan& RuleEngine::plan(std::size_t rule, const RuleTuple* bound_tuple) {
    auto& slot = plans_[{rule, bound_tuple}];
    if (slot)
        return *slot;
    const CompiledRule& compiled = rules_[rule];
    auto plan = std::make_unique<Plan>();
    plan->slots = compiled.binding.slots;
    std::set<std::size_t> bound;
    if (bound_tuple)
        for (const RulePosition& at : bound_tuple->at)
            if (at.kind == RulePosition::VARIABLE)
                bound.insert(at.slot);
    // Plans run again with other values after each write: no operator may keep what it
    // read (a hash join's table, a leapfrog join's tries) from one run to the next.
    PlannerOptions options;
    options.leapfrog = false;
    options.hash_join_min_input = std::numeric_limits<double>::infinity();
    options.count_join = false;
    options.dense_triangle = false;
    static const PrefixMap no_prefixes;
    Planner planner(context_, no_prefixes, plan->slots, options);
    const ast::Query& body = *compiled.statement->query;
    plan->root = planner.plan_block(body.patterns, body.where, bound);
    plan->width = plan->slots.size();
    plan->state = plan->root->make_state();
    slot = std::move(plan);
    return *slot;
}

void RuleEngine::run(std::size_t rule, const RuleTuple* bound_tuple, const Quad* quad,
                     const Solutions& fn) {
    Plan& p = plan(rule, bound_tuple);
    p.input.assign(p.width, UNBOUND);
    if (bound_tuple && !unify(*bound_tuple, *quad, p.input.data()))
        return;
    p.root->reset(*p.state, p.input.data());
    RowBatch batch;
    batch.width = p.width;
    while (p.root->next(context_, *p.state, batch))
        for (std::size_t i = 0; i < batch.size(); ++i)
            if (!fn(batch.row(i)))
                return;
}

std::uint32_t RuleEngine::rank_of_fact(const Quad& quad) const {
    const auto mark = store_.derived(txn_, quad);
    return mark && !mark->asserted ? mark->rank : 0;
}

std::optional<Quad> RuleEngine::fact_below(const storage::QuadPattern& pattern, std::uint32_t below,
                                           std::size_t limit) {
    if (pattern.bound_mask() == 0xF) {
        const Quad quad{*pattern.terms[0], *pattern.terms[1], *pattern.terms[2], *pattern.terms[3]};
        if (rank_of_fact(quad) < below)
            return quad;
        return std::nullopt;
    }
    storage::QuadScan scan = store_.scan(txn_, pattern);
    std::size_t seen = 0;
    while (auto quad = scan.next()) {
        if (rank_of_fact(*quad) < below)
            return quad;
        if (++seen >= limit)
            break;
    }
    return std::nullopt;
}

std::optional<std::vector<Quad>> RuleEngine::walk(const RulePath& path, const TermId* row,
                                                  std::uint32_t below) {
    if (!path.automaton)
        return std::nullopt;
    const PathAutomaton& automaton = *path.automaton;
    auto value = [&](unsigned pos) {
        const RulePosition& at = path.ends.at[pos];
        return at.kind == RulePosition::VARIABLE   ? row[at.slot]
               : at.kind == RulePosition::CONSTANT ? at.id
                                                   : UNBOUND;
    };
    // From the subject, or (a wildcard there) from the object against the path.
    const TermId context = value(storage::C);
    bool forward = true;
    TermId from = value(storage::S), to = value(storage::O);
    if (from == UNBOUND) {
        forward = false;
        std::swap(from, to);
    }
    if (from == UNBOUND)
        return std::nullopt;
    const auto& edges = forward ? automaton.edges : automaton.backward;
    const std::uint32_t first = forward ? automaton.start : automaton.accept;
    const std::uint32_t last = forward ? automaton.accept : automaton.start;
    using Key = Walks::Key;

    // Without a bound on ranks every walk from `from` is found once (the plans of a round
    // find many solutions from one node); with one (why), until `to` is reached.
    const bool whole = below == std::numeric_limits<std::uint32_t>::max() && to != UNBOUND;
    Walks local;
    Walks* walks = &local;
    bool explored = false;
    if (whole) {
        auto& cached = walks_[{&path, from, context, forward}];
        explored = cached != nullptr;
        if (!cached)
            cached = std::make_unique<Walks>();
        walks = cached.get();
    }
    std::optional<Key> end;
    if (!explored) {
        std::vector<Key> queue{{from, first}};
        walks->reached.emplace(queue[0], Walks::Step{queue[0], std::nullopt});
        auto visit = [&](const Key& key, const Key& parent, const std::optional<Quad>& fact) {
            if (walks->reached.emplace(key, Walks::Step{parent, fact}).second)
                queue.push_back(key);
        };
        for (std::size_t i = 0; i < queue.size() && !end; ++i) {
            if (i % 1024 == 1023)
                context_.check_cancelled();
            const Key at = queue[i];
            if (!whole && at.state == last && (to == UNBOUND || at.node == to)) {
                end = at;
                break;
            }
            for (const auto& edge : edges[at.state]) {
                if (edge.predicate == UNBOUND) {
                    visit({at.node, edge.to}, at, std::nullopt);
                    continue;
                }
                storage::QuadPattern pattern;
                pattern.terms[edge.forward ? storage::S : storage::O] = at.node;
                pattern.terms[storage::P] = edge.predicate;
                if (context != UNBOUND)
                    pattern.terms[storage::C] = context;
                storage::QuadScan scan = store_.scan(txn_, pattern);
                while (auto quad = scan.next())
                    if (rank_of_fact(*quad) < below)
                        visit({(*quad)[edge.forward ? storage::O : storage::S], edge.to}, at,
                              *quad);
            }
        }
    }
    if (whole && walks->reached.count({to, last}))
        end = Key{to, last};
    if (!end)
        return std::nullopt;

    std::vector<Quad> facts;
    for (Key at = *end;;) {
        const Walks::Step& step = walks->reached.at(at);
        if (step.from == at)
            break;
        if (step.fact)
            facts.push_back(*step.fact);
        at = step.from;
    }
    if (forward)
        std::reverse(facts.begin(), facts.end());
    if (facts.empty()) {
        // An empty walk: the node holds a fact (only nodes are connected to themselves).
        for (const auto pos : {storage::S, storage::O}) {
            storage::QuadPattern pattern;
            pattern.terms[pos] = from;
            if (context != UNBOUND)
                pattern.terms[storage::C] = context;
            if (auto fact = fact_below(pattern, below, std::numeric_limits<std::size_t>::max()))
                return std::vector<Quad>{*fact};
        }
        return std::nullopt;
    }
    return facts;
}

void RuleEngine::forget() {
    plans_.clear();
    walks_.clear();
}

std::uint32_t RuleEngine::rank_of(std::size_t rule, const TermId* row) {
    // 1 + the highest, over the body's tuples, of the lowest rank of a fact it matches
    // (among the first few: a higher rank than the lowest is still a valid bound).
    constexpr std::size_t LOOK = 64;
    std::uint32_t highest = 0;
    for (const RuleTuple& tuple : rules_[rule].body) {
        const storage::QuadPattern pattern = pattern_of(tuple, row);
        std::uint32_t lowest = MAX_RANK;
        if (pattern.bound_mask() == 0xF) {
            lowest = rank_of_fact(
                {*pattern.terms[0], *pattern.terms[1], *pattern.terms[2], *pattern.terms[3]});
        } else {
            storage::QuadScan scan = store_.scan(txn_, pattern);
            std::size_t seen = 0;
            while (auto quad = scan.next()) {
                lowest = std::min(lowest, rank_of_fact(*quad));
                if (lowest == 0 || ++seen >= LOOK)
                    break;
            }
        }
        highest = std::max(highest, lowest);
    }
    // A path: the facts of one walk between its ends.
    for (const RulePath& path : rules_[rule].paths)
        if (const auto facts = walk(path, row, std::numeric_limits<std::uint32_t>::max()))
            for (const Quad& quad : *facts)
                highest = std::max(highest, rank_of_fact(quad));
    return std::min(highest, MAX_RANK - 1) + 1;
}

// --- maintenance -------------------------------------------------------------------------

RuleEngine::Outcome RuleEngine::apply(const storage::lmdb::WriteTxn& txn, const Change& change) {
    Outcome out;
    auto holds = [&](const Quad& quad) { return store_.contains(txn, quad); };

    // Facts to assert: new ones go in; a derived one becomes asserted too.
    std::vector<Quad> inserted;
    {
        std::vector<Quad> wanted = change.assert;
        std::sort(wanted.begin(), wanted.end());
        wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
        for (const Quad& quad : wanted) {
            if (!holds(quad)) {
                inserted.push_back(quad);
                continue;
            }
            auto mark = store_.derived(txn, quad);
            if (mark && !mark->asserted) {
                mark->asserted = true;
                store_.set_derived(txn, quad, *mark);
                ++out.added;
            }
        }
        store_.add(txn, inserted);
        out.added += inserted.size();
        forget(); // made before these writes (deriving(), for one)
        out.already_present = change.assert.size() - out.added;
    }

    // Facts that stop holding (`gone`), and derived facts whose mark is decided again
    // (`overdeleted`): first the stored facts removed.
    std::vector<Quad> gone;
    QuadSet overdeleted;
    {
        std::vector<Quad> removing = change.unassert;
        std::sort(removing.begin(), removing.end());
        removing.erase(std::unique(removing.begin(), removing.end()), removing.end());
        for (const Quad& quad : removing) {
            if (!holds(quad))
                continue;
            const auto mark = store_.derived(txn, quad);
            if (mark && !mark->asserted)
                continue; // derived only: not the caller's to remove
            gone.push_back(quad);
            if (mark)
                overdeleted.insert(quad); // it may still follow: rederived below
        }
        out.removed = gone.size();
    }
    const std::size_t first_overdeleted = gone.size();

    // The predicates that may change, and so the rules evaluated whole: new ones, and the
    // coarse ones whose coarse parts read a predicate that may change. After a load, every
    // rule is evaluated (but only those coarse ones have facts to overdelete).
    std::vector<bool> is_new(rules_.size(), false);
    for (std::size_t r = 0; r < rules_.size(); ++r)
        is_new[r] = rules_[r].active &&
                    std::count(change.new_rules.begin(), change.new_rules.end(), rules_[r].name);
    std::set<TermId> changed;
    for (const Quad& quad : inserted)
        changed.insert(quad[storage::P]);
    for (const Quad& quad : gone)
        changed.insert(quad[storage::P]);
    if (change.loaded)
        changed.insert(change.loaded->begin(), change.loaded->end());
    for (std::size_t r = 0; r < rules_.size(); ++r)
        if (!rules_[r].active || is_new[r])
            for (const RuleTuple& head : rules_[r].heads)
                changed.insert(head_predicate(head));
    auto may_change = [&](TermId predicate) {
        if (changed.count(ANY_PREDICATE))
            return predicate != MISSING_PREDICATE;
        if (predicate == ANY_PREDICATE)
            return !changed.empty();
        return changed.count(predicate) > 0;
    };
    for (bool grew = true; grew;) {
        grew = false;
        for (const CompiledRule& rule : rules_) {
            if (!rule.active)
                continue;
            const bool reached =
                std::any_of(rule.reads.begin(), rule.reads.end(),
                            [&](const auto& read) { return may_change(read.predicate); });
            if (!reached)
                continue;
            for (const RuleTuple& head : rule.heads)
                grew = changed.insert(head_predicate(head)).second || grew;
        }
    }
    // `again`: its facts are overdeleted and it is evaluated whole; `whole`: evaluated whole.
    std::vector<bool> again(rules_.size(), false), whole(rules_.size(), false);
    for (std::size_t r = 0; r < rules_.size(); ++r) {
        const CompiledRule& rule = rules_[r];
        again[r] = rule.active && !is_new[r] &&
                   std::any_of(rule.coarse.begin(), rule.coarse.end(), may_change);
        whole[r] = rule.active && (is_new[r] || again[r] || change.loaded);
    }

    // 1. Overdelete, while the indexes still hold every fact that held before. The facts of
    // a rule dropped or evaluated again go first (a new rule has none).
    for (std::size_t r = 0; r < rules_.size(); ++r) {
        const CompiledRule& rule = rules_[r];
        if (rule.active && !again[r])
            continue;
        std::vector<TermId> row(rule.binding.slots.size(), UNBOUND);
        for (const RuleTuple& head : rule.heads) {
            std::vector<Quad> matching;
            std::fill(row.begin(), row.end(), UNBOUND);
            storage::QuadScan scan = store_.scan(txn, pattern_of(head, row.data()));
            while (auto quad = scan.next()) {
                std::fill(row.begin(), row.end(), UNBOUND);
                if (unify(head, *quad, row.data()))
                    matching.push_back(*quad);
            }
            for (const Quad& quad : matching) {
                const auto mark = store_.derived(txn, quad);
                if (mark && overdeleted.insert(quad).second && !mark->asserted)
                    gone.push_back(quad);
            }
        }
    }
    for (std::size_t i = 0; i < gone.size(); ++i) {
        if (i % 256 == 0)
            context_.check_cancelled();
        const Quad fact = gone[i];
        for (std::size_t r = 0; r < rules_.size(); ++r) {
            if (!rules_[r].active || again[r] || is_new[r])
                continue;
            for (const RuleTuple& tuple : rules_[r].body)
                run(r, &tuple, &fact, [&](const TermId* row) {
                    for (const RuleTuple& head : rules_[r].heads) {
                        const Quad quad = instantiate(head, row);
                        if (overdeleted.count(quad))
                            continue;
                        const auto mark = store_.derived(txn, quad);
                        if (!mark)
                            continue;
                        overdeleted.insert(quad);
                        if (!mark->asserted)
                            gone.push_back(quad);
                    }
                    return true;
                });
        }
    }

    // 2. Out of the indexes with them.
    for (const Quad& quad : overdeleted)
        store_.unset_derived(txn, quad);
    {
        std::vector<Quad> removing = gone;
        std::sort(removing.begin(), removing.end());
        store_.remove(txn, removing);
    }
    forget();

    // 3. Stratum by stratum: rules evaluated whole, facts rederived, then semi-naive rounds
    // over every fact that newly holds (`fresh`, in the order they came).
    std::vector<Quad> fresh = inserted;
    std::unordered_map<Quad, std::uint32_t, QuadHash> candidates;
    // Facts known to hold as derived facts: step 3 only adds, so once known, always; a
    // recursive rule rediscovers the same facts many times, and a hash probe is cheaper
    // than two index look-ups.
    QuadSet known;
    // A solution's heads that do not hold as derived facts yet become candidates; the rank
    // (scans of the body's facts) is worked out only for those.
    auto derive = [&](std::size_t r, const TermId* row) {
        std::optional<std::uint32_t> rank;
        for (const RuleTuple& head : rules_[r].heads) {
            const Quad quad = instantiate(head, row);
            if (candidates.count(quad) || known.count(quad))
                continue;
            if (holds(quad) && store_.derived(txn, quad)) {
                known.insert(quad);
                continue;
            }
            if (!rank)
                rank = rank_of(r, row);
            candidates.emplace(quad, *rank);
        }
    };
    auto insert = [&] {
        std::vector<Quad> adding;
        for (const auto& [quad, rank] : candidates) {
            known.insert(quad);
            if (holds(quad)) {
                if (!store_.derived(txn, quad))
                    store_.set_derived(txn, quad, {true, rank}); // stored, and now derived too
                continue;
            }
            store_.set_derived(txn, quad, {false, rank});
            adding.push_back(quad);
        }
        candidates.clear();
        std::sort(adding.begin(), adding.end());
        store_.add(txn, adding);
        fresh.insert(fresh.end(), adding.begin(), adding.end());
        forget(); // the plans' estimates, and some operators, saw the old facts
        context_.check_cancelled();
    };
    for (std::size_t first = 0; first < strata_order_.size();) {
        std::size_t last = first;
        const std::size_t stratum = rules_[strata_order_[first]].stratum;
        while (last < strata_order_.size() && rules_[strata_order_[last]].stratum == stratum)
            ++last;
        const std::vector<std::size_t> members(
            strata_order_.begin() + static_cast<std::ptrdiff_t>(first),
            strata_order_.begin() + static_cast<std::ptrdiff_t>(last));
        first = last;
        auto evaluate = [&](std::size_t r) {
            run(r, nullptr, nullptr, [&](const TermId* row) {
                derive(r, row);
                return true;
            });
        };
        // A rule whose coarse parts (a path, a block…) read what its stratum derives is
        // evaluated whole again after each round that derived such facts: the semi-naive
        // rounds bind new facts to top-level tuples only. `seen[i]`: the facts of `fresh`
        // that members[i]'s last evaluation saw (a lower stratum's are seen: a rule whose
        // coarse parts read them is evaluated whole here in any case).
        std::vector<std::size_t> seen(members.size(), fresh.size());
        for (std::size_t r : members)
            if (whole[r])
                evaluate(r);
        for (const Quad& quad : overdeleted) {
            if (candidates.count(quad))
                continue;
            for (std::size_t r : members)
                for (const RuleTuple& head : rules_[r].heads) {
                    if (candidates.count(quad))
                        break;
                    run(r, &head, &quad, [&](const TermId* row) {
                        candidates.emplace(quad, rank_of(r, row));
                        return false;
                    });
                }
        }
        // Rederived facts already marked in a lower stratum stay as they are.
        for (auto it = candidates.begin(); it != candidates.end();)
            it = store_.derived(txn, it->first) ? candidates.erase(it) : std::next(it);
        insert();
        for (std::size_t cursor = 0; cursor < fresh.size();) {
            const std::size_t end = fresh.size();
            for (; cursor < end; ++cursor) {
                const Quad fact = fresh[cursor];
                for (std::size_t r : members)
                    for (const RuleTuple& tuple : rules_[r].body)
                        run(r, &tuple, &fact, [&](const TermId* row) {
                            derive(r, row);
                            return true;
                        });
            }
            for (std::size_t i = 0; i < members.size(); ++i) {
                const std::vector<TermId>& coarse = rules_[members[i]].coarse;
                const bool reached =
                    !coarse.empty() &&
                    std::any_of(
                        fresh.begin() + static_cast<std::ptrdiff_t>(seen[i]),
                        fresh.begin() + static_cast<std::ptrdiff_t>(end), [&](const Quad& fact) {
                            return std::any_of(coarse.begin(), coarse.end(), [&](TermId predicate) {
                                return reads(predicate, fact[storage::P]);
                            });
                        });
                seen[i] = end;
                if (reached)
                    evaluate(members[i]);
            }
            for (auto it = candidates.begin(); it != candidates.end();)
                it = store_.derived(txn, it->first) ? candidates.erase(it) : std::next(it);
            insert();
        }
    }

    const QuadSet before(gone.begin(), gone.end());
    for (std::size_t i = inserted.size(); i < fresh.size(); ++i)
        out.derived += before.count(fresh[i]) ? 0 : 1;
    for (std::size_t i = first_overdeleted; i < gone.size(); ++i)
        out.retracted += holds(gone[i]) ? 0 : 1;
    return out;
}

std::vector<std::string> RuleEngine::deriving(const Quad& quad) {
    std::vector<std::string> names;
    for (std::size_t r = 0; r < rules_.size(); ++r) {
        if (!rules_[r].active)
            continue;
        bool found = false;
        for (const RuleTuple& head : rules_[r].heads) {
            run(r, &head, &quad, [&](const TermId*) {
                found = true;
                return false;
            });
            if (found)
                break;
        }
        if (found)
            names.push_back(rules_[r].name);
    }
    return names;
}

// --- why ---------------------------------------------------------------------------------

std::vector<std::string> RuleEngine::explain(const Quad& quad) {
    std::vector<std::string> lines;
    std::function<void(const Quad&, std::size_t)> visit = [&](const Quad& fact, std::size_t depth) {
        context_.check_cancelled();
        const std::string indent(2 * depth, ' ');
        const std::uint32_t rank = rank_of_fact(fact);
        if (rank == 0) {
            lines.push_back(indent + fact_text(context_, fact) + "   stored");
            return;
        }
        // A solution whose body facts all rank lower: it exists (the one that set the rank),
        // and following it ends at stored facts.
        for (std::size_t r = 0; r < rules_.size(); ++r) {
            if (!rules_[r].active)
                continue;
            for (const RuleTuple& head : rules_[r].heads) {
                std::vector<Quad> below;
                bool found = false;
                run(r, &head, &fact, [&](const TermId* row) {
                    below.clear();
                    for (const RuleTuple& tuple : rules_[r].body) {
                        const auto child = fact_below(pattern_of(tuple, row), rank,
                                                      std::numeric_limits<std::size_t>::max());
                        if (!child)
                            return true; // not this solution
                        below.push_back(*child);
                    }
                    // A path: the facts of one walk between its ends, in its order.
                    for (const RulePath& path : rules_[r].paths) {
                        if (!path.automaton)
                            continue;
                        const auto facts = walk(path, row, rank);
                        if (!facts)
                            return true;
                        below.insert(below.end(), facts->begin(), facts->end());
                    }
                    found = true;
                    return false;
                });
                if (!found)
                    continue;
                lines.push_back(indent + fact_text(context_, fact) + "   [rule " + rules_[r].name +
                                "]");
                for (const Quad& child : below)
                    visit(child, depth + 1);
                return;
            }
        }
        lines.push_back(indent + fact_text(context_, fact) + "   derived (no derivation found)");
    };
    visit(quad, 0);
    return lines;
}

std::string RuleEngine::fact(const Quad& quad) {
    return fact_text(context_, quad);
}

} // namespace quarry::engine
