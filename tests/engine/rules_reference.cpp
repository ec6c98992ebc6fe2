#include "tests/engine/rules_reference.hpp"

#include <functional>
#include <map>
#include <stdexcept>
#include <utility>

namespace quarry::testing::rules {

namespace {

using Binding = std::map<std::string, std::string>;
using Pairs = std::set<std::pair<std::string, std::string>>;

// The (subject, object) pairs that `path` joins, in any context.
Pairs pairs_of(const Path& path, const FactSet& facts) {
    Pairs out;
    switch (path.kind) {
    case Path::Kind::PREDICATE:
        for (const Fact& fact : facts)
            if (fact[1] == path.predicate)
                out.emplace(fact[0], fact[2]);
        break;
    case Path::Kind::INVERSE:
        for (const auto& [s, o] : pairs_of(path.parts[0], facts))
            out.emplace(o, s);
        break;
    case Path::Kind::ALTERNATIVE:
        out = pairs_of(path.parts[0], facts);
        for (const auto& pair : pairs_of(path.parts[1], facts))
            out.insert(pair);
        break;
    case Path::Kind::SEQUENCE: {
        const Pairs first = pairs_of(path.parts[0], facts), second = pairs_of(path.parts[1], facts);
        for (const auto& [a, b] : first)
            for (const auto& [c, d] : second)
                if (b == c)
                    out.emplace(a, d);
        break;
    }
    case Path::Kind::PLUS: {
        const Pairs step = pairs_of(path.parts[0], facts);
        out = step;
        for (bool grew = true; grew;) {
            grew = false;
            const Pairs now = out;
            for (const auto& [a, b] : now)
                for (const auto& [c, d] : step)
                    if (b == c && out.emplace(a, d).second)
                        grew = true;
        }
        break;
    }
    }
    return out;
}

// Binds or checks `slot` against `value`; false if it clashes.
bool unify(const Slot& slot, const std::string& value, Binding& binding) {
    if (!slot.is_variable)
        return slot.text == value;
    const auto [at, inserted] = binding.emplace(slot.text, value);
    return inserted || at->second == value;
}

// Every extension of `binding` that matches `atom` over `facts`.
std::vector<Binding> match(const Atom& atom, const FactSet& facts, const Binding& binding) {
    std::vector<Binding> out;
    if (atom.context) {
        if (atom.predicate.kind != Path::Kind::PREDICATE)
            throw std::invalid_argument("the reference takes paths in three-element tuples only");
        for (const Fact& fact : facts) {
            if (fact[1] != atom.predicate.predicate)
                continue;
            Binding extended = binding;
            if (unify(atom.subject, fact[0], extended) && unify(atom.object, fact[2], extended) &&
                unify(*atom.context, fact[3], extended))
                out.push_back(std::move(extended));
        }
        return out;
    }
    // A three-element tuple matches a triple once however many contexts hold it.
    for (const auto& [s, o] : pairs_of(atom.predicate, facts)) {
        Binding extended = binding;
        if (unify(atom.subject, s, extended) && unify(atom.object, o, extended))
            out.push_back(std::move(extended));
    }
    return out;
}

std::string value_of(const Slot& slot, const Binding& binding) {
    if (!slot.is_variable)
        return slot.text;
    const auto at = binding.find(slot.text);
    if (at == binding.end())
        throw std::invalid_argument("variable ?" + slot.text + " is not bound by the body");
    return at->second;
}

// Calls `emit` with each head fact of each solution of the rule's body over `facts`.
void apply(const Rule& rule, const FactSet& facts, const std::function<void(const Fact&)>& emit) {
    std::vector<Binding> solutions = {Binding{}};
    for (const Atom& atom : rule.positives) {
        std::vector<Binding> next;
        for (const Binding& binding : solutions)
            for (Binding& extended : match(atom, facts, binding))
                next.push_back(std::move(extended));
        solutions = std::move(next);
    }
    for (const Binding& binding : solutions) {
        bool holds = true;
        for (const Condition& condition : rule.conditions)
            holds = holds && ((value_of(Slot::variable(condition.variable), binding) ==
                               value_of(condition.right, binding)) == condition.equal);
        for (const Atom& negated : rule.negatives)
            holds = holds && match(negated, facts, binding).empty();
        for (const NegatedGroup& group : rule.negated_groups) {
            std::vector<Binding> found = {binding};
            for (const Atom& atom : group.atoms) {
                std::vector<Binding> next;
                for (const Binding& partial : found)
                    for (Binding& extended : match(atom, facts, partial))
                        next.push_back(std::move(extended));
                found = std::move(next);
            }
            holds = holds && found.empty();
        }
        if (!holds)
            continue;
        for (const Atom& head : rule.heads)
            emit({value_of(head.subject, binding), head.predicate.predicate,
                  value_of(head.object, binding),
                  head.context ? value_of(*head.context, binding) : "default"});
    }
}

} // namespace

std::string Path::written() const {
    // Parenthesised wherever an operator nests inside another, so the text never leans
    // on precedence.
    const auto part = [](const Path& p) {
        return p.kind == Kind::PREDICATE ? p.written() : "(" + p.written() + ")";
    };
    switch (kind) {
    case Kind::PREDICATE: return predicate;
    case Kind::INVERSE: return "^" + part(parts[0]);
    case Kind::PLUS: return part(parts[0]) + "+";
    case Kind::SEQUENCE: return part(parts[0]) + "/" + part(parts[1]);
    case Kind::ALTERNATIVE: return part(parts[0]) + "|" + part(parts[1]);
    }
    return {};
}

void Path::predicates(std::set<std::string>& out) const {
    if (kind == Kind::PREDICATE)
        out.insert(predicate);
    for (const Path& p : parts)
        p.predicates(out);
}

std::string Atom::written() const {
    std::string text =
        "(" + subject.written() + ", " + predicate.written() + ", " + object.written();
    if (context)
        text += ", " + context->written();
    return text + ")";
}

std::string fact_text(const Fact& fact) {
    return "(" + fact[0] + ", " + fact[1] + ", " + fact[2] + ", " + fact[3] + ")";
}

std::string rule_text(const Rule& rule) {
    std::string text = "rule " + rule.name + ": ";
    for (std::size_t i = 0; i < rule.heads.size(); ++i)
        text += (i ? ", " : "") + rule.heads[i].written();
    text += " if ";
    bool first = true;
    for (const Atom& atom : rule.positives) {
        text += (first ? "" : ", ") + atom.written();
        first = false;
    }
    for (const Atom& atom : rule.negatives) {
        text += (first ? "not " : ", not ") + atom.written();
        first = false;
    }
    const auto block = [](const NegatedGroup& group) {
        std::string out = "{ ";
        for (std::size_t i = 0; i < group.atoms.size(); ++i)
            out += (i ? ", " : "") + group.atoms[i].written();
        return out + " }";
    };
    std::vector<std::string> where;
    for (const NegatedGroup& group : rule.negated_groups) {
        if (group.in_where) {
            where.push_back("not exists " + block(group));
        } else {
            text += (first ? "not " : ", not ") + block(group);
            first = false;
        }
    }
    for (const Condition& condition : rule.conditions)
        where.push_back("?" + condition.variable + (condition.equal ? " = " : " != ") +
                        condition.right.written());
    for (std::size_t i = 0; i < where.size(); ++i)
        text += (i ? " and " : " where ") + where[i];
    return text + ";";
}

std::vector<std::vector<const Rule*>> stratify(const std::vector<Rule>& rules) {
    // Levels grow until stable; past one level per rule, some rule negates through a cycle.
    std::map<std::string, std::size_t> predicate_level;
    std::vector<std::size_t> rule_level(rules.size(), 0);
    const auto level_of = [&](const std::string& predicate) {
        const auto at = predicate_level.find(predicate);
        return at == predicate_level.end() ? std::size_t{0} : at->second;
    };
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t i = 0; i < rules.size(); ++i) {
            const Rule& rule = rules[i];
            std::size_t level = 0;
            std::set<std::string> read, negated;
            for (const Atom& atom : rule.positives)
                atom.predicate.predicates(read);
            for (const Atom& atom : rule.negatives)
                atom.predicate.predicates(negated);
            for (const NegatedGroup& group : rule.negated_groups)
                for (const Atom& atom : group.atoms)
                    atom.predicate.predicates(negated);
            for (const std::string& p : read)
                level = std::max(level, level_of(p));
            for (const std::string& p : negated)
                level = std::max(level, level_of(p) + 1);
            if (level > rules.size())
                throw std::invalid_argument("rule " + rule.name + " negates through a cycle");
            if (level != rule_level[i])
                changed = true;
            rule_level[i] = level;
            for (const Atom& head : rule.heads) {
                std::size_t& at = predicate_level[head.predicate.predicate];
                if (at < level) {
                    at = level;
                    changed = true;
                }
            }
        }
    }
    std::vector<std::vector<const Rule*>> strata;
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (strata.size() <= rule_level[i])
            strata.resize(rule_level[i] + 1);
        strata[rule_level[i]].push_back(&rules[i]);
    }
    return strata;
}

FactSet fixpoint(const FactSet& asserted, const std::vector<Rule>& rules) {
    FactSet facts = asserted;
    for (const auto& stratum : stratify(rules)) {
        for (bool grew = true; grew;) {
            grew = false;
            // Naive evaluation: every rule over every fact, again, until nothing is new.
            FactSet derived;
            for (const Rule* rule : stratum)
                apply(*rule, facts, [&](const Fact& fact) { derived.insert(fact); });
            for (const Fact& fact : derived)
                grew = facts.insert(fact).second || grew;
        }
    }
    return facts;
}

std::vector<std::string> deriving_rules(const Fact& fact, const FactSet& holding,
                                        const std::vector<Rule>& rules) {
    std::vector<std::string> names;
    for (const Rule& rule : rules) {
        bool derives = false;
        apply(rule, holding, [&](const Fact& derived) { derives = derives || derived == fact; });
        if (derives)
            names.push_back(rule.name);
    }
    return names;
}

} // namespace quarry::testing::rules
