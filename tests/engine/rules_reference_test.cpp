// The rules reference of the property test, on cases worked out by hand: if it were
// wrong, the property test would compare the engine against the wrong answers.

#include "tests/engine/rules_reference.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace quarry::testing::rules;

namespace {

Slot var(const char* name) {
    return Slot::variable(name);
}
Slot constant(const char* text) {
    return Slot::constant(text);
}
Atom atom(Slot s, Path p, Slot o, std::optional<Slot> c = std::nullopt) {
    return Atom{std::move(s), std::move(p), std::move(o), std::move(c)};
}

Rule transitive(const char* name, const char* p) {
    return Rule{name,
                {atom(var("a"), Path::of(p), var("c"))},
                {atom(var("a"), Path::of(p), var("b")), atom(var("b"), Path::of(p), var("c"))},
                {},
                {}};
}

// The facts of `holding` that are not in `asserted`.
FactSet derived(const FactSet& holding, const FactSet& asserted) {
    FactSet out;
    for (const Fact& fact : holding)
        if (!asserted.count(fact))
            out.insert(fact);
    return out;
}

} // namespace

TEST_CASE("rules reference: a transitive rule closes a chain, in the default context",
          "[engine][rules]") {
    const FactSet asserted = {{"a", "in", "b", "default"},
                              {"b", "in", "c", "ctx"},
                              {"c", "in", "d", "default"},
                              {"x", "other", "y", "default"}};
    const std::vector<Rule> rules = {transitive("t", "in")};
    // Three-element body tuples match in any context; the head is in the default one.
    CHECK(derived(fixpoint(asserted, rules), asserted) == FactSet{{"a", "in", "c", "default"},
                                                                  {"a", "in", "d", "default"},
                                                                  {"b", "in", "d", "default"}});
    CHECK(rule_text(rules[0]) == "rule t: (?a, in, ?c) if (?a, in, ?b), (?b, in, ?c);");
    const FactSet holding = fixpoint(asserted, rules);
    CHECK(deriving_rules({"a", "in", "d", "default"}, holding, rules) ==
          std::vector<std::string>{"t"});
    CHECK(deriving_rules({"a", "in", "b", "default"}, holding, rules).empty());
}

TEST_CASE("rules reference: a symmetric rule keeps the context, a constant context is its own",
          "[engine][rules]") {
    const FactSet asserted = {{"a", "met", "b", "X"}, {"b", "met", "a", "Y"}};
    Rule symmetric{"s",
                   {atom(var("y"), Path::of("met"), var("x"), var("c"))},
                   {atom(var("x"), Path::of("met"), var("y"), var("c"))},
                   {},
                   {}};
    CHECK(derived(fixpoint(asserted, {symmetric}), asserted) ==
          FactSet{{"b", "met", "a", "X"}, {"a", "met", "b", "Y"}});
    Rule tagged{"k",
                {atom(var("x"), Path::of("knows"), var("y"), constant("c1"))},
                {atom(var("x"), Path::of("met"), var("y"), constant("X"))},
                {},
                {}};
    CHECK(derived(fixpoint(asserted, {tagged}), asserted) == FactSet{{"a", "knows", "b", "c1"}});
    CHECK(rule_text(tagged) == "rule k: (?x, knows, ?y, c1) if (?x, met, ?y, X);");
}

TEST_CASE("rules reference: stratified negation sees the lower stratum complete",
          "[engine][rules]") {
    // reach = edge+; unreachable pairs of candidates are those with no path.
    const FactSet asserted = {{"a", "edge", "b", "default"},
                              {"b", "edge", "c", "default"},
                              {"a", "cand", "c", "default"},
                              {"c", "cand", "a", "default"},
                              {"b", "cand", "c", "default"}};
    Rule base{"base",
              {atom(var("x"), Path::of("reach"), var("y"))},
              {atom(var("x"), Path::of("edge"), var("y"))},
              {},
              {}};
    Rule unreachable{"unreachable",
                     {atom(var("x"), Path::of("cut"), var("y"))},
                     {atom(var("x"), Path::of("cand"), var("y"))},
                     {atom(var("x"), Path::of("reach"), var("y"))},
                     {}};
    // Listed before the rules it negates: the strata, not the order, decide.
    const std::vector<Rule> rules = {unreachable, transitive("t", "reach"), base};
    CHECK(derived(fixpoint(asserted, rules), asserted) == FactSet{{"a", "reach", "b", "default"},
                                                                  {"b", "reach", "c", "default"},
                                                                  {"a", "reach", "c", "default"},
                                                                  {"c", "cut", "a", "default"}});
    const auto strata = stratify(rules);
    REQUIRE(strata.size() == 2);
    CHECK(strata[1].size() == 1);
    CHECK(strata[1][0]->name == "unreachable");
    CHECK(rule_text(unreachable) ==
          "rule unreachable: (?x, cut, ?y) if (?x, cand, ?y), not (?x, reach, ?y);");
}

TEST_CASE("rules reference: negation through a cycle is refused", "[engine][rules]") {
    Rule p{"p",
           {atom(var("x"), Path::of("p"), var("y"))},
           {atom(var("x"), Path::of("e"), var("y"))},
           {atom(var("x"), Path::of("q"), var("y"))},
           {}};
    Rule q{"q",
           {atom(var("x"), Path::of("q"), var("y"))},
           {atom(var("x"), Path::of("p"), var("y"))},
           {},
           {}};
    CHECK_THROWS_AS(stratify({p, q}), std::invalid_argument);
    CHECK_THROWS_AS(fixpoint({}, {p, q}), std::invalid_argument);
    CHECK_NOTHROW(stratify({p}));
    CHECK_NOTHROW(stratify({q, transitive("t", "p")}));
}

TEST_CASE("rules reference: paths, constants and where conditions", "[engine][rules]") {
    const FactSet asserted = {{"a", "e", "b", "default"}, {"b", "e", "c", "k"},
                              {"c", "f", "d", "default"}, {"x", "g", "t", "default"},
                              {"y", "g", "t", "default"}, {"z", "g", "u", "default"}};
    Rule plus{"plus",
              {atom(var("x"), Path::of("r"), var("y"))},
              {atom(var("x"), Path::sequence(Path::plus(Path::of("e")), Path::of("f")), var("y"))},
              {},
              {}};
    CHECK(derived(fixpoint(asserted, {plus}), asserted) ==
          FactSet{{"a", "r", "d", "default"}, {"b", "r", "d", "default"}});
    CHECK(rule_text(plus) == "rule plus: (?x, r, ?y) if (?x, (e+)/f, ?y);");
    Rule inverse_or{
        "io",
        {atom(var("x"), Path::of("s"), var("y"))},
        {atom(var("x"), Path::alternative(Path::inverse(Path::of("e")), Path::of("f")), var("y"))},
        {},
        {}};
    CHECK(derived(fixpoint(asserted, {inverse_or}), asserted) ==
          FactSet{
              {"b", "s", "a", "default"}, {"c", "s", "b", "default"}, {"c", "s", "d", "default"}});
    Rule ally{"ally",
              {atom(var("x"), Path::of("ally"), var("y"))},
              {atom(var("x"), Path::of("g"), var("t")), atom(var("y"), Path::of("g"), var("t"))},
              {},
              {Condition{"x", false, var("y")}}};
    CHECK(derived(fixpoint(asserted, {ally}), asserted) ==
          FactSet{{"x", "ally", "y", "default"}, {"y", "ally", "x", "default"}});
    ally.conditions.push_back(Condition{"x", true, constant("y")});
    CHECK(derived(fixpoint(asserted, {ally}), asserted) == FactSet{{"y", "ally", "x", "default"}});
    CHECK(rule_text(ally) ==
          "rule ally: (?x, ally, ?y) if (?x, g, ?t), (?y, g, ?t) where ?x != ?y and ?x = y;");
    Rule via{"via",
             {atom(var("x"), Path::of("h"), constant("n9")),
              atom(constant("n9"), Path::of("h2"), var("y"))},
             {atom(var("x"), Path::of("e"), constant("b")),
              atom(constant("b"), Path::of("e"), var("y"))},
             {},
             {}};
    CHECK(derived(fixpoint(asserted, {via}), asserted) ==
          FactSet{{"a", "h", "n9", "default"}, {"n9", "h2", "c", "default"}});
}

TEST_CASE("rules reference: a negated group excludes only what all its tuples match together",
          "[engine][rules]") {
    const FactSet asserted = {{"a", "e", "b", "default"},
                              {"b", "e", "c", "default"},
                              {"b", "q", "m", "default"},
                              {"m", "r", "a", "default"},
                              {"c", "q", "m", "default"}};
    // e(x, y) unless y q ?z and ?z r x: b q m, m r a excludes (a, b); c q m, m r b does
    // not hold, so (b, c) stays.
    Rule rule{"g",
              {atom(var("x"), Path::of("f"), var("y"))},
              {atom(var("x"), Path::of("e"), var("y"))},
              {},
              {},
              {NegatedGroup{{atom(var("y"), Path::of("q"), var("z")),
                             atom(var("z"), Path::of("r"), var("x"))},
                            false}}};
    CHECK(derived(fixpoint(asserted, {rule}), asserted) == FactSet{{"b", "f", "c", "default"}});
    CHECK(rule_text(rule) ==
          "rule g: (?x, f, ?y) if (?x, e, ?y), not { (?y, q, ?z), (?z, r, ?x) };");
    rule.negated_groups[0].in_where = true;
    rule.conditions.push_back(Condition{"x", false, constant("z")});
    CHECK(derived(fixpoint(asserted, {rule}), asserted) == FactSet{{"b", "f", "c", "default"}});
    CHECK(rule_text(rule) == "rule g: (?x, f, ?y) if (?x, e, ?y) where not exists { (?y, q, ?z), "
                             "(?z, r, ?x) } and ?x != z;");
    // A group's predicates are negated: reading them from a rule that derives the head is a
    // cycle.
    Rule back{"back",
              {atom(var("x"), Path::of("r"), var("y"))},
              {atom(var("x"), Path::of("f"), var("y"))},
              {},
              {}};
    CHECK_THROWS_AS(stratify({rule, back}), std::invalid_argument);
}
