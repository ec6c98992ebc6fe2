// Structural tests: inputs parse to the ASTs built here by hand (not compared through the
// printer), for every example of SPEC §2, precedence and associativity, keywords and
// the term syntax of SPEC §1.

#include "parser/parse.hpp"
#include "parser/printer.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace quarry::parser;
using namespace quarry::parser::ast;

namespace {

// --- builders ----------------------------------------------------------------------------

Term name(std::string text) {
    Term t;
    t.kind = TermKind::NAME;
    t.text = std::move(text);
    return t;
}
Term var(std::string text) {
    Term t;
    t.kind = TermKind::VARIABLE;
    t.text = std::move(text);
    return t;
}
Term integer(std::int64_t value) {
    Term t;
    t.kind = TermKind::INTEGER;
    t.integer = value;
    return t;
}
Term decimal(double value) {
    Term t;
    t.kind = TermKind::DECIMAL;
    t.decimal = value;
    return t;
}
Term wildcard() {
    Term t;
    t.kind = TermKind::WILDCARD;
    return t;
}
Term default_context() {
    Term t;
    t.kind = TermKind::DEFAULT_CONTEXT;
    return t;
}
Term string(std::string text, std::string lang = {}) {
    Term t;
    t.kind = TermKind::STRING;
    t.text = std::move(text);
    t.lang = std::move(lang);
    return t;
}
Term iri(std::string text) {
    Term t;
    t.kind = TermKind::IRI;
    t.iri.text = std::move(text);
    return t;
}
Term prefixed(std::string prefix, std::string local) {
    Term t;
    t.kind = TermKind::IRI;
    t.iri = IriRef{std::move(prefix), std::move(local), true};
    return t;
}
Term date(int year, int month, int day) {
    Term t;
    t.kind = TermKind::DATE;
    t.when.year = year;
    t.when.month = month;
    t.when.day = day;
    return t;
}

Path path(Term term) {
    Path p;
    p.term = std::move(term);
    return p;
}
Path path(const char* predicate) { return path(name(predicate)); }
Path path_op(PathOp op, std::vector<Path> children) {
    Path p;
    p.op = op;
    p.children = std::move(children);
    return p;
}

Tuple tuple(Term s, Path p, Term o, std::optional<Term> c = std::nullopt) {
    Tuple t;
    t.subject = std::move(s);
    t.predicate = std::move(p);
    t.object = std::move(o);
    t.context = std::move(c);
    return t;
}

Pattern pattern(Tuple t) {
    Pattern p;
    p.kind = PatternKind::TUPLE;
    p.tuple = std::move(t);
    return p;
}
Pattern pattern_op(PatternKind kind, std::vector<Pattern> children,
                   std::optional<Expr> where = std::nullopt) {
    Pattern p;
    p.kind = kind;
    p.patterns = std::move(children);
    p.where = std::move(where);
    return p;
}

Expr ex(Term t) {
    Expr e;
    e.term = std::move(t);
    return e;
}
Expr ex(ExprOp op, std::vector<Expr> args) {
    Expr e;
    e.op = op;
    e.args = std::move(args);
    return e;
}
Expr call(std::string function, std::vector<Expr> args) {
    Expr e = ex(ExprOp::CALL, std::move(args));
    e.function = std::move(function);
    return e;
}
Expr aggregate(std::string function, std::optional<Expr> arg, bool distinct = false) {
    Expr e;
    e.op = ExprOp::AGGREGATE;
    e.function = std::move(function);
    e.distinct = distinct;
    e.star = !arg;
    if (arg)
        e.args.push_back(std::move(*arg));
    return e;
}

Statement parse_one(const std::string& text) {
    const ParsedStatements parsed = parse(text);
    INFO(text);
    REQUIRE(parsed.statements().size() == 1);
    const auto& result = parsed.statements()[0];
    if (result.error)
        FAIL(result.error->render());
    return *result.statement;
}

Expr parse_condition(const std::string& condition) {
    const Statement s = parse_one("match (?x, p, ?y) where " + condition);
    REQUIRE(s.query->where);
    return *s.query->where;
}

Path parse_path(const std::string& predicate) {
    const Statement s = parse_one("match (?x, " + predicate + ", ?y)");
    return s.query->patterns.at(0).tuple.predicate;
}

Term parse_object(const std::string& object) {
    const Statement s = parse_one("add (s, p, " + object + ")");
    return s.tuples.at(0).object;
}

Statement match_statement(Query q) {
    Statement s;
    s.kind = StatementKind::MATCH;
    s.query = std::move(q);
    return s;
}

Query query(std::vector<Pattern> patterns) {
    Query q;
    q.patterns = std::move(patterns);
    return q;
}

} // namespace

TEST_CASE("the examples of SPEC §2 parse to the expected statements", "[parser][spec]") {
    SECTION("add one fact with a context") {
        Statement expected;
        expected.kind = StatementKind::ADD;
        expected.tuples = {tuple(name("Khaji"), path("met"), name("Syrian delegation"), name("Astana"))};
        CHECK(parse_one("add (Khaji, met, Syrian delegation, Astana);") == expected);
    }
    SECTION("add several facts across lines") {
        Statement expected;
        expected.kind = StatementKind::ADD;
        expected.tuples = {tuple(name("Astana talks"), path("round"), integer(22)),
                           tuple(name("Astana talks"), path("launched"), integer(2017)),
                           tuple(name("Aref"), path("invited"), name("Mohammed bin Salman"),
                                 name("Riyadh"))};
        CHECK(parse_one("add (Astana talks, round, 22), (Astana talks, launched, 2017),\n"
                        "    (Aref, invited, Mohammed bin Salman, Riyadh);") == expected);
    }
    SECTION("a match with a bound context") {
        CHECK(parse_one("match (?who, met, ?whom, Astana);") ==
              match_statement(query({pattern(tuple(var("who"), path("met"), var("whom"), name("Astana")))})));
    }
    SECTION("a match with where, return, order by, limit and offset") {
        Query q = query({pattern(tuple(var("who"), path("met"), var("whom"), var("where"))),
                         pattern(tuple(var("whom"), path("part_of"), name("Syria"))),
                         pattern(tuple(var("talks"), path("held_in"), var("where"))),
                         pattern(tuple(var("talks"), path("date"), var("date")))});
        q.where = ex(ExprOp::AND,
                     {ex(ExprOp::NE, {ex(var("where")), ex(name("Riyadh"))}),
                      ex(ExprOp::GE, {call("year", {ex(var("date"))}), ex(integer(2024))})});
        q.returns = {ReturnItem{}, ReturnItem{}};
        q.returns[0].expr = ex(var("who"));
        q.returns[1].expr = ex(var("where"));
        q.order = {OrderKey{}};
        q.order[0].expr = ex(var("who"));
        q.order[0].descending = true;
        q.limit = 10;
        q.offset = 5;
        CHECK(parse_one("match (?who, met, ?whom, ?where), (?whom, part_of, Syria),\n"
                        "      (?talks, held_in, ?where), (?talks, date, ?date)\n"
                        "  where ?where != Riyadh and year(?date) >= 2024\n"
                        "  return ?who, ?where\n"
                        "  order by ?who desc\n"
                        "  limit 10 offset 5;") == match_statement(q));
    }
    SECTION("an aggregate with an alias, ordered by the alias") {
        Query q = query({pattern(tuple(var("a"), path("met"), var("b")))});
        q.returns = {ReturnItem{}, ReturnItem{}};
        q.returns[0].expr = ex(var("a"));
        q.returns[1].expr = aggregate("count", ex(var("b")));
        q.returns[1].alias = "meetings";
        q.order = {OrderKey{}};
        q.order[0].expr = ex(name("meetings"));
        q.order[0].descending = true;
        CHECK(parse_one("match (?a, met, ?b) return ?a, count(?b) as meetings order by meetings desc;") ==
              match_statement(q));
    }
    SECTION("a transitive path, with a comment after it") {
        CHECK(parse_one("match (?city, located_in+, ?region);             # transitive path") ==
              match_statement(query({pattern(tuple(
                  var("city"), path_op(PathOp::ONE_OR_MORE, {path("located_in")}), var("region")))})));
    }
    SECTION("an alternative path and a negated block") {
        CHECK(parse_one("match (?x, met|invited, ?y), not (?y, part_of, Iran);") ==
              match_statement(query(
                  {pattern(tuple(var("x"), path_op(PathOp::ALTERNATIVE, {path("met"), path("invited")}),
                                 var("y"))),
                   pattern_op(PatternKind::NOT, {pattern(tuple(var("y"), path("part_of"), name("Iran")))})})));
    }
    SECTION("an optional block") {
        CHECK(parse_one("match (?x, role, ?r), optional (?x, born_in, ?place);") ==
              match_statement(query(
                  {pattern(tuple(var("x"), path("role"), var("r"))),
                   pattern_op(PatternKind::OPTIONAL,
                              {pattern(tuple(var("x"), path("born_in"), var("place")))})})));
    }
    SECTION("a union of groups") {
        CHECK(parse_one("match { (?x, met, ?y) } or { (?x, invited, ?y) };") ==
              match_statement(query({pattern_op(
                  PatternKind::UNION,
                  {pattern_op(PatternKind::GROUP, {pattern(tuple(var("x"), path("met"), var("y")))}),
                   pattern_op(PatternKind::GROUP,
                              {pattern(tuple(var("x"), path("invited"), var("y")))})})})));
    }
    SECTION("remove one fact, and every fact matching a pattern") {
        Statement one;
        one.kind = StatementKind::REMOVE;
        one.tuples = {tuple(name("Khaji"), path("met"), name("Syrian delegation"), name("Astana"))};
        CHECK(parse_one("remove (Khaji, met, Syrian delegation, Astana);  # one fact") == one);
        Statement all;
        all.kind = StatementKind::REMOVE;
        all.tuples = {tuple(var("x"), path("met"), var("y"), name("Astana"))};
        CHECK(parse_one("remove (?x, met, ?y, Astana);") == all);
    }
    SECTION("remove and add instantiated per solution of a match") {
        Statement removal;
        removal.kind = StatementKind::REMOVE;
        removal.tuples = {tuple(var("b"), path("met"), var("a"))};
        removal.query = query({pattern(tuple(var("a"), path("met"), var("b")))});
        removal.query->where = ex(ExprOp::EQ, {ex(var("a")), ex(name("Khaji"))});
        CHECK(parse_one("remove (?b, met, ?a) match (?a, met, ?b) where ?a = Khaji;") == removal);
        Statement addition;
        addition.kind = StatementKind::ADD;
        addition.tuples = {tuple(var("b"), path("met"), var("a"))};
        addition.query = query({pattern(tuple(var("a"), path("met"), var("b")))});
        CHECK(parse_one("add (?b, met, ?a) match (?a, met, ?b);") == addition);
    }
    SECTION("prefix, load and export") {
        Statement prefix;
        prefix.kind = StatementKind::PREFIX;
        prefix.prefix = "ex";
        prefix.iri.text = "http://example.org/e/";
        CHECK(parse_one("prefix ex: <http://example.org/e/>;") == prefix);

        const ParsedStatements loads =
            parse("load \"news.nq\";  load \"people.tsv\" into Wikipedia;  load \"more.qry\";");
        REQUIRE(loads.ok());
        REQUIRE(loads.statements().size() == 3);
        Statement load;
        load.kind = StatementKind::LOAD;
        load.file = "news.nq";
        CHECK(*loads.statements()[0].statement == load);
        load.file = "people.tsv";
        load.context = name("Wikipedia");
        CHECK(*loads.statements()[1].statement == load);
        load.file = "more.qry";
        load.context.reset();
        CHECK(*loads.statements()[2].statement == load);

        Statement exported;
        exported.kind = StatementKind::EXPORT;
        exported.file = "astana.csv";
        exported.context = name("Astana");
        CHECK(parse_one("export \"astana.csv\" from Astana") == exported);
        exported.format = "tsv";
        exported.context = default_context();
        CHECK(parse_one("EXPORT \"astana.csv\" AS TSV FROM default") == exported);
        Statement with_format;
        with_format.kind = StatementKind::LOAD;
        with_format.file = "people.txt";
        with_format.format = "tsv";
        with_format.context = prefixed("ex", "wiki");
        CHECK(parse_one("load \"people.txt\" as tsv into ex:wiki") == with_format);
    }
    SECTION("transactions and explain") {
        const ParsedStatements parsed = parse("begin;  commit;   rollback;");
        REQUIRE(parsed.statements().size() == 3);
        CHECK(parsed.statements()[0].statement->kind == StatementKind::BEGIN);
        CHECK(parsed.statements()[1].statement->kind == StatementKind::COMMIT);
        CHECK(parsed.statements()[2].statement->kind == StatementKind::ROLLBACK);
        Statement explained = match_statement(query({pattern(tuple(var("a"), path("met"), var("b")))}));
        explained.explain = true;
        CHECK(parse_one("explain match (?a, met, ?b)") == explained);
        explained.analyze = true;
        CHECK(parse_one("explain analyze match (?a, met, ?b)") == explained);
    }
}

TEST_CASE("statements carry their source position", "[parser][positions]") {
    const ParsedStatements parsed = parse("add (a, b, c);\n\n  match (?x, b, ?y)\n  return ?x;");
    REQUIRE(parsed.statements().size() == 2);
    CHECK(parsed.statements()[0].position == SourcePosition{1, 1});
    CHECK(parsed.statements()[1].position == SourcePosition{3, 3});
    CHECK(parsed.statements()[1].text == "match (?x, b, ?y)\n  return ?x");
    const Statement& match = *parsed.statements()[1].statement;
    CHECK(parsed.position_of(match) == SourcePosition{3, 3});
    CHECK(parsed.position_of(match.query->patterns[0].tuple.object) == SourcePosition{3, 17});
    CHECK(parsed.position_of(match.query->returns[0]) == SourcePosition{4, 10});
    CHECK(parsed.error_at(match.query->returns[0].expr.term, "unknown variable").what() ==
          std::string("line 4, column 10: unknown variable"));
    CHECK_FALSE(parsed.position_of(Term{}));
}

TEST_CASE("the last statement may omit its semicolon; empty statements are skipped",
          "[parser][script]") {
    CHECK(parse("add (a, b, c)").statements().size() == 1);
    CHECK(parse(";;add (a, b, c);;  ; # nothing\n").statements().size() == 1);
    CHECK(parse("").statements().empty());
    CHECK(parse("  # only a comment").statements().empty());
    const ParsedStatements split = parse("add (a, b, \"x;y\"); add (<http://e/a;b>, p, `q;r`)");
    REQUIRE(split.ok());
    REQUIRE(split.statements().size() == 2);
    CHECK(split.statements()[0].statement->tuples[0].object == string("x;y"));
    CHECK(split.statements()[1].statement->tuples[0].subject == iri("http://e/a;b"));
}

TEST_CASE("an error in one statement leaves the others parsed", "[parser][script]") {
    const ParsedStatements parsed = parse("add (a, b, c); add (a, b; add (d, e, f)");
    REQUIRE(parsed.statements().size() == 3);
    CHECK(parsed.statements()[0].statement);
    CHECK(parsed.statements()[1].error);
    CHECK(parsed.statements()[2].statement);
    CHECK_FALSE(parsed.ok());
    REQUIRE(parsed.first_error());
    CHECK(parsed.first_error()->column() == 25);
}

TEST_CASE("paths bind postfix, then inverse, then sequence, then alternative",
          "[parser][precedence]") {
    const Path p = path("p"), q = path("q"), r = path("r");
    auto op = [](PathOp o, std::vector<Path> children) { return path_op(o, std::move(children)); };
    CHECK(parse_path("p/q|r") == op(PathOp::ALTERNATIVE, {op(PathOp::SEQUENCE, {p, q}), r}));
    CHECK(parse_path("p|q/r") == op(PathOp::ALTERNATIVE, {p, op(PathOp::SEQUENCE, {q, r})}));
    CHECK(parse_path("p/(q|r)") == op(PathOp::SEQUENCE, {p, op(PathOp::ALTERNATIVE, {q, r})}));
    CHECK(parse_path("p/q/r") == op(PathOp::SEQUENCE, {p, q, r}));
    CHECK(parse_path("p|q|r") == op(PathOp::ALTERNATIVE, {p, q, r}));
    CHECK(parse_path("(p|q)|r") ==
          op(PathOp::ALTERNATIVE, {op(PathOp::ALTERNATIVE, {p, q}), r}));
    CHECK(parse_path("^p+") == op(PathOp::INVERSE, {op(PathOp::ONE_OR_MORE, {p})}));
    CHECK(parse_path("(^p)+") == op(PathOp::ONE_OR_MORE, {op(PathOp::INVERSE, {p})}));
    CHECK(parse_path("^p/q") == op(PathOp::SEQUENCE, {op(PathOp::INVERSE, {p}), q}));
    CHECK(parse_path("p*?") == op(PathOp::ZERO_OR_ONE, {op(PathOp::ZERO_OR_MORE, {p})}));
    CHECK(parse_path("p?") == op(PathOp::ZERO_OR_ONE, {p}));
    CHECK(parse_path("located in+ / part of") ==
          op(PathOp::SEQUENCE, {op(PathOp::ONE_OR_MORE, {path("located in")}), path("part of")}));
    CHECK(parse_path("ex:p|<http://e/q>") ==
          op(PathOp::ALTERNATIVE, {path(prefixed("ex", "p")), path(iri("http://e/q"))}));
    CHECK(parse_path("?p") == path(var("p")));
    CHECK(parse_path("?") == path(wildcard()));
}

TEST_CASE("conditions bind not, then comparison, then and, then or", "[parser][precedence]") {
    const Expr a = ex(var("a")), b = ex(var("b")), c = ex(var("c"));
    const Expr one = ex(integer(1)), two = ex(integer(2)), three = ex(integer(3));
    auto parameter = [](const char* name) {
        Term term;
        term.kind = TermKind::PARAMETER;
        term.text = name;
        return ex(term);
    };
    const Expr pa = parameter("a"), pb = parameter("b"), pc = parameter("c");
    // A condition must be true or false: a variable alone is refused, a parameter (a value
    // given at run time) is not.
    CHECK(parse_condition("$a or $b and $c") == ex(ExprOp::OR, {pa, ex(ExprOp::AND, {pb, pc})}));
    CHECK(parse_condition("$a and $b or $c") == ex(ExprOp::OR, {ex(ExprOp::AND, {pa, pb}), pc}));
    CHECK(parse_condition("$a or $b or $c") == ex(ExprOp::OR, {ex(ExprOp::OR, {pa, pb}), pc}));
    CHECK(parse_condition("?a = 1 and ?b < 2") ==
          ex(ExprOp::AND, {ex(ExprOp::EQ, {a, one}), ex(ExprOp::LT, {b, two})}));
    CHECK(parse_condition("not $a and $b") == ex(ExprOp::AND, {ex(ExprOp::NOT, {pa}), pb}));
    CHECK(parse_condition("not ?a = ?b") == ex(ExprOp::EQ, {ex(ExprOp::NOT, {a}), b}));
    CHECK(parse_condition("not (?a = ?b)") == ex(ExprOp::NOT, {ex(ExprOp::EQ, {a, b})}));
    CHECK(parse_condition("not not $a") == ex(ExprOp::NOT, {ex(ExprOp::NOT, {pa})}));
    CHECK(parse_condition("?a + 1 * 2 = 3") ==
          ex(ExprOp::EQ, {ex(ExprOp::ADD, {a, ex(ExprOp::MULTIPLY, {one, two})}), three}));
    CHECK(parse_condition("?a - 1 - 2 = ?b / 2 / 3") ==
          ex(ExprOp::EQ, {ex(ExprOp::SUBTRACT, {ex(ExprOp::SUBTRACT, {a, one}), two}),
                          ex(ExprOp::DIVIDE, {ex(ExprOp::DIVIDE, {b, two}), three})}));
    CHECK(parse_condition("(?a + 1) * 2 >= 3") ==
          ex(ExprOp::GE, {ex(ExprOp::MULTIPLY, {ex(ExprOp::ADD, {a, one}), two}), three}));
    CHECK(parse_condition("?a = -3") == ex(ExprOp::EQ, {a, ex(integer(-3))}));
    CHECK(parse_condition("?a - -3 > 0") ==
          ex(ExprOp::GT, {ex(ExprOp::SUBTRACT, {a, ex(integer(-3))}), ex(integer(0))}));
    CHECK(parse_condition("-?a < 1") == ex(ExprOp::LT, {ex(ExprOp::NEGATE, {a}), one}));
    CHECK(parse_condition("?a in [1, 2, 3] or ?b not in []") ==
          ex(ExprOp::OR, {ex(ExprOp::IN, {a, one, two, three}), ex(ExprOp::NOT_IN, {b})}));
    CHECK(parse_condition("contains(lower(?a), \"khaji\") and bound(?b)") ==
          ex(ExprOp::AND, {call("contains", {call("lower", {a}), ex(string("khaji"))}),
                           call("bound", {b})}));
    CHECK(parse_condition("year(?a) >= 2024 and ?a < 2024-11-12") ==
          ex(ExprOp::AND, {ex(ExprOp::GE, {call("year", {a}), ex(integer(2024))}),
                           ex(ExprOp::LT, {a, ex(date(2024, 11, 12))})}));
}

TEST_CASE("keywords are case-insensitive and names are not", "[parser][keywords]") {
    const Statement lower = parse_one("match (?a, met, Khaji) where ?a != Iran return distinct ?a order by ?a asc limit 1");
    const Statement upper = parse_one("MATCH (?a, met, Khaji) WHERE ?a != Iran RETURN DISTINCT ?a ORDER BY ?a ASC LIMIT 1");
    const Statement mixed = parse_one("Match (?a, met, Khaji) wHeRe ?a != Iran Return Distinct ?a Order By ?a Asc Limit 1");
    CHECK(lower == upper);
    CHECK(lower == mixed);
    CHECK(parse_one("add (Khaji, met, x)").tuples[0].subject != parse_one("add (khaji, met, x)").tuples[0].subject);
    CHECK(parse_object("TRUE").kind == TermKind::BOOLEAN);
    CHECK(parse_one("ADD (a, b, c, DEFAULT)").tuples[0].context == default_context());
    const Statement counted = parse_one("match (?a, b, ?c) return COUNT(DISTINCT ?a)");
    CHECK(counted.query->returns[0].expr == aggregate("count", ex(var("a")), true));
}

TEST_CASE("names that look like keywords are names inside tuples", "[parser][keywords]") {
    CHECK(parse_one("add (Organization of Islamic Cooperation, and, Arab League)").tuples[0] ==
          tuple(name("Organization of Islamic Cooperation"), path("and"), name("Arab League")));
    CHECK(parse_one("add (match, where, return, order)").tuples[0] ==
          tuple(name("match"), path("where"), name("return"), name("order")));
    CHECK(parse_one("match (?x, not, optional or not)").query->patterns[0].tuple ==
          tuple(var("x"), path("not"), name("optional or not")));
    CHECK(parse_one("add (default, p, default)").tuples[0] ==
          tuple(name("default"), path("p"), name("default")));
    // In a condition a keyword ends a name.
    CHECK(parse_condition("?x = Mohammed bin Salman and ?y = Khaji") ==
          ex(ExprOp::AND, {ex(ExprOp::EQ, {ex(var("x")), ex(name("Mohammed bin Salman"))}),
                           ex(ExprOp::EQ, {ex(var("y")), ex(name("Khaji"))})}));
}

TEST_CASE("terms are read as SPEC §1 says", "[parser][terms]") {
    SECTION("bare names fold whitespace and may hold non-ASCII letters and punctuation") {
        CHECK(parse_object("Syrian   \t delegation") == name("Syrian delegation"));
        CHECK(parse_object("Türkiye") == name("Türkiye"));
        CHECK(parse_object("Al-Akhbar") == name("Al-Akhbar"));
        CHECK(parse_object("O'Brien & Sons") == name("O'Brien & Sons"));
        CHECK(parse_object("U.S.") == name("U.S."));
        CHECK(parse_object("Resolution 2254: text") == name("Resolution 2254: text"));
        CHECK(parse_object("北京") == name("北京"));
    }
    SECTION("a literal not followed by a delimiter is part of a name") {
        CHECK(parse_object("22") == integer(22));
        CHECK(parse_object("22nd meeting") == name("22nd meeting"));
        CHECK(parse_object("2024 summit") == name("2024 summit"));
        CHECK(parse_object("true story") == name("true story"));
        CHECK(parse_object("2024-11-12 memo") == name("2024-11-12 memo"));
        CHECK(parse_object("2024-13-45 memo") == name("2024-13-45 memo"));
        CHECK(parse_object("ex:Khaji al") == name("ex:Khaji al"));
        CHECK(parse_object("_x") == name("_x"));
    }
    SECTION("quoted names hold any character") {
        CHECK(parse_object("`Organization, the`") == name("Organization, the"));
        CHECK(parse_object("`a \\` b \\\\ c`") == name("a ` b \\ c"));
        CHECK(parse_object("`22`") == name("22"));
    }
    SECTION("IRIs, full and prefixed") {
        CHECK(parse_object("<http://example.org/e/Khaji>") == iri("http://example.org/e/Khaji"));
        CHECK(parse_object("<http://e/\\u00E9\\U0001F600>") == iri("http://e/é😀"));
        CHECK(parse_object("ex:Khaji") == prefixed("ex", "Khaji"));
        CHECK(parse_object(":Khaji") == prefixed("", "Khaji"));
        CHECK(parse_object("ex:") == prefixed("ex", ""));
    }
    SECTION("strings with escapes, language tags and datatypes") {
        CHECK(parse_object("\"IRNA reported\"") == string("IRNA reported"));
        CHECK(parse_object("\"Astana\"@en") == string("Astana", "en"));
        CHECK(parse_object("\"x\"@en-GB") == string("x", "en-GB"));
        CHECK(parse_object(R"("a\tb\nc\"d\\e\u00e9\U0001F600")") ==
              string("a\tb\nc\"d\\e\xC3\xA9\xF0\x9F\x98\x80"));
        Term typed;
        typed.kind = TermKind::TYPED;
        typed.text = "abc";
        typed.iri.text = "http://example.org/dt";
        CHECK(parse_object("\"abc\"^^<http://example.org/dt>") == typed);
        typed.iri = IriRef{"xsd", "integer", true};
        typed.text = "01";
        CHECK(parse_object("\"01\"^^xsd:integer") == typed);
    }
    SECTION("numbers: integers to the 64-bit limits, decimals") {
        CHECK(parse_object("-3") == integer(-3));
        CHECK(parse_object("+7") == integer(7));
        CHECK(parse_object("9223372036854775807") == integer(std::numeric_limits<std::int64_t>::max()));
        CHECK(parse_object("-9223372036854775808") == integer(std::numeric_limits<std::int64_t>::min()));
        CHECK(parse_object("1.5") == decimal(1.5));
        CHECK(parse_object("6e3") == decimal(6000.0));
        CHECK(parse_object("-2.5E-3") == decimal(-0.0025));
        CHECK(parse_object("-0.0") == decimal(0.0));
    }
    SECTION("booleans, dates and datetimes") {
        Term yes;
        yes.kind = TermKind::BOOLEAN;
        yes.boolean = true;
        CHECK(parse_object("true") == yes);
        CHECK(parse_object("2024-11-12") == date(2024, 11, 12));
        CHECK(parse_object("2024-02-29") == date(2024, 2, 29));
        Term when;
        when.kind = TermKind::DATETIME;
        when.when = DateTime{2024, 11, 12, 8, 30, 0, 0, 0};
        CHECK(parse_object("2024-11-12T08:30:00Z") == when);
        when.when = DateTime{2024, 11, 12, 8, 30, 5, 250, -(3 * 60 + 30)};
        CHECK(parse_object("2024-11-12T08:30:05.25-03:30") == when);
        when.when = DateTime{2024, 11, 12, 23, 59, 59, 1, std::nullopt};
        CHECK(parse_object("2024-11-12T23:59:59.001") == when);
    }
    SECTION("variables and wildcards") {
        CHECK(parse_one("match (?who, _, ?)").query->patterns[0].tuple ==
              tuple(var("who"), path(wildcard()), wildcard()));
        CHECK(parse_one("match (?Türkiye_2, p, ?x)").query->patterns[0].tuple.subject ==
              var("Türkiye_2"));
    }
}

TEST_CASE("nesting up to the limit parses", "[parser][limits]") {
    std::string deep = "match (?a, p, ?b) where ";
    for (std::size_t i = 0; i < MAX_NESTING - 1; ++i)
        deep += "(";
    deep += "true";
    for (std::size_t i = 0; i < MAX_NESTING - 1; ++i)
        deep += ")";
    Term yes;
    yes.kind = TermKind::BOOLEAN;
    yes.boolean = true;
    CHECK(parse_one(deep).query->where == ex(yes));
    std::string blocks = "match ";
    for (std::size_t i = 0; i < MAX_NESTING - 1; ++i)
        blocks += "{ ";
    blocks += "(?a, p, ?b)";
    for (std::size_t i = 0; i < MAX_NESTING - 1; ++i)
        blocks += " }";
    CHECK(parse(blocks).ok());
    // Operators chain up to MAX_CHAIN without brackets.
    std::string nots = "match (?a, p, ?b) where ";
    for (std::size_t i = 0; i < MAX_CHAIN; ++i)
        nots += "not ";
    CHECK(parse(nots + "true").ok());
    std::string alternatives = "match (?a, p, ?b) where ?a = 0";
    for (std::size_t i = 1; i < MAX_CHAIN; ++i)
        alternatives += " or ?a = " + std::to_string(i);
    CHECK(parse(alternatives).ok());
}

TEST_CASE("input nested beyond the limits is an error, not a crash", "[parser][limits]") {
    auto message = [](const std::string& text) {
        const ParsedStatements parsed = parse(text);
        REQUIRE(parsed.first_error());
        return std::string(parsed.first_error()->message());
    };
    const std::string where = "match (?a, p, ?b) where ";
    std::string nots;
    for (int i = 0; i < 100000; ++i)
        nots += "not ";
    CHECK(message(where + nots + "?a") == "more than 200 operators in a row");
    std::string sums = "?a";
    for (int i = 0; i < 100000; ++i)
        sums += " + 1";
    CHECK(message(where + sums + " = 1") == "more than 200 operators in a row");
    std::string inverses(100000, '^');
    CHECK(message("match (?a, " + inverses + "p, ?b)") == "more than 200 operators in a row");
    CHECK(message("match (?a, p" + std::string(100000, '+') + ", ?b)") ==
          "more than 200 operators in a row");
    std::string parens(100000, '(');
    CHECK(message(where + parens) == "nested more than 64 levels deep");
    // Chains inside nested brackets: each within limits, together too deep.
    std::string chain;
    for (int i = 0; i < 150; ++i)
        chain += "not ";
    std::string nested = "?a";
    for (int i = 0; i < 60; ++i)
        nested = chain + "(" + nested + ")";
    CHECK(message(where + "1 = " + nested) == "statement nested more than 512 levels deep");
}

TEST_CASE("a statement longer than the limit is an error", "[parser][limits]") {
    const std::string big(MAX_STATEMENT_BYTES, 'x');
    const ParsedStatements parsed = parse("add (a, b, \"" + big + "\"); add (c, d, e)");
    REQUIRE(parsed.statements().size() == 2);
    REQUIRE(parsed.statements()[0].error);
    CHECK(parsed.statements()[0].error->message() == "statement longer than 64 MiB");
    CHECK(parsed.statements()[0].error->column() == 1);
    CHECK(parsed.statements()[1].statement);
}

TEST_CASE("a 1 MB string literal parses", "[parser][limits]") {
    std::string big(1 << 20, 'x');
    CHECK(parse_object("\"" + big + "\"") == string(big));
}

TEST_CASE("exists takes a tuple or a block, and not exists is its negation", "[parser][precedence]") {
    const Expr a = ex(var("a"));
    Expr exists_tuple;
    exists_tuple.op = ExprOp::EXISTS;
    exists_tuple.block = {pattern(tuple(var("a"), path("met"), var("b")))};
    CHECK(parse_condition("exists (?a, met, ?b)") == exists_tuple);
    // Not a call of a function `exists` with three arguments.
    CHECK(parse_condition("EXISTS (?a, met, ?b) and ?a = 1") ==
          ex(ExprOp::AND, {exists_tuple, ex(ExprOp::EQ, {a, ex(integer(1))})}));
    CHECK(parse_condition("not exists (?a, met, ?b)") == ex(ExprOp::NOT, {exists_tuple}));
    Expr exists_group;
    exists_group.op = ExprOp::EXISTS;
    Pattern group = pattern_op(PatternKind::GROUP, {pattern(tuple(var("a"), path("met"), var("b")))});
    group.where = ex(ExprOp::NE, {ex(var("b")), ex(name("Iran"))});
    exists_group.block = {group};
    CHECK(parse_condition("exists { (?a, met, ?b) where ?b != Iran } or ?a = 1") ==
          ex(ExprOp::OR, {exists_group, ex(ExprOp::EQ, {a, ex(integer(1))})}));
}

TEST_CASE("the rule statements of SPEC §10 parse and print back", "[parser][spec][rules]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"rule located_in_transitive: (?a, located_in, ?c) if (?a, located_in, ?b), (?b, located_in, ?c);",
         "rule located_in_transitive: (?a, located_in, ?c) if (?a, located_in, ?b), (?b, located_in, ?c)"},
        {"RULE met_symmetric : (?b, met, ?a, ?ctx)\n  IF (?a, met, ?b, ?ctx);",
         "rule met_symmetric: (?b, met, ?a, ?ctx) if (?a, met, ?b, ?ctx)"},
        {"rule ally: (?x, allied_with, ?y) if (?x, guarantor, ?t), (?y, guarantor, ?t) where ?x != ?y;",
         "rule ally: (?x, allied_with, ?y) if (?x, guarantor, ?t), (?y, guarantor, ?t) where ?x != ?y"},
        {"rule two: (?x, a, 1), (?x, b, ?y, c) if (?x, p+, ?y), not (?y, q, _);",
         "rule two: (?x, a, 1), (?x, b, ?y, c) if (?x, p+, ?y), not (?y, q, _)"},
        {"drop rule ally;", "drop rule ally"},
        {"why (Astana, located_in, Asia);", "why (Astana, located_in, Asia)"},
        {"why (Khaji, met, Syrian delegation, Astana);", "why (Khaji, met, Syrian delegation, Astana)"},
        {"match (?x, located_in, Asia) asserted;", "match (?x, located_in, Asia) asserted"},
        {"match (?x, located_in, ?y) asserted where ?y != Asia return ?x;",
         "match (?x, located_in, ?y) asserted where ?y != Asia return ?x"},
    };
    for (const auto& [text, printed] : cases) {
        INFO(text);
        const Statement statement = parse_one(text);
        CHECK(print(statement) == printed);
        CHECK(parse_one(printed) == statement);
    }
    CHECK(parse_one("rule r: (?x, p, ?y) if (?x, q, ?y);").name == "r");
    CHECK(parse_one("match (?x, p, ?y) asserted;").query->asserted);
    CHECK_FALSE(parse_one("match (?x, p, ?y);").query->asserted);
    // Rule, why and asserted are keywords only where statements start or after a match's
    // patterns: inside tuples they are names.
    CHECK(parse_one("add (rule, why, asserted);").tuples[0].subject.text == "rule");
}
