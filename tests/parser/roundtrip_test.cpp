// Property test: for random valid ASTs covering every node type, parse(print(ast)) == ast.
// The generator builds only what the parser itself can produce (the canonical AST): a
// failing case prints the seed and the statement text, which reproduces it.

#include "parser/parse.hpp"
#include "parser/printer.hpp"

#include <catch2/catch.hpp>

#include <functional>

#include <cmath>
#include <limits>
#include <random>
#include <set>

using namespace quarry::parser;
using namespace quarry::parser::ast;

namespace {

class Generator {
public:
    explicit Generator(std::uint64_t seed) : random_(seed) {}

    Statement statement() {
        Statement s;
        switch (below(10)) {
        case 0:
        case 1:
            s.kind = StatementKind::ADD;
            fill_template(s, true);
            break;
        case 2:
            s.kind = StatementKind::REMOVE;
            fill_template(s, false);
            break;
        case 3:
        case 4:
        case 5:
            s.kind = StatementKind::MATCH;
            parameters_ = true; // values may be parameters in a match only
            s.query = query(true);
            parameters_ = false;
            break;
        case 6:
            s.kind = StatementKind::PREFIX;
            s.prefix = chance(4) ? "" : identifier();
            s.iri = iri_ref();
            return s;
        case 7:
        case 8:
            s.kind = chance(2) ? StatementKind::LOAD : StatementKind::EXPORT;
            s.file = text();
            if (chance(2))
                s.format = pick<std::string>({"nquads", "ntriples", "tsv", "csv", "qry", "turtle"});
            if (chance(2))
                s.context = chance(4) ? special(TermKind::DEFAULT_CONTEXT) : entity();
            return s;
        default:
            s.kind = pick({StatementKind::BEGIN, StatementKind::COMMIT, StatementKind::ROLLBACK});
            return s;
        }
        if (chance(6)) {
            s.explain = true;
            s.analyze = chance(2);
        }
        return s;
    }

private:
    std::size_t below(std::size_t n) { return static_cast<std::size_t>(random_() % n); }
    bool chance(std::size_t one_in) { return below(one_in) == 0; }
    template <typename T>
    T pick(std::initializer_list<T> options) {
        return *(options.begin() + static_cast<std::ptrdiff_t>(below(options.size())));
    }

    std::string identifier() {
        static const char* const WORDS[] = {"who", "whom", "where", "x", "date", "talks",
                                            "a1", "place_2", "meetings", "n"};
        std::string id = WORDS[below(10)];
        if (chance(3))
            id += std::to_string(below(100));
        return id;
    }

    // Text of any characters: quotes, escapes, control characters, non-ASCII.
    std::string text() {
        static const char* const PIECES[] = {
            "IRNA reported", "Astana", " ", "\"", "\\", "\n", "\t", "`", ",", ")", "Türkiye",
            "北京", "é", "\x01", "#", ";", "a  b", "?", "<>", "{}", "x"};
        std::string out;
        const std::size_t pieces = below(5);
        for (std::size_t i = 0; i < pieces; ++i)
            out += PIECES[below(std::size(PIECES))];
        return out;
    }

    std::string name_text() {
        static const char* const NAMES[] = {
            "Khaji", "Syrian delegation", "Mohammad Reza Aref", "Türkiye", "Al-Akhbar",
            "Organization of Islamic Cooperation", "and", "or", "not", "default", "true",
            "False", "22nd meeting", "2024", "2024 summit", "6e3", "-3", "_", "match",
            "Organization, the", "a`b", "back\\slash", "ex:Khaji", " lead", "trail ",
            "two  spaces", "Astana talks", "Saudi Arabia", "U.S.", "O'Brien", "R&D",
            "where x", "x where", "met", "in", "order", "limit", "?who", "2024-11-12"};
        return NAMES[below(std::size(NAMES))];
    }

    Term special(TermKind kind) {
        Term t;
        t.kind = kind;
        return t;
    }

    Term variable(const std::string& name) {
        Term t = special(TermKind::VARIABLE);
        t.text = name;
        return t;
    }

    IriRef iri_ref() {
        IriRef iri;
        if (chance(2)) {
            iri.prefixed = true;
            iri.prefix = chance(4) ? "" : identifier();
            iri.text = chance(5) ? "" : identifier();
        } else {
            iri.text = "http://example.org/e/" + text();
        }
        return iri;
    }

    Term entity() {
        if (chance(3)) {
            Term t = special(TermKind::IRI);
            t.iri = iri_ref();
            return t;
        }
        Term t = special(TermKind::NAME);
        t.text = name_text();
        return t;
    }

    DateTime when(bool with_time) {
        DateTime w;
        w.year = static_cast<std::int32_t>(below(10000));
        w.month = static_cast<std::int32_t>(1 + below(12));
        w.day = static_cast<std::int32_t>(1 + below(28));
        if (with_time) {
            w.hour = static_cast<std::int32_t>(below(24));
            w.minute = static_cast<std::int32_t>(below(60));
            w.second = static_cast<std::int32_t>(below(60));
            w.millisecond = chance(2) ? 0 : static_cast<std::int32_t>(below(1000));
            if (chance(3))
                w.offset_minutes = static_cast<std::int32_t>(below(1681)) - 840;
        }
        return w;
    }

    Term literal() {
        Term t;
        switch (below(8)) {
        case 0:
            t.kind = TermKind::STRING;
            t.text = text();
            if (chance(2))
                t.lang = pick<std::string>({"en", "ru", "en-GB", "fa-Arab-IR"});
            break;
        case 1:
            t.kind = TermKind::TYPED;
            t.text = text();
            t.iri = iri_ref();
            break;
        case 2:
            t.kind = TermKind::INTEGER;
            t.integer = pick<std::int64_t>({0, 22, -3, 2017, std::numeric_limits<std::int64_t>::min(),
                                            std::numeric_limits<std::int64_t>::max(),
                                            static_cast<std::int64_t>(random_())});
            break;
        case 3: {
            t.kind = TermKind::DECIMAL;
            double value = std::ldexp(static_cast<double>(random_() >> 11),
                                      static_cast<int>(below(200)) - 120);
            if (chance(2))
                value = -value;
            t.decimal = value == 0.0 ? 1.5 : value;
            break;
        }
        case 4:
            t.kind = TermKind::BOOLEAN;
            t.boolean = chance(2);
            break;
        case 5:
            t.kind = TermKind::DATE;
            t.when = when(false);
            break;
        case 6:
            t.kind = TermKind::DATETIME;
            t.when = when(true);
            break;
        default:
            return entity();
        }
        return t;
    }

    // A subject or object in a match: variable, wildcard, parameter or any value.
    Term pattern_term(std::set<std::string>& variables) {
        if (chance(3)) {
            const std::string name = identifier();
            variables.insert(name);
            return variable(name);
        }
        if (chance(12))
            return special(TermKind::WILDCARD);
        return value_or_parameter();
    }

    // In a match statement, sometimes a parameter where a value may stand.
    Term value_or_parameter() {
        if (parameters_ && chance(8)) {
            Term t = special(TermKind::PARAMETER);
            t.text = identifier();
            return t;
        }
        return literal();
    }

    Path path(int depth) {
        Path p;
        if (depth <= 0 || chance(2)) {
            p.op = PathOp::TERM;
            p.term = entity();
            return p;
        }
        p.op = pick({PathOp::SEQUENCE, PathOp::ALTERNATIVE, PathOp::INVERSE, PathOp::ONE_OR_MORE,
                     PathOp::ZERO_OR_MORE, PathOp::ZERO_OR_ONE, PathOp::REPEAT});
        if (p.op == PathOp::REPEAT) { // {m,n}, {n}, {m,} (and {,n}, which reads as {0,n})
            p.min = below(3);
            if (!chance(3))
                p.max = p.min + (chance(3) ? 0 : below(100));
        }
        const bool binary = p.op == PathOp::SEQUENCE || p.op == PathOp::ALTERNATIVE;
        const std::size_t children = binary ? 2 + below(2) : 1;
        for (std::size_t i = 0; i < children; ++i)
            p.children.push_back(path(depth - 1));
        return p;
    }

    Tuple tuple(std::set<std::string>& variables) {
        Tuple t;
        t.subject = pattern_term(variables);
        if (chance(5)) {
            const std::string name = identifier();
            variables.insert(name);
            t.predicate.term = variable(name);
        } else {
            t.predicate = path(3);
        }
        t.object = pattern_term(variables);
        if (chance(2))
            t.context = chance(3) ? special(TermKind::DEFAULT_CONTEXT) : pattern_term(variables);
        return t;
    }

    Pattern block(int depth, std::set<std::string>& variables) {
        if (depth <= 0 || !chance(3)) {
            Pattern p;
            p.kind = PatternKind::TUPLE;
            p.tuple = tuple(variables);
            return p;
        }
        Pattern group;
        group.kind = PatternKind::GROUP;
        group.patterns = patterns(depth - 1, variables);
        if (chance(3))
            group.where = condition(2, variables);
        return group;
    }

    Pattern pattern(int depth, std::set<std::string>& variables) {
        switch (below(5)) {
        case 0: {
            Pattern p;
            p.kind = chance(2) ? PatternKind::OPTIONAL : PatternKind::NOT;
            p.patterns.push_back(block(depth, variables));
            return p;
        }
        case 1: {
            Pattern p;
            p.kind = PatternKind::UNION;
            const std::size_t blocks = 2 + below(2);
            for (std::size_t i = 0; i < blocks; ++i)
                p.patterns.push_back(block(depth, variables));
            return p;
        }
        default:
            return block(depth, variables);
        }
    }

    std::vector<Pattern> patterns(int depth, std::set<std::string>& variables) {
        std::vector<Pattern> out;
        const std::size_t count = 1 + below(3);
        for (std::size_t i = 0; i < count; ++i)
            out.push_back(pattern(depth, variables));
        return out;
    }

    Expr term_expr(Term term) {
        Expr e;
        e.op = ExprOp::TERM;
        e.term = std::move(term);
        return e;
    }

    Expr expr(int depth, bool aggregates, std::set<std::string>& variables) {
        if (depth <= 0 || chance(3)) {
            if (!variables.empty() && chance(2))
                return term_expr(variable(*std::next(variables.begin(),
                                                     static_cast<std::ptrdiff_t>(below(variables.size())))));
            return term_expr(value_or_parameter());
        }
        Expr e;
        switch (below(aggregates ? 8 : 7)) {
        case 0:
        case 1:
            e.op = pick({ExprOp::OR, ExprOp::AND, ExprOp::EQ, ExprOp::NE, ExprOp::LT, ExprOp::LE,
                         ExprOp::GT, ExprOp::GE, ExprOp::ADD, ExprOp::SUBTRACT, ExprOp::MULTIPLY,
                         ExprOp::DIVIDE});
            e.args = {expr(depth - 1, aggregates, variables), expr(depth - 1, aggregates, variables)};
            break;
        case 2:
            e.op = pick({ExprOp::NOT, ExprOp::NEGATE});
            e.args = {expr(depth - 1, aggregates, variables)};
            break;
        case 3: {
            e.op = pick({ExprOp::IN, ExprOp::NOT_IN});
            const std::size_t elements = 1 + below(4);
            for (std::size_t i = 0; i < elements; ++i)
                e.args.push_back(expr(depth - 1, aggregates, variables));
            break;
        }
        case 4:
        case 5: {
            e.op = ExprOp::CALL;
            static const std::pair<const char*, int> FUNCTIONS[] = {
                {"contains", 2}, {"starts_with", 2}, {"ends_with", 2}, {"matches", 2},
                {"lower", 1},    {"upper", 1},       {"length", 1},    {"str", 1},
                {"lang", 1},     {"year", 1},        {"month", 1},     {"day", 1},
                {"bound", 1},    {"is_name", 1},     {"is_string", 1}, {"is_number", 1},
                {"is_date", 1}};
            const auto& [name, arity] = FUNCTIONS[below(std::size(FUNCTIONS))];
            e.function = name;
            if (e.function == "bound") {
                e.args.push_back(term_expr(variable(identifier())));
                break;
            }
            for (int i = 0; i < arity; ++i)
                e.args.push_back(expr(depth - 1, aggregates, variables));
            break;
        }
        case 6:
            return term_expr(literal());
        default:
            e.op = ExprOp::AGGREGATE;
            e.function = pick<std::string>({"count", "sum", "avg", "min", "max"});
            if (e.function == "count" && chance(3)) {
                e.star = true;
            } else {
                e.distinct = chance(3);
                e.args.push_back(expr(depth - 1, false, variables));
            }
            break;
        }
        return e;
    }

    // What the validator refuses, made valid: arithmetic on a constant that is not a number
    // (or on a constant zero divisor), a constant regex of random text, bound() of a
    // variable the match does not bind.
    void make_valid(Expr& e, const std::set<std::string>& variables) {
        for (auto& arg : e.args)
            make_valid(arg, variables);
        const bool arithmetic = e.op == ExprOp::ADD || e.op == ExprOp::SUBTRACT || e.op == ExprOp::MULTIPLY ||
                                e.op == ExprOp::DIVIDE;
        if (arithmetic)
            for (auto& arg : e.args) {
                const auto kind = arg.term.kind;
                if (arg.op != ExprOp::TERM || kind == TermKind::VARIABLE || kind == TermKind::PARAMETER)
                    continue;
                if ((kind == TermKind::INTEGER && arg.term.integer != 0) ||
                    (kind == TermKind::DECIMAL && arg.term.decimal != 0.0))
                    continue;
                Term two;
                two.kind = TermKind::INTEGER;
                two.integer = 2;
                arg = term_expr(two);
            }
        if (e.op == ExprOp::CALL && e.function == "matches" && e.args[1].op == ExprOp::TERM &&
            e.args[1].term.kind == TermKind::STRING)
            e.args[1].term.text = "^a+";
        if (e.op == ExprOp::CALL && e.function == "bound" && !variables.count(e.args[0].term.text)) {
            if (variables.empty()) {
                Term yes;
                yes.kind = TermKind::BOOLEAN;
                yes.boolean = true;
                e = term_expr(yes);
            } else {
                e.args[0].term.text = *variables.begin();
            }
        }
    }

    // `e` as a condition (true or false): what is not one is compared with itself.
    Expr as_condition(Expr e) {
        switch (e.op) {
        case ExprOp::AND:
        case ExprOp::OR:
        case ExprOp::NOT:
            for (auto& arg : e.args)
                arg = as_condition(std::move(arg));
            return e;
        case ExprOp::EQ:
        case ExprOp::NE:
        case ExprOp::LT:
        case ExprOp::LE:
        case ExprOp::GT:
        case ExprOp::GE:
        case ExprOp::IN:
        case ExprOp::NOT_IN:
        case ExprOp::EXISTS:
            return e;
        case ExprOp::CALL:
            if (e.function != "lower" && e.function != "upper" && e.function != "length" && e.function != "str" &&
                e.function != "lang" && e.function != "year" && e.function != "month" && e.function != "day")
                return e;
            break;
        case ExprOp::TERM:
            if (e.term.kind == TermKind::BOOLEAN || e.term.kind == TermKind::PARAMETER)
                return e;
            break;
        default:
            break;
        }
        Expr compared;
        compared.op = ExprOp::EQ;
        compared.args = {e, e};
        return compared;
    }

    Expr condition(int depth, std::set<std::string>& variables) {
        Expr e = expr(depth, false, variables);
        make_valid(e, variables);
        return as_condition(std::move(e));
    }

    Query query(bool full) {
        Query q;
        std::set<std::string> variables;
        q.patterns = patterns(2, variables);
        if (chance(2))
            q.where = condition(3, variables);
        if (chance(4)) { // a subquery, over variables of its own
            Expr in;
            in.op = pick({ExprOp::IN_QUERY, ExprOp::NOT_IN_QUERY});
            in.args.push_back(term_expr(variables.empty() ? value_or_parameter() : variable(*variables.begin())));
            Query sub;
            Pattern tuple_pattern;
            tuple_pattern.tuple.subject = variable("sub_s");
            tuple_pattern.tuple.predicate.term = entity();
            tuple_pattern.tuple.object = chance(2) ? variable("sub_o") : entity();
            sub.patterns.push_back(std::move(tuple_pattern));
            ReturnItem item;
            item.expr = term_expr(variable("sub_s"));
            sub.returns.push_back(std::move(item));
            sub.distinct = chance(2);
            if (chance(3))
                sub.limit = below(5);
            in.subquery.push_back(std::move(sub));
            if (chance(3)) { // a subquery as a value: ?x = (match … return ?sub_s)
                Expr value;
                value.op = ExprOp::SUBQUERY;
                value.subquery = std::move(in.subquery);
                in.op = ExprOp::EQ;
                in.args.push_back(std::move(value));
            }
            if (q.where) {
                Expr both;
                both.op = ExprOp::AND;
                both.args = {std::move(*q.where), std::move(in)};
                q.where = std::move(both);
            } else {
                q.where = std::move(in);
            }
        }
        if (!full)
            return q;
        q.distinct = chance(4);
        if (chance(2)) {
            std::set<std::string> aliases;
            const std::size_t items = 1 + below(3);
            for (std::size_t i = 0; i < items; ++i) {
                ReturnItem item;
                item.expr = expr(2, true, variables);
                make_valid(item.expr, variables);
                if (item.expr.op == ExprOp::TERM && item.expr.term.kind == TermKind::NAME)
                    item.expr.term.kind = TermKind::STRING; // a bare name in return is refused
                if (chance(2) && aliases.insert("alias" + std::to_string(i)).second)
                    item.alias = "alias" + std::to_string(i);
                q.returns.push_back(std::move(item));
            }
        }
        // group by the returned values that are not aggregates; having when there are groups.
        const auto aggregated = [](const Expr& e) {
            std::function<bool(const Expr&)> any = [&](const Expr& x) {
                return x.op == ExprOp::AGGREGATE || std::any_of(x.args.begin(), x.args.end(), any);
            };
            return any(e);
        };
        const bool grouped = std::any_of(q.returns.begin(), q.returns.end(),
                                         [&](const ReturnItem& item) { return aggregated(item.expr); });
        if (grouped && chance(3))
            for (const auto& item : q.returns)
                if (!aggregated(item.expr))
                    q.group_by.push_back(item.expr);
        if (grouped && chance(3))
            q.having = condition(2, variables);
        const std::size_t keys = chance(2) ? 0 : 1 + below(2);
        for (std::size_t i = 0; i < keys; ++i) {
            OrderKey key;
            key.expr = expr(2, true, variables);
            make_valid(key.expr, variables);
            key.descending = chance(2);
            q.order.push_back(std::move(key));
        }
        if (chance(3))
            q.limit = below(1000);
        if (chance(4))
            q.offset = random_();
        return q;
    }

    // add/remove: fixed facts, or templates over the variables of a match.
    void fill_template(Statement& s, bool adding) {
        std::set<std::string> bound;
        const bool with_match = chance(2);
        if (with_match)
            s.query = query(false);
        if (s.query)
            collect(s.query->patterns, bound);
        const std::size_t count = 1 + below(3);
        for (std::size_t i = 0; i < count; ++i) {
            auto value = [&]() -> Term {
                if (with_match && !bound.empty() && chance(2))
                    return variable(*std::next(bound.begin(),
                                               static_cast<std::ptrdiff_t>(below(bound.size()))));
                if (!adding && !with_match && chance(3))
                    return chance(2) ? variable(identifier()) : special(TermKind::WILDCARD);
                return literal();
            };
            Tuple t;
            t.subject = value();
            t.predicate.term = chance(4) ? value() : entity();
            t.object = value();
            if (chance(2))
                t.context = chance(3) ? special(TermKind::DEFAULT_CONTEXT) : value();
            s.tuples.push_back(std::move(t));
        }
    }

    static void collect(const std::vector<Pattern>& patterns, std::set<std::string>& out) {
        for (const Pattern& p : patterns) {
            if (p.kind == PatternKind::TUPLE) {
                for (const Term* term : {&p.tuple.subject, &p.tuple.predicate.term, &p.tuple.object})
                    if (term->kind == TermKind::VARIABLE)
                        out.insert(term->text);
                if (p.tuple.context && p.tuple.context->kind == TermKind::VARIABLE)
                    out.insert(p.tuple.context->text);
            }
            collect(p.patterns, out);
        }
    }

    std::mt19937_64 random_;
    bool parameters_ = false; // generating a match statement
};

// Which node types the generated statements used, so the test can show it covered all.
struct Coverage {
    std::set<int> statements, patterns, paths, exprs, terms;

    void add(const Statement& s) {
        statements.insert(static_cast<int>(s.kind));
        for (const Tuple& t : s.tuples)
            add(t);
        if (s.context)
            terms.insert(static_cast<int>(s.context->kind));
        if (!s.query)
            return;
        for (const Pattern& p : s.query->patterns)
            add(p);
        if (s.query->where)
            add(*s.query->where);
        for (const auto& item : s.query->returns)
            add(item.expr);
        for (const auto& key : s.query->order)
            add(key.expr);
    }
    void add(const Tuple& t) {
        terms.insert(static_cast<int>(t.subject.kind));
        terms.insert(static_cast<int>(t.object.kind));
        if (t.context)
            terms.insert(static_cast<int>(t.context->kind));
        add(t.predicate);
    }
    void add(const Pattern& p) {
        patterns.insert(static_cast<int>(p.kind));
        if (p.kind == PatternKind::TUPLE)
            add(p.tuple);
        for (const Pattern& child : p.patterns)
            add(child);
        if (p.where)
            add(*p.where);
    }
    void add(const Path& p) {
        paths.insert(static_cast<int>(p.op));
        for (const Path& child : p.children)
            add(child);
    }
    void add(const Expr& e) {
        exprs.insert(static_cast<int>(e.op));
        if (e.op == ExprOp::TERM)
            terms.insert(static_cast<int>(e.term.kind));
        for (const Expr& arg : e.args)
            add(arg);
    }
};

} // namespace

TEST_CASE("printing then parsing gives back the same AST for 10,000 random statements",
          "[parser][roundtrip]") {
    constexpr std::uint64_t SEED = 20241112;
    constexpr int CASES = 10000;
    Generator generator(SEED);
    Coverage coverage;
    for (int i = 0; i < CASES; ++i) {
        const Statement original = generator.statement();
        coverage.add(original);
        const std::string text = print(original);
        INFO("case " << i << " of seed " << SEED << ":\n" << text);
        const ParsedStatements parsed = parse(text);
        REQUIRE(parsed.statements().size() == 1);
        const auto& result = parsed.statements()[0];
        if (result.error)
            FAIL(result.error->render());
        REQUIRE(*result.statement == original);
        REQUIRE(print(*result.statement) == text);
    }
    CHECK(coverage.statements.size() == 9);
    CHECK(coverage.patterns.size() == 5);
    CHECK(coverage.paths.size() == 8);
    CHECK(coverage.exprs.size() == 22);
    CHECK(coverage.terms.size() == 13);
}

TEST_CASE("a script of many printed statements parses back statement by statement",
          "[parser][roundtrip]") {
    Generator generator(7);
    std::vector<Statement> originals;
    std::string script;
    for (int i = 0; i < 300; ++i) {
        originals.push_back(generator.statement());
        script += print(originals.back()) + (i % 2 ? ";\n" : "; # comment ;\n");
    }
    const ParsedStatements parsed = parse(script);
    REQUIRE(parsed.ok());
    REQUIRE(parsed.statements().size() == originals.size());
    for (std::size_t i = 0; i < originals.size(); ++i)
        REQUIRE(*parsed.statements()[i].statement == originals[i]);
}

TEST_CASE("operator chains at the limit print within the nesting limit", "[parser][roundtrip]") {
    // Found by the fuzzer: each negation once printed as "-(…)", so a long chain came back
    // deeper than MAX_NESTING.
    for (const std::string op : {"- ", "not ", "^", "+"}) {
        const bool path = op == "^" || op == "+";
        std::string text = path ? "match (?a, " : "match (?a, b, ?c) where ?a = ";
        std::string chain;
        for (std::size_t i = 0; i < MAX_CHAIN; ++i)
            chain += op;
        text += op == "+" ? "p" + chain + ", ?c)" : chain + (path ? "p, ?c)" : "x");
        const ParsedStatements parsed = parse(text);
        INFO(text);
        REQUIRE(parsed.ok());
        const std::string printed = print(*parsed.statements()[0].statement);
        const ParsedStatements again = parse(printed);
        INFO(printed);
        REQUIRE(again.ok());
        CHECK(*again.statements()[0].statement == *parsed.statements()[0].statement);
    }
}
