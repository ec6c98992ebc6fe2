// Property test of rules (SPEC §10): random rule sets (transitive, symmetric, chains,
// inverses, constants, paths, 4-element tuples with a context variable, stratified
// negation) over random graphs, then random steps: adds, removes (of a derived fact too,
// which must fail naming a rule), new rules and dropped rules, a rule that negates through
// a cycle (refused), loads of N-Quads files, transactions committed or rolled back, the
// database closed and opened again, and `why` on facts that hold and facts that do not.
// After every step the facts that hold (`match (?s, ?p, ?o, ?c)`) and the stored ones
// (`... asserted`) equal what a naive bottom-up fixpoint computes from scratch.
//
// The reference here is independent of the engine: facts are tuples of strings (terms in
// canonical text), rules are plain structs, the fixpoint re-derives everything after each
// step, stratum by stratum, by nested loops over all facts. Quarry is driven only through
// its public API and the rule text. Seeded; a failure prints the seed and the script that
// reproduces it in the shell.

#include "quarry/quarry.hpp"
#include "tests/engine/rules_reference.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>

using quarry::Database;
using quarry::DatabaseOptions;
using quarry::Error;
using quarry::StatementResult;
using namespace quarry::testing::rules;
using quarry::testing::TempDir;

namespace {

// The rows of a match statement as facts (four columns, in canonical text).
FactSet facts_of(Database& db, const std::string& statement) {
    FactSet out;
    auto rows = db.query(statement);
    while (auto row = rows->next()) {
        REQUIRE(row->size() == 4);
        Fact fact;
        for (std::size_t i = 0; i < 4; ++i) {
            REQUIRE((*row)[i].has_value());
            fact[i] = quarry::format_term(*(*row)[i]);
        }
        out.insert(fact);
    }
    return out;
}

FactSet with_predicate(const FactSet& facts, const std::string& predicate) {
    FactSet out;
    for (const Fact& fact : facts)
        if (fact[1] == predicate)
            out.insert(fact);
    return out;
}

FactSet difference(const FactSet& a, const FactSet& b) {
    FactSet out;
    std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
    return out;
}

std::string show(const FactSet& facts) {
    std::string out;
    for (const Fact& fact : facts)
        out += "  " + fact_text(fact) + "\n";
    return out;
}

// Everything a statement printed: its message, then its rows (one line each).
std::string output_of(StatementResult& result) {
    std::string out = result.message;
    if (result.rows) {
        while (auto row = result.rows->next()) {
            if (!out.empty() && out.back() != '\n')
                out += '\n';
            for (std::size_t i = 0; i < row->size(); ++i)
                out += (i ? " | " : "") + ((*row)[i] ? quarry::text_of(*(*row)[i]) : std::string());
        }
    }
    return out;
}

// True if `text` names the rule `name` as a whole word (r1 is not named by r12).
bool names_rule(const std::string& text, const std::string& name) {
    const auto word_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    };
    for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + 1)) {
        const bool starts = at == 0 || !word_char(text[at - 1]);
        const bool ends = at + name.size() == text.size() || !word_char(text[at + name.size()]);
        if (starts && ends)
            return true;
    }
    return false;
}

// The facts written in a `why` tree, one per line that holds a tuple, with the depth of
// the line (its indentation, tree drawing characters counted as indentation).
struct WhyLine {
    std::size_t depth;
    std::optional<Fact> fact;
    std::string text;
};

std::vector<WhyLine> why_lines(const std::string& output) {
    std::vector<WhyLine> out;
    std::istringstream in(output);
    std::string line;
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        WhyLine parsed;
        parsed.text = line;
        // Indentation: everything before the first letter, digit, '(' or '?' ("├─ ", "│  ",
        // "- " and blanks are all drawing).
        std::size_t depth = 0;
        for (std::size_t i = 0; i < line.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(line[i]);
            if (std::isalnum(c) || c == '(' || c == '?')
                break;
            if ((c & 0xC0) != 0x80) // count code points, not bytes
                ++depth;
        }
        parsed.depth = depth;
        const auto open = line.find('(');
        const auto close = open == std::string::npos ? open : line.find(')', open);
        if (close != std::string::npos) {
            std::vector<std::string> parts;
            std::string inner = line.substr(open + 1, close - open - 1);
            std::size_t from = 0;
            for (std::size_t comma; (comma = inner.find(", ", from)) != std::string::npos;
                 from = comma + 2)
                parts.push_back(inner.substr(from, comma - from));
            parts.push_back(inner.substr(from));
            if (parts.size() == 3)
                parts.push_back("default");
            if (parts.size() == 4)
                parsed.fact = Fact{parts[0], parts[1], parts[2], parts[3]};
        }
        out.push_back(parsed);
    }
    return out;
}

// One random run: a graph, a rule set, then `steps` random statements, each checked.
class RulesRun {
public:
    RulesRun(std::uint64_t seed, const std::filesystem::path& path)
        : seed_(seed), random_(seed), path_(path), db_(open()) {}

    void run(int steps) {
        const std::size_t nodes = 5 + below(11);
        for (std::size_t i = 0; i < nodes; ++i)
            nodes_.push_back("n" + std::to_string(i));
        // Each predicate gets a stratum; a rule reads only predicates of its head's
        // stratum or below, and negates only those below, so every rule set is stratified.
        for (std::size_t i = 0; i < PREDICATES; ++i)
            level_.push_back(i < 2 ? 0 : static_cast<int>(below(3)));

        std::vector<Fact> initial;
        for (std::size_t i = 0, n = 8 + below(25); i < n; ++i)
            initial.push_back(random_fact());
        statement(add_text(initial), [&] {
            for (const Fact& fact : initial)
                asserted_.insert(fact);
        });
        for (std::size_t i = 0, n = 1 + below(3); i < n; ++i)
            add_rule();
        for (int step = 0; step < steps; ++step) {
            switch (below(15)) {
            case 0:
            case 1:
            case 2: add_facts(); break;
            case 3:
            case 4:
            case 5: remove_asserted(); break;
            case 6: remove_derived(); break;
            case 7:
                if (rules_.size() < 7)
                    add_rule();
                else
                    drop_rule();
                break;
            case 8: drop_rule(); break;
            case 9: refuse_negative_cycle(); break;
            case 10: check_why(); break;
            case 11: check_why_not(); break;
            case 12: reopen(); break;
            case 13: transaction(); break;
            default: load_facts(); break;
            }
        }
    }

private:
    static constexpr std::size_t PREDICATES = 5;

    std::size_t below(std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n - 1)(random_);
    }
    bool chance(std::size_t one_in) { return below(one_in) == 0; }
    template <typename T>
    const T& pick(const std::vector<T>& from) {
        return from[below(from.size())];
    }

    std::string predicate(std::size_t i) const { return "p" + std::to_string(i); }
    std::string node() { return pick(nodes_); }
    std::string context() {
        static const std::vector<std::string> CONTEXTS = {"default", "default", "c1", "c2"};
        return pick(CONTEXTS);
    }
    Fact random_fact() { return {node(), predicate(below(PREDICATES)), node(), context()}; }

    static std::string add_text(const std::vector<Fact>& facts) {
        std::string text = "add ";
        for (std::size_t i = 0; i < facts.size(); ++i)
            text += (i ? ", " : "") + fact_text(facts[i]);
        return text + ";";
    }

    // What the reference says holds now.
    FactSet holding() const { return fixpoint(asserted_, rules_); }

    // Runs `text`, which must succeed, applies `apply` to the reference, then compares.
    template <typename Apply>
    void statement(const std::string& text, Apply apply) {
        script_ += text + "\n";
        try {
            db_->execute(text);
        } catch (const Error& error) {
            INFO(context_text());
            FAIL("the statement failed: " << error.what());
        }
        apply();
        compare();
    }

    // Runs `text`, which must fail with a message naming one of `names`; then compares
    // (the reference is unchanged: a failed statement changes nothing).
    void failing_statement(const std::string& text, const std::vector<std::string>& names) {
        script_ += text + "  # must fail\n";
        std::string message;
        try {
            db_->execute(text);
        } catch (const Error& error) {
            message = error.what();
        }
        INFO(context_text());
        INFO("error: " << message);
        REQUIRE_FALSE(message.empty());
        CHECK(std::any_of(names.begin(), names.end(),
                          [&](const std::string& name) { return names_rule(message, name); }));
        compare();
    }

    std::string context_text() const {
        return "seed " + std::to_string(seed_) + "; the script so far:\n" + script_;
    }

    void compare() {
        const FactSet want_all = holding();
        const FactSet all = facts_of(*db_, "match (?s, ?p, ?o, ?c)");
        const FactSet stored = facts_of(*db_, "match (?s, ?p, ?o, ?c) asserted");
        INFO(context_text());
        INFO("all facts, only in Quarry:\n"
             << show(difference(all, want_all)) << "only in the reference:\n"
             << show(difference(want_all, all)));
        REQUIRE((all == want_all));
        INFO("stored facts, only in Quarry:\n"
             << show(difference(stored, asserted_)) << "only in the reference:\n"
             << show(difference(asserted_, stored)));
        REQUIRE((stored == asserted_));
    }

    std::unique_ptr<Database> open() const {
        return std::make_unique<Database>(path_, DatabaseOptions{.no_sync = true});
    }

    // Closes the database and opens it again: the rules and what they derived are kept.
    void reopen() {
        script_ += "# closed and opened again\n";
        db_.reset();
        db_ = open();
        compare();
    }

    // A few adds and removes of stored facts in one transaction, rolled back (nothing
    // changes) or committed (all of them apply).
    void transaction() {
        std::vector<std::pair<bool, Fact>> changes; // true: add
        FactSet stored = asserted_;
        for (std::size_t i = 0, n = 2 + below(3); i < n; ++i) {
            if (!stored.empty() && chance(2)) {
                const std::vector<Fact> facts(stored.begin(), stored.end());
                changes.emplace_back(false, pick(facts));
                stored.erase(changes.back().second);
            } else {
                changes.emplace_back(true, random_fact());
                stored.insert(changes.back().second);
            }
        }
        const bool commit = chance(2);
        std::string text = "begin;";
        for (const auto& [add, fact] : changes)
            text += (add ? " add " : " remove ") + fact_text(fact) + ";";
        text += commit ? " commit;" : " rollback;";
        statement(text, [&] {
            if (commit)
                asserted_ = stored;
        });
    }

    // A few facts loaded from an N-Quads file (names are IRIs under urn:quarry:name:),
    // sometimes one that is derived now.
    void load_facts() {
        const FactSet now = holding();
        const std::vector<Fact> derived = derived_only(now);
        std::vector<Fact> facts;
        for (std::size_t i = 0, n = 1 + below(4); i < n; ++i)
            facts.push_back(!derived.empty() && chance(4) ? pick(derived) : random_fact());
        const auto file = path_.parent_path() / ("load" + std::to_string(++loads_) + ".nq");
        {
            std::ofstream out(file);
            const auto iri = [](const std::string& name) {
                return "<urn:quarry:name:" + name + ">";
            };
            for (const Fact& fact : facts)
                out << iri(fact[0]) << ' ' << iri(fact[1]) << ' ' << iri(fact[2])
                    << (fact[3] == "default" ? std::string() : " " + iri(fact[3])) << " .\n";
        }
        script_ += "# " + file.filename().string() + " holds " + add_text(facts).substr(4) + "\n";
        statement("load \"" + file.string() + "\";", [&] {
            for (const Fact& fact : facts)
                asserted_.insert(fact);
        });
    }

    void add_facts() {
        std::vector<Fact> facts;
        const FactSet now = holding();
        for (std::size_t i = 0, n = 1 + below(3); i < n; ++i) {
            // Sometimes a fact that is derived now: it becomes stored as well.
            const std::vector<Fact> derived = derived_only(now);
            if (!derived.empty() && chance(4))
                facts.push_back(pick(derived));
            else
                facts.push_back(random_fact());
        }
        statement(add_text(facts), [&] {
            for (const Fact& fact : facts)
                asserted_.insert(fact);
        });
    }

    void remove_asserted() {
        if (asserted_.empty())
            return add_facts();
        const std::vector<Fact> stored(asserted_.begin(), asserted_.end());
        const Fact fact = pick(stored);
        statement("remove " + fact_text(fact) + ";", [&] { asserted_.erase(fact); });
    }

    std::vector<Fact> derived_only(const FactSet& now) const {
        std::vector<Fact> out;
        for (const Fact& fact : now)
            if (!asserted_.count(fact))
                out.push_back(fact);
        return out;
    }

    void remove_derived() {
        const FactSet now = holding();
        const std::vector<Fact> derived = derived_only(now);
        if (derived.empty())
            return remove_asserted();
        const Fact fact = pick(derived);
        failing_statement("remove " + fact_text(fact) + ";", deriving_rules(fact, now, rules_));
    }

    void add_rule() {
        Rule rule = random_rule("r" + std::to_string(++rule_count_));
        statement(rule_text(rule), [&] { rules_.push_back(rule); });
    }

    void drop_rule() {
        if (rules_.empty())
            return add_rule();
        const std::size_t index = below(rules_.size());
        const std::string name = rules_[index].name;
        statement("drop rule " + name + ";",
                  [&] { rules_.erase(rules_.begin() + static_cast<std::ptrdiff_t>(index)); });
    }

    // A rule that negates its own head (p(x, y) if q(x, y), not p(y, x)): negation
    // through a cycle, refused with an error naming it; nothing changes.
    void refuse_negative_cycle() {
        const std::string name = "r" + std::to_string(++rule_count_);
        const std::string head = predicate(below(PREDICATES)), body = predicate(below(PREDICATES));
        failing_statement("rule " + name + ": (?x, " + head + ", ?y) if (?x, " + body +
                              ", ?y), not (?y, " + head + ", ?x);",
                          {name});
    }

    // `why` on a derived fact: a tree whose lines hold facts that hold, whose leaves are
    // stored facts, and which names a rule deriving the fact.
    void check_why() {
        const FactSet now = holding();
        const std::vector<Fact> derived = derived_only(now);
        if (chance(4))
            return check_why_stored();
        if (derived.empty())
            return check_why_not();
        const Fact fact = pick(derived);
        const std::string text = "why " + fact_text(fact) + ";";
        script_ += text + "\n";
        INFO(context_text());
        std::string output;
        try {
            auto results = db_->execute(text);
            REQUIRE(results.size() == 1);
            output = output_of(results[0]);
        } catch (const Error& error) {
            FAIL("why failed: " << error.what());
        }
        INFO("why printed:\n" << output);
        const std::vector<WhyLine> lines = why_lines(output);
        REQUIRE(!lines.empty());
        REQUIRE(lines.front().fact);
        CHECK(*lines.front().fact == fact);
        const std::vector<std::string> names = deriving_rules(fact, now, rules_);
        CHECK(std::any_of(names.begin(), names.end(),
                          [&](const std::string& name) { return names_rule(output, name); }));
        std::size_t leaves = 0;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            if (!lines[i].fact)
                continue;
            INFO("line: " << lines[i].text);
            CHECK(now.count(*lines[i].fact));
            // A leaf: no deeper line follows before the next line at its depth or above.
            const bool leaf = i + 1 == lines.size() || lines[i + 1].depth <= lines[i].depth;
            if (leaf) {
                ++leaves;
                CHECK(asserted_.count(*lines[i].fact));
            } else {
                CHECK(lines[i + 1].depth > lines[i].depth);
            }
        }
        CHECK(leaves > 0);
        compare();
    }

    // `why` on a stored fact says so (whether rules derive it too or not).
    void check_why_stored() {
        if (asserted_.empty())
            return;
        const std::vector<Fact> stored(asserted_.begin(), asserted_.end());
        const Fact fact = pick(stored);
        const std::string text = "why " + fact_text(fact) + ";";
        script_ += text + "\n";
        INFO(context_text());
        std::string output;
        try {
            auto results = db_->execute(text);
            REQUIRE(results.size() == 1);
            output = output_of(results[0]);
        } catch (const Error& error) {
            FAIL("why failed: " << error.what());
        }
        INFO("why printed:\n" << output);
        const std::vector<WhyLine> lines = why_lines(output);
        REQUIRE(!lines.empty());
        CHECK(lines.front().text.find("stored") != std::string::npos);
        compare();
    }

    // `why` on a fact that does not hold says so.
    void check_why_not() {
        const FactSet now = holding();
        Fact fact = random_fact();
        for (int tries = 0; now.count(fact) && tries < 20; ++tries)
            fact = random_fact();
        if (now.count(fact))
            return;
        const std::string text = "why " + fact_text(fact) + ";";
        script_ += text + "\n";
        INFO(context_text());
        std::string output;
        try {
            auto results = db_->execute(text);
            REQUIRE(results.size() == 1);
            output = output_of(results[0]);
        } catch (const Error& error) {
            output = error.what(); // an error that says so will do too
        }
        INFO("why printed:\n" << output);
        std::string lower = output;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        CHECK((lower.find("not hold") != std::string::npos ||
               lower.find("does not") != std::string::npos ||
               lower.find("not derived") != std::string::npos));
        compare();
    }

    // A random rule from the templates, obeying the predicates' strata.
    Rule random_rule(const std::string& name) {
        // The head's predicate, and predicates the body may read or negate.
        const std::size_t head = below(PREDICATES);
        std::vector<std::size_t> readable, negatable;
        for (std::size_t i = 0; i < PREDICATES; ++i) {
            if (level_[i] <= level_[head])
                readable.push_back(i);
            if (level_[i] < level_[head])
                negatable.push_back(i);
        }
        const std::string h = predicate(head);
        const auto p = [&] { return predicate(pick(readable)); };
        const auto var = [](const char* variable) { return Slot::variable(variable); };
        const auto constant = [](const std::string& text) { return Slot::constant(text); };
        const auto atom = [](Slot s, Path path, Slot o, std::optional<Slot> c = std::nullopt) {
            return Atom{std::move(s), std::move(path), std::move(o), std::move(c)};
        };
        Rule rule;
        rule.name = name;
        switch (below(negatable.empty() ? 11 : 15)) {
        case 0: // transitive
            rule.heads = {atom(var("x"), Path::of(h), var("z"))};
            rule.positives = {atom(var("x"), Path::of(h), var("y")),
                              atom(var("y"), Path::of(h), var("z"))};
            break;
        case 1: // transitive through another predicate (left-linear)
            rule.heads = {atom(var("x"), Path::of(h), var("z"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y")),
                              atom(var("y"), Path::of(h), var("z"))};
            break;
        case 2: // symmetric, in each context
            rule.heads = {atom(var("b"), Path::of(h), var("a"), var("c"))};
            rule.positives = {atom(var("a"), Path::of(h), var("b"), var("c"))};
            break;
        case 3: // chain
            rule.heads = {atom(var("x"), Path::of(h), var("z"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y")),
                              atom(var("y"), Path::of(p()), var("z"))};
            break;
        case 4: // chain within a context, the head in that context
            rule.heads = {atom(var("x"), Path::of(h), var("z"), var("c"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y"), var("c")),
                              atom(var("y"), Path::of(p()), var("z"), var("c"))};
            break;
        case 5: // inverse
            rule.heads = {atom(var("y"), Path::of(h), var("x"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y"))};
            break;
        case 6: // constants in the head, one of them a named context
            rule.heads = {chance(2)
                              ? atom(var("x"), Path::of(h), constant(node()))
                              : atom(constant(node()), Path::of(h), var("y"), constant("c1"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y"))};
            break;
        case 7: { // constants in the body
            const std::string via = node();
            rule.heads = {atom(var("x"), Path::of(h), var("y"))};
            if (chance(2))
                rule.positives = {atom(var("x"), Path::of(p()), constant(via)),
                                  atom(constant(via), Path::of(p()), var("y"))};
            else
                rule.positives = {atom(var("x"), Path::of(p()), var("y"),
                                       constant(chance(2) ? "c1" : "default"))};
            break;
        }
        case 8: // two tuples sharing an object, different subjects (the `ally` rule)
            rule.heads = {atom(var("x"), Path::of(h), var("y"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("t")),
                              atom(var("y"), Path::of(p()), var("t"))};
            rule.conditions = {Condition{"x", false, var("y")}};
            if (chance(3))
                rule.conditions.push_back(Condition{"t", false, constant(node())});
            break;
        case 9: { // a path in the body
            rule.heads = {atom(var("x"), Path::of(h), var("y"))};
            Path path;
            switch (below(4)) {
            case 0: path = Path::plus(Path::of(p())); break;
            case 1: path = Path::sequence(Path::of(p()), Path::of(p())); break;
            case 2: path = Path::alternative(Path::inverse(Path::of(p())), Path::of(p())); break;
            default: path = Path::sequence(Path::of(p()), Path::plus(Path::of(p()))); break;
            }
            rule.positives = {atom(var("x"), path, var("y"))};
            break;
        }
        case 10: { // two heads: the inverse and a copy into a predicate of the same or a higher
                   // stratum
            std::vector<std::size_t> second;
            const std::size_t body = pick(readable);
            for (std::size_t i = 0; i < PREDICATES; ++i)
                if (level_[i] >= level_[body])
                    second.push_back(i);
            rule.heads = {atom(var("y"), Path::of(h), var("x")),
                          atom(var("x"), Path::of(predicate(pick(second))), var("y"))};
            rule.positives = {atom(var("x"), Path::of(predicate(body)), var("y"))};
            break;
        }
        case 11: // negation of a lower stratum, all of the negated tuple bound
            rule.heads = {atom(var("x"), Path::of(h), var("y"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y"))};
            rule.negatives = {atom(var("y"), Path::of(predicate(pick(negatable))), var("x"))};
            break;
        case 12: // negation with a variable of its own, in a context
            rule.heads = {atom(var("x"), Path::of(h), var("y"), var("c"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y"), var("c"))};
            rule.negatives = {atom(var("y"), Path::of(predicate(pick(negatable))), var("z"))};
            break;
        case 13: // negation of a four-element tuple in the same context
            rule.heads = {atom(var("x"), Path::of(h), var("y"), var("c"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y"), var("c"))};
            rule.negatives = {
                atom(var("y"), Path::of(predicate(pick(negatable))), var("x"), var("c"))};
            break;
        default: // negation of two tuples together, as not { … } or where not exists { … }
            rule.heads = {atom(var("x"), Path::of(h), var("y"))};
            rule.positives = {atom(var("x"), Path::of(p()), var("y"))};
            rule.negated_groups = {
                NegatedGroup{{atom(var("y"), Path::of(predicate(pick(negatable))), var("z")),
                              atom(var("z"), Path::of(predicate(pick(negatable))), var("x"))},
                             chance(2)}};
            break;
        }
        return rule;
    }

    std::uint64_t seed_;
    std::mt19937_64 random_;
    std::filesystem::path path_;
    std::unique_ptr<Database> db_;
    std::vector<std::string> nodes_;
    std::vector<int> level_;
    FactSet asserted_;
    std::vector<Rule> rules_;
    int rule_count_ = 0;
    int loads_ = 0;
    std::string script_;
};

void run_seeds(std::uint64_t first_seed, int runs) {
    TempDir dir;
    for (int i = 0; i < runs; ++i) {
        const std::uint64_t seed = first_seed + static_cast<std::uint64_t>(i);
        std::mt19937_64 steps(seed * 7919);
        RulesRun run(seed, dir.file("rules" + std::to_string(seed) + ".qdb"));
        run.run(20 + static_cast<int>(steps() % 31));
    }
}

} // namespace

TEST_CASE("rules: the materialised facts equal a naive fixpoint on 300 random graphs and steps",
          "[engine][property][rules]") {
    run_seeds(1000, 300);
}

TEST_CASE("rules: the materialised facts equal a naive fixpoint on 10 random graphs and steps",
          "[engine][rules]") {
    run_seeds(1, 10);
}

TEST_CASE("rules: a rule that negates through a cycle is refused, naming it, and changes nothing",
          "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("db.qdb"));
    db.execute("add (a, p, b), (b, p, c), (b, q, a);"
               "rule keep: (?x, r, ?y) if (?x, p, ?y), not (?x, s, ?y);");
    CHECK(with_predicate(facts_of(db, "match (?s, ?p, ?o, ?c)"), "r") ==
          FactSet{{"a", "r", "b", "default"}, {"b", "r", "c", "default"}});
    std::string message;
    try {
        db.execute("rule back: (?x, s, ?y) if (?x, r, ?y), (?y, q, ?x);");
    } catch (const Error& error) {
        message = error.what();
    }
    INFO(message);
    REQUIRE_FALSE(message.empty());
    CHECK((names_rule(message, "back") || names_rule(message, "keep")));
    // Nothing changed: the rule is not there, so adding its body derives nothing.
    db.execute("add (c, q, b);");
    CHECK(with_predicate(facts_of(db, "match (?s, ?p, ?o, ?c)"), "s").empty());
    CHECK(with_predicate(facts_of(db, "match (?s, ?p, ?o, ?c)"), "r") ==
          FactSet{{"a", "r", "b", "default"}, {"b", "r", "c", "default"}});
    // A rule may not negate its own head either.
    CHECK_THROWS_AS(db.execute("rule self: (?x, t, ?y) if (?x, p, ?y), not (?y, t, ?x);"), Error);
    CHECK(with_predicate(facts_of(db, "match (?s, ?p, ?o, ?c)"), "t").empty());
}
