#pragma once

// Rules (SPEC §10): the stored rules, parsed and stratified, and the materialised facts
// they derive, kept up to date inside the write transaction of every change
// (docs/rules.md).
//
// Maintenance is delete-and-rederive (DRed), stratum by stratum:
//  1. overdelete: every derived fact with a derivation through a fact that stops holding
//     (found by running the rule bodies with that fact bound, while the indexes still hold
//     everything), and every fact of a rule that must be evaluated again as a whole;
//  2. the overdeleted facts (and the removed ones) leave the indexes;
//  3. per stratum: evaluate new rules whole, rederive each overdeleted fact that still has
//     a derivation (the body run with the head's values bound), then semi-naive rounds over
//     every fact that newly holds.
// A rule whose body reads facts outside its top-level tuples (not, optional, or, groups,
// exists, property paths) is maintained coarsely: a change that may reach what those parts
// read evaluates the whole rule again, and so does, within its stratum, each round that
// derives facts those parts read (a path that reads its own rule's heads).

#include "engine/binder.hpp"
#include "engine/exec_context.hpp"
#include "engine/op/operator.hpp"
#include "engine/terms.hpp"
#include "parser/parse.hpp"
#include "storage/store.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace quarry::engine {

// One position of a tuple of a rule, against the ids of facts.
struct RulePosition {
    enum Kind : std::uint8_t {
        CONSTANT, // `id`; UNBOUND: a value no fact has, so nothing matches
        VARIABLE, // the row's `slot`
        ANY,      // a wildcard, or the open context of a three-element body tuple
    } kind = ANY;
    TermId id = UNBOUND;
    std::size_t slot = 0;
};

struct RuleTuple {
    std::array<RulePosition, 4> at;
    const parser::ast::Tuple* tuple = nullptr;
};

// A predicate a rule reads or writes: an id, ANY_PREDICATE (a variable) or
// MISSING_PREDICATE (a value no fact has).
constexpr TermId ANY_PREDICATE = UNBOUND;
constexpr TermId MISSING_PREDICATE = UNBOUND - 1;

// A property path in a rule's body, at the top level: what `why` walks and ranks count.
// The path as an automaton whose steps follow one predicate, forwards or backwards.
struct PathAutomaton {
    struct Edge {
        std::uint32_t to;
        TermId predicate; // UNBOUND: an empty step
        bool forward;
    };
    std::vector<std::vector<Edge>> edges;    // per state
    std::vector<std::vector<Edge>> backward; // the same edges, from `to` back to their state
    std::uint32_t start = 0, accept = 1;
};
struct RulePath {
    RuleTuple ends; // subject, object, context (the predicate position is unused)
    std::optional<PathAutomaton> automaton; // none: too large to build (a bound {m,n})
};

struct CompiledRule {
    std::string name;
    std::shared_ptr<const parser::ParsedStatements> parsed; // owns `statement`
    const parser::ast::Statement* statement = nullptr;
    Binding binding;              // the body's slots
    std::vector<RuleTuple> heads; // three-element heads have the default context
    std::vector<RuleTuple> body;  // the top-level tuples with a plain predicate
    std::vector<RulePath> paths;  // the top-level tuples with a property path
    struct Read {
        TermId predicate;
        bool negative; // under not or optional, or a negated exists
    };
    std::vector<Read> reads;    // every tuple of the body, for stratification
    std::vector<TermId> coarse; // predicates read outside `body`
    std::size_t stratum = 0;
    bool active = true; // false: being dropped (its facts are overdeleted, it derives none)
};

class RuleEngine {
public:
    // The rules `rules` (name → text) compiled in `txn` (interning their heads' values if
    // `txn` writes) and stratified. Throws QueryError, naming `blame`, for a rule set that
    // negates through a cycle. Names in `inactive` are being dropped.
    RuleEngine(storage::Store& store, const storage::lmdb::Txn& txn,
               const std::atomic<bool>& cancelled,
               const std::vector<std::pair<std::string, std::string>>& rules,
               const parser::ast::Node* blame = nullptr,
               const std::vector<std::string>& inactive = {});
    ~RuleEngine();

    struct Change {
        std::vector<storage::Quad> assert;   // facts to add
        std::vector<storage::Quad> unassert; // stored facts to remove (not derived-only ones)
        std::vector<std::string> new_rules;  // evaluate these rules whole
        // A load: the caller stored facts of these predicates already. Every rule is
        // evaluated whole, and what the loaded facts defeat (through not) is taken away.
        std::optional<std::vector<TermId>> loaded;
    };
    struct Outcome {
        std::size_t added = 0;           // facts now stored that were not
        std::size_t already_present = 0; // stored already
        std::size_t removed = 0;         // stored facts removed
        std::size_t derived = 0;         // derived facts that did not hold before
        std::size_t retracted = 0;       // derived facts that no longer hold
    };
    // Applies `change` in `txn` and brings the derived facts up to date.
    Outcome apply(const storage::lmdb::WriteTxn& txn, const Change& change);

    // The names of the rules that derive `quad` now.
    std::vector<std::string> deriving(const storage::Quad& quad);

    // The derivation tree of a fact that holds (why): one line per fact, two spaces of
    // indent per level, down to stored facts.
    std::vector<std::string> explain(const storage::Quad& quad);
    // A fact as text: (s, p, o) or (s, p, o, c).
    std::string fact(const storage::Quad& quad);
    // 0 for a stored fact (or one that does not hold), else its rank.
    std::uint32_t rank_of_fact(const storage::Quad& quad) const;

private:
    struct Plan;
    // The plan of `rule`'s body with the variables of `bound_tuple` bound (cached until the
    // next write).
    Plan& plan(std::size_t rule, const RuleTuple* bound_tuple);
    using Solutions = std::function<bool(const TermId*)>; // false: stop
    // Runs `rule`'s body with `bound_tuple` unified with `quad` (none: unbound), calling fn
    // with each solution's row.
    void run(std::size_t rule, const RuleTuple* bound_tuple, const storage::Quad* quad,
             const Solutions& fn);
    // The rank a fact derived by `rule` from the solution `row` gets.
    std::uint32_t rank_of(std::size_t rule, const TermId* row);
    // A fact matching `pattern` ranked below `below`, among the first `limit`.
    std::optional<storage::Quad> fact_below(const storage::QuadPattern& pattern,
                                            std::uint32_t below, std::size_t limit);
    // The facts of one walk along `path` between its ends in the solution `row`, each
    // ranked below `below`: none if there is no such walk (or the automaton was not built).
    // With no bound on ranks, the walks from one start are found once per batch of writes.
    std::optional<std::vector<storage::Quad>> walk(const RulePath& path, const TermId* row,
                                                   std::uint32_t below);
    // Drops what was planned or walked before a write.
    void forget();

    storage::Store& store_;
    const storage::lmdb::Txn& txn_;
    ExecContext context_;
    std::vector<CompiledRule> rules_;
    std::vector<std::size_t> strata_order_; // rule indexes, lower strata first
    std::map<std::pair<std::size_t, const RuleTuple*>, std::unique_ptr<Plan>> plans_;
    struct Walks;
    std::map<std::tuple<const RulePath*, TermId, TermId, bool>, std::unique_ptr<Walks>> walks_;
};

// Unifies `tuple` with `quad`, writing its variables into `row`; false if they disagree.
bool unify(const RuleTuple& tuple, const storage::Quad& quad, TermId* row);

// The text a rule is stored as: `statement` printed with its prefixed IRIs written whole.
std::string rule_text(const parser::ast::Statement& statement, const PrefixMap& prefixes);

} // namespace quarry::engine
