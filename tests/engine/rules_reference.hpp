#pragma once

// A reference for rules (SPEC §10), independent of the engine: facts are tuples of
// strings (each term in its canonical text, the default context written `default`),
// rules are plain structs, and the facts that hold are a naive bottom-up fixpoint,
// computed from scratch, stratum by stratum, by nested loops over every fact.
//
// What it covers is what the rules property test generates: constant predicates and
// property paths (`p`, `^p`, `p/q`, `p|q`, `p+`) in the predicate position, three-element
// tuples (any context; in a head, the default context) and four-element ones, `not` of a
// tuple or of a group of tuples, `where` conditions `?x = term` / `?x != term` and
// `not exists { … }`, ANDed.

#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace quarry::testing::rules {

using Fact = std::array<std::string, 4>; // S P O C
using FactSet = std::set<Fact>;

// A variable (`?name`) or a constant term in canonical text.
struct Slot {
    bool is_variable = false;
    std::string text; // the variable's name without '?', or the term

    static Slot variable(std::string name) { return {true, std::move(name)}; }
    static Slot constant(std::string term) { return {false, std::move(term)}; }
    std::string written() const { return is_variable ? "?" + text : text; }
};

// A property path in the predicate position.
struct Path {
    enum class Kind { PREDICATE, INVERSE, SEQUENCE, ALTERNATIVE, PLUS };
    Kind kind = Kind::PREDICATE;
    std::string predicate;   // PREDICATE
    std::vector<Path> parts; // one for INVERSE and PLUS, two for SEQUENCE and ALTERNATIVE

    static Path of(std::string predicate) { return {Kind::PREDICATE, std::move(predicate), {}}; }
    static Path inverse(Path p) { return {Kind::INVERSE, {}, {std::move(p)}}; }
    static Path plus(Path p) { return {Kind::PLUS, {}, {std::move(p)}}; }
    static Path sequence(Path a, Path b) {
        return {Kind::SEQUENCE, {}, {std::move(a), std::move(b)}};
    }
    static Path alternative(Path a, Path b) {
        return {Kind::ALTERNATIVE, {}, {std::move(a), std::move(b)}};
    }
    std::string written() const;
    // Every predicate the path reads.
    void predicates(std::set<std::string>& out) const;
};

// A tuple: three elements (context absent) or four.
struct Atom {
    Slot subject;
    Path predicate;
    Slot object;
    std::optional<Slot> context;
    std::string written() const;
};

// `?variable = right` or `?variable != right`.
struct Condition {
    std::string variable;
    bool equal = false;
    Slot right;
};

// Tuples that must have no match together: `not { (…), (…) }` among the patterns, or
// `not exists { (…), (…) }` in the where condition.
struct NegatedGroup {
    std::vector<Atom> atoms;
    bool in_where = false; // written `where … not exists { … }`
};

// rule NAME: HEADS if POSITIVES, not (NEGATIVE)…, not { GROUP }… where CONDITIONS and not
// exists { GROUP }…;
struct Rule {
    std::string name;
    std::vector<Atom> heads;     // constant predicates only
    std::vector<Atom> positives; // joined in order
    std::vector<Atom> negatives; // each `not (tuple)`
    std::vector<Condition> conditions;
    std::vector<NegatedGroup> negated_groups = {};
};

// A fact as an add or remove writes it: (s, p, o, c), `default` for the default context.
std::string fact_text(const Fact& fact);
// The statement that defines the rule, ending in ';'.
std::string rule_text(const Rule& rule);

// The rules grouped in strata, lowest first: a rule's stratum is at least that of every
// predicate it reads and above that of every predicate it negates; a predicate's stratum
// is the highest of the rules that derive it. Throws std::invalid_argument, naming a
// rule, if the rules negate through a cycle.
std::vector<std::vector<const Rule*>> stratify(const std::vector<Rule>& rules);

// Every fact that holds: the stored ones and all that the rules derive from them.
FactSet fixpoint(const FactSet& asserted, const std::vector<Rule>& rules);

// The names of the rules one application of which, over the facts `holding` (a
// fixpoint), gives `fact`.
std::vector<std::string> deriving_rules(const Fact& fact, const FactSet& holding,
                                        const std::vector<Rule>& rules);

} // namespace quarry::testing::rules
