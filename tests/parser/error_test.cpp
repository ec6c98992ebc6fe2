// Every user-visible parse error (STYLE.md §8): the input, and the line, column and message
// a user should see. Positions are 1-based and count UTF-8 characters; the column is where
// the offending token starts, or the end of the statement when something is missing there.

#include "parser/lexer.hpp"
#include "parser/parse.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace {

using quarry::parser::parse;
using quarry::parser::ParsedStatement;

// Messages that several cases share.
const std::string EXPECTED_STATEMENT = "expected a statement (add, remove, match, prefix, load, "
                                       "export, begin, commit, rollback, rule, drop rule, why or explain)";
const std::string EXPECTED_TUPLE = "expected a tuple such as (Khaji, met, Syrian delegation)";
const std::string EXPECTED_CONTEXT = "expected a context (a name, IRI, variable or default)";
const std::string UNKNOWN_ESCAPE =
    "unknown escape in a string (use \\t \\b \\n \\r \\f \\\" \\' \\\\ \\uXXXX or \\UXXXXXXXX)";
const std::string NOT_A_TIME_OF_DAY =
    "not a valid time of day (hours 00–23, minutes and seconds 00–59)";
const std::string DATETIME_SHAPE =
    "a datetime is written YYYY-MM-DDThh:mm:ss, with optional .fff and Z or ±hh:mm";
const std::string INTEGER_RANGE = "integer out of range (a 64-bit signed integer)";

std::string aggregate_misplaced(const std::string& function) {
    return function + "() is an aggregate: it belongs in return or order by, not in where or "
                      "inside another aggregate";
}

struct ErrorCase {
    std::string input;
    std::size_t line;
    std::size_t column;
    std::string message;
    std::size_t statement = 0; // the statement of `input` that fails; the others must parse
};

// The input with line breaks and tabs made visible, for INFO.
std::string visible(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else
            out += c;
    }
    return out;
}

// "parsed", or the error, so that a statement failing unexpectedly shows why.
std::string outcome(const ParsedStatement& statement) {
    return statement.error ? statement.error->what() : "parsed";
}

void check_errors(const std::vector<ErrorCase>& cases) {
    for (const ErrorCase& expected : cases) {
        INFO("input: " << visible(expected.input));
        const auto parsed = parse(expected.input);
        const auto& statements = parsed.statements();
        CHECK(expected.statement < statements.size());
        for (std::size_t statement_idx = 0; statement_idx < statements.size(); ++statement_idx) {
            INFO("statement " << statement_idx);
            const ParsedStatement& statement = statements[statement_idx];
            if (statement_idx != expected.statement) {
                CHECK(outcome(statement) == "parsed");
                continue;
            }
            if (!statement.error) {
                FAIL_CHECK("the statement parsed");
                continue;
            }
            CHECK(statement.error->message() == expected.message);
            CHECK(statement.error->line() == expected.line);
            CHECK(statement.error->column() == expected.column);
            CHECK(std::string(statement.error->what()) ==
                  "line " + std::to_string(expected.line) + ", column " +
                      std::to_string(expected.column) + ": " + expected.message);
            CHECK_FALSE(statement.statement);
        }
    }
}

std::string repeated(const std::string& text, std::size_t times) {
    std::string out;
    for (std::size_t i = 0; i < times; ++i)
        out += text;
    return out;
}

} // namespace

TEST_CASE("Malformed statements of every kind report where and what was expected",
          "[parser][errors]") {
    check_errors({
        {"selekt ?x", 1, 1, EXPECTED_STATEMENT},
        {"# a comment\n  selekt ?x", 2, 3, EXPECTED_STATEMENT},
        {"add (a, b, c),", 1, 15, EXPECTED_TUPLE},
        {"add (a, b, c) match", 1, 20, "expected a pattern"},
        {"remove (a, b, c) match (?x, p, ?y) where", 1, 41, "expected a condition"},
        {"match", 1, 6, "expected a pattern"},
        {"MATCH (?x, met, ?y) WHERE", 1, 26, "expected a condition"},
        {"match (?x, met, ?y))", 1, 20, "expected ';'"},
        {"prefix ex <http://example.org/e/>", 1, 8, "expected a prefix name such as ex:"},
        {"prefix ex: \"http://example.org/e/\"", 1, 12, "expected an IRI (<…> or prefix:name)"},
        {"prefix ex: <http://example.org/e/", 1, 12, "unterminated IRI: expected '>'"},
        {"load news.nq", 1, 6, "expected a quoted file name"},
        {"load \"news.nq", 1, 6, "unterminated string: expected '\"'"},
        {"load \"news.nq\" into Wikipedia as nquads", 1, 31, "expected ';'"},
        {"export", 1, 7, "expected a quoted file name"},
        {"begin transaction", 1, 7, "expected ';'"},
        {"commit work", 1, 8, "expected ';'"},
        {"rollback now", 1, 10, "expected ';'"},
        {"explain", 1, 8, "expected match, add or remove"},
        {"explain analyze", 1, 16, "expected match, add or remove"},
        {"explain load \"news.nq\"", 1, 9, "expected match, add or remove"},
        {"explain match (?x, met", 1, 23, "expected ','"},
    });
}

TEST_CASE("Malformed tuples point at the missing or extra element", "[parser][errors]") {
    check_errors({
        {"add (Khaji, met Syrian delegation)", 1, 34, "expected ','"},
        {"add (Khaji, met, Syria", 1, 23, "expected ',' or ')'"},
        {"add (a, b)", 1, 10, "expected ','"},
        {"add (a, b, c, d, e)", 1, 16, "expected ')'"},
        {"add (, b, c)", 1, 6, "expected a subject"},
        {"add (a, b, )", 1, 12, "expected an object"},
        {"add (a, b, c, )", 1, 15, EXPECTED_CONTEXT},
        {"add ()", 1, 6, "expected a subject"},
        {"match (?x, met, ?y),", 1, 21, "expected a pattern"},
    });
}

TEST_CASE("Malformed property paths point at the missing predicate", "[parser][errors]") {
    check_errors({
        {"match (?x, met|, ?y)", 1, 16, "expected a predicate"},
        {"match (?x, met/, ?y)", 1, 16, "expected a predicate"},
        {"match (?x, (met|invited, ?y)", 1, 24, "expected ')'"},
        {"match (?x, (), ?y)", 1, 13, "expected a predicate"},
        {"match (?x, met+ invited, ?y)", 1, 17, "expected ','"},
    });
}

TEST_CASE("Malformed conditions point at the dangling operator or the unclosed group",
          "[parser][errors]") {
    check_errors({
        {"match (?x, p, ?y) where ?x =", 1, 29, "expected a value"},
        {"match (?x, p, ?y) where ?x == 1", 1, 29, "expected a value"},
        {"match (?x, p, ?y) where ?x = 1 and", 1, 35, "expected a condition"},
        {"match (?x, p, ?y) where ?x = 1 or", 1, 34, "expected a condition"},
        {"match (?x, p, ?y) where ?x +", 1, 29, "expected a value"},
        {"match (?x, p, ?y) where (?x = 1", 1, 32, "expected ')'"},
        {"match (?x, p, ?y) where ?x in [1, 2", 1, 36, "expected ',' or ']'"},
        {"match (?x, p, ?y) where ?x in [1,", 1, 34, "expected a condition"},
        {"match (?x, p, ?y) where ?x in", 1, 30, "expected a list such as [a, b]"},
        {"match (?x, p, ?y) where year(?y", 1, 32, "expected ',' or ')'"},
    });
}

TEST_CASE("Malformed return, order by, limit and offset clauses are reported", "[parser][errors]") {
    check_errors({
        {"match (?a, met, ?b) return ?a,", 1, 31, "expected a value to return"},
        {"match (?a, met, ?b) return ?a as", 1, 33, "expected an alias"},
        {"match (?a, met, ?b) return ?a as 1st", 1, 34, "expected an alias"},
        {"match (?a, met, ?b) return count(distinct)", 1, 42, "expected a condition"},
        {"match (?a, met, ?b) order ?a", 1, 27, "expected 'by'"},
        {"match (?a, met, ?b) order by ?a,", 1, 33, "expected a value to order by"},
        {"match (?a, met, ?b) limit", 1, 26, "expected a non-negative integer"},
        {"match (?a, met, ?b) limit 10 offset", 1, 36, "expected a non-negative integer"},
        {"match (?a, met, ?b) limit 10 20", 1, 30, "expected ';'"},
        {"match (?a, met, ?b) limit 5 order by ?a", 1, 29, "expected ';'"},
    });
}

TEST_CASE("Malformed blocks and optional, not and or report the missing part", "[parser][errors]") {
    check_errors({
        {"match { (?x, met, ?y)", 1, 22, "expected ',', 'where' or '}'"},
        {"match {}", 1, 8, "expected a pattern"},
        {"match { (?x, met, ?y) where}", 1, 28, "expected a condition"},
        {"match { (?x, met, ?y) } or", 1, 27, "expected a tuple or a { … } block"},
        {"match optional", 1, 15, "expected a tuple or a { … } block"},
        {"match (?x, met, ?y), not", 1, 25, "expected a tuple or a { … } block"},
    });
}

TEST_CASE("Lexical errors point at the start of the malformed token", "[parser][errors]") {
    check_errors({
        {"add (a, b, \"IRNA reported)", 1, 12, "unterminated string: expected '\"'"},
        {"add (a, b, <http://example.org/e/Khaji", 1, 12, "unterminated IRI: expected '>'"},
        {"add (<http://example.org/e/Khaji Ali>, b, c)", 1, 33,
         "character not allowed in an IRI: a space or control character"},
        {"add (<http://example.org/{x}>, b, c)", 1, 26, "character not allowed in an IRI: '{'"},
        {"add (`Organization, the, b, c)", 1, 6, "unterminated quoted name: expected '`'"},
        {"add (``, b, c)", 1, 6, "a name cannot be empty"},
        {"add (`a\\nb`, b, c)", 1, 8, "in a quoted name only \\` and \\\\ are escapes"},
        {"add (a, b, \"IRNA\\q\")", 1, 17, UNKNOWN_ESCAPE},
        {"add (a, b, \"x\\u12G4\")", 1, 14, "expected four hex digits after \\u"},
        {"add (a, b, \"x\\u12\")", 1, 14, "expected four hex digits after \\u"},
        {"add (a, b, \"x\\U0001F60\")", 1, 14, "expected eight hex digits after \\U"},
        {"add (a, b, \"x\\uD800\")", 1, 14, "escape names no Unicode character"},
        {"add (a, b, \"x\\U00110000\")", 1, 14, "escape names no Unicode character"},
        {"add (<http://example.org/\\n>, b, c)", 1, 26,
         "only \\u and \\U escapes are allowed in an IRI"},
        {"match ($, met, ?y)", 1, 8, "expected a parameter name after '$' (as in $name)"},
        {"match (?x, p, ?y) where ?y > $ 3", 1, 30, "expected a parameter name after '$' (as in $name)"},
        {"add (a, date, 2023-02-29)", 1, 15, "not a valid date"},
        {"add (a, date, 1900-02-29)", 1, 15, "not a valid date"},
        {"add (a, date, 2024-13-01)", 1, 15, "not a valid date"},
        {"add (a, date, 2024-04-31, Astana)", 1, 15, "not a valid date"},
        {"match (?x, date, ?d) where ?d > 2023-02-29", 1, 33, "not a valid date"},
        {"add (a, at, 2024-11-12T24:00:00Z)", 1, 13, NOT_A_TIME_OF_DAY},
        {"add (a, at, 2024-11-12T08:60:00Z)", 1, 13, NOT_A_TIME_OF_DAY},
        {"add (a, at, 2024-11-12T08:30Z)", 1, 13, DATETIME_SHAPE},
        {"add (a, at, 2024-11-12T8:30:00)", 1, 13, DATETIME_SHAPE},
        {"add (a, at, 2024-11-12T08:30:00+14:30)", 1, 13, "a UTC offset must lie within ±14:00"},
        {"add (a, at, 2024-11-12T08:30:00-15:00)", 1, 13, "a UTC offset must lie within ±14:00"},
        {"add (a, at, 2024-11-12T08:30:00+0130)", 1, 13, "a UTC offset is written ±hh:mm"},
        {"add (a, at, 2024-11-12T08:30:00.1234Z)", 1, 13,
         "a datetime has at most millisecond precision (three fraction digits)"},
        {"add (a, at, 2024-11-12T08:30:00.Z)", 1, 13, "expected digits after '.' in a datetime"},
        {"add (a, round, 9223372036854775808)", 1, 16, INTEGER_RANGE},
        {"add (a, round, -9223372036854775809)", 1, 16, INTEGER_RANGE},
        {"match (?x, p, ?n) where ?n > 99999999999999999999", 1, 30, INTEGER_RANGE},
        {"add (a, size, 1e999)", 1, 15, "decimal out of range"},
        {"add (a, size, -1.5e999)", 1, 15, "decimal out of range"},
        {"add (a, label, \"Astana\"@)", 1, 24, "expected a language tag after '@'"},
        {"add (a, label, \"Astana\"@ en)", 1, 24, "expected a language tag after '@'"},
        {"add (a, code, \"abc\"^^)", 1, 20, "expected a datatype IRI after '^^'"},
        {"add (a, code, \"abc\"^^\"x\")", 1, 20, "expected a datatype IRI after '^^'"},
    });
}

TEST_CASE("Invalid UTF-8 is reported at its first bad byte", "[parser][errors]") {
    check_errors({
        {"add (K\xff, met, b)", 1, 7, "invalid UTF-8"},
        {"add (a, b, \"caf\xe9\")", 1, 16, "invalid UTF-8"},
        {"add (a, b, c\xc3)", 1, 13, "invalid UTF-8"},
        {"add (a, b, \x80)", 1, 12, "invalid UTF-8"},
        {"add (a, b, \xc0\xaf)", 1, 12, "invalid UTF-8"},
        {"add (a, b, \xed\xa0\x80)", 1, 12, "invalid UTF-8"},
        {"add (Türkiye, b, \xf4\x90\x80\x80)", 1, 18, "invalid UTF-8"},
    });
}

TEST_CASE("Columns count UTF-8 characters, not bytes", "[parser][errors]") {
    check_errors({
        {"add (Türkiye, met Syria)", 1, 24, "expected ','"},
        {"add (Türkiye, met, \"x\\q\")", 1, 22, UNKNOWN_ESCAPE},
        {"add (北京, 会见, 2023-02-29)", 1, 14, "not a valid date"},
        {"add (Ankara, 🤝, Türkiye, )", 1, 26, EXPECTED_CONTEXT},
    });
}

TEST_CASE("Errors after the first line of a statement report their own line and column",
          "[parser][errors]") {
    check_errors({
        {"match (?who, met, ?whom, ?where),\n      (?whom, part_of Syria)", 2, 28, "expected ','"},
        {"match (?who, met, ?whom),\n      (?talks, date, ?date)\n  where ?date >= 2023-02-29", 3,
         18, "not a valid date"},
        {"match (?a, met, ?b)\n  where foo(?a)", 2, 9, "unknown function 'foo'"},
        {"add (a, b, c),\r\n    (d, e)", 2, 10, "expected ','"},
        {"add (a, b, c),\n    (d, e, f),\n    (g, h", 3, 10, "expected ','"},
    });
}

TEST_CASE("Semantic checks point at the offending node", "[parser][errors]") {
    check_errors({
        {"match (?x, p, ?y) where foo(?y)", 1, 25, "unknown function 'foo'"},
        {"match (?x, p, ?y) where Year(?y, 1) = 2024", 1, 25, "year() takes 1 argument"},
        {"match (?x, p, ?y) where contains(?y)", 1, 25, "contains() takes 2 arguments"},
        {"match (?x, p, ?y) where bound(1)", 1, 25, "bound() takes a variable"},
        {"match (?x, p, ?y) where count(?y) > 1", 1, 25, aggregate_misplaced("count")},
        {"match { (?x, p, ?y) where max(?y) > 1 }", 1, 27, aggregate_misplaced("max")},
        {"match (?x, p, ?y) return sum(count(?y))", 1, 30, aggregate_misplaced("count")},
        {"match (?x, p, ?y) return sum(*)", 1, 26, "sum(*) is not allowed: only count(*)"},
        {"match (?x, p, ?y) return count(?x, ?y)", 1, 26, "count() takes one argument"},
        {"match (?x, p, ?y) order by avg()", 1, 28, "avg() takes one argument"},
        {"add (?x, met, Khaji)", 1, 6, "?x in add needs a match to bind it"},
        {"add (Khaji, met, _)", 1, 18, "a wildcard cannot be added: write the value"},
        {"add (?b, met, ?z) match (?a, met, ?b)", 1, 15, "?z is not bound by the match"},
        {"remove (?z, met, ?a) match (?a, met, ?b)", 1, 9, "?z is not bound by the match"},
        {"add (a, met|invited, b)", 1, 9, "a property path cannot be added; use a plain predicate"},
        {"remove (a, met+, b)", 1, 12, "a property path cannot be removed; use a plain predicate"},
        {"match (?x, met/?p, ?y)", 1, 16, "a property path cannot contain a variable, wildcard or parameter"},
        {"match (?x, ^?p, ?y)", 1, 13, "a property path cannot contain a variable, wildcard or parameter"},
        {"match (?x, (met|_)+, ?y)", 1, 17,
         "a property path cannot contain a variable, wildcard or parameter"},
        {"match (?x, met/$p, ?y)", 1, 16, "a property path cannot contain a variable, wildcard or parameter"},
        {"add ($who, met, Khaji)", 1, 6, "$who: a parameter can stand only in a match statement"},
        {"add (?x, met, Khaji) match (?x, met, $who)", 1, 38,
         "$who: a parameter can stand only in a match statement"},
        {"remove (Khaji, met, b) match (?a, p, ?b) where ?b > $n", 1, 53,
         "$n: a parameter can stand only in a match statement"},
        {"load \"news.nq\" into $c", 1, 21, "$c: a parameter can stand only in a match statement"},
        {"export \"news.nq\" from $c", 1, 23, "$c: a parameter can stand only in a match statement"},
    });
}

TEST_CASE("An error in one statement of a script leaves the other statements parsed",
          "[parser][errors]") {
    check_errors({
        {"add (a, b, c);\nmatch (?x, ?y);", 2, 14, "expected ','", 1},
        {"add (a, b, c); add (a, b); match (?x, p, ?y)", 1, 25, "expected ','", 1},
        {"begin;\nadd (a, b, 2024-02-29);\nadd (Khaji, met, 2023-02-30);\ncommit;", 3, 18,
         "not a valid date", 2},
    });
}

TEST_CASE("Nesting 64 levels deep parses and 65 levels is an error at the 65th opener",
          "[parser][errors]") {
    SECTION("parentheses in a condition") {
        const std::string prefix = "match (?x, p, ?y) where ";
        auto nested = [&](std::size_t depth) {
            return prefix + repeated("(", depth) + "?x = 1" + repeated(")", depth);
        };
        CHECK(outcome(parse(nested(64)).statements().at(0)) == "parsed");
        const auto parsed = parse(nested(65));
        const auto& error = parsed.statements().at(0).error;
        REQUIRE(error);
        CHECK(error->message() == "nested more than 64 levels deep");
        CHECK(error->line() == 1);
        CHECK(error->column() == prefix.size() + 65);
    }
    SECTION("braces of blocks, with the tuple's parenthesis as the innermost level") {
        auto nested = [](std::size_t depth) {
            return "match " + repeated("{ ", depth - 1) + "(?x, p, ?y)" + repeated(" }", depth - 1);
        };
        CHECK(outcome(parse(nested(64)).statements().at(0)) == "parsed");
        const auto parsed = parse(nested(65));
        const auto& error = parsed.statements().at(0).error;
        REQUIRE(error);
        CHECK(error->message() == "nested more than 64 levels deep");
        CHECK(error->column() == std::string("match ").size() + 2 * 64 + 1);
    }
    SECTION("parentheses of a property path inside a tuple") {
        // The tuple's own parenthesis is the first level.
        auto nested = [](std::size_t depth) {
            return "match (?x, " + repeated("(", depth - 1) + "met" + repeated(")", depth - 1) +
                   ", ?y)";
        };
        CHECK(outcome(parse(nested(64)).statements().at(0)) == "parsed");
        const auto parsed = parse(nested(65));
        const auto& error = parsed.statements().at(0).error;
        REQUIRE(error);
        CHECK(error->message() == "nested more than 64 levels deep");
        CHECK(error->column() == std::string("match (?x, ").size() + 64);
    }
    SECTION("brackets inside strings, quoted names and comments do not count") {
        const std::string deep = repeated("([{", 100);
        const auto parsed = parse("add (a, \"" + deep + "\", `" + deep + "`) # " + deep + "\n;");
        CHECK(outcome(parsed.statements().at(0)) == "parsed");
    }
    SECTION("the next statement starts again at depth 0") {
        const auto parsed =
            parse("match (?x, p, ?y) where " + repeated("(", 65) + "true" + repeated(")", 65) +
                  ";\nmatch (?x, p, ?y) where " + repeated("(", 64) + "true" + repeated(")", 64));
        REQUIRE(parsed.statements().size() == 2);
        CHECK(parsed.statements()[0].error);
        CHECK(outcome(parsed.statements()[1]) == "parsed");
    }
}

TEST_CASE("render() shows the line and a caret under the offending character", "[parser][errors]") {
    SECTION("a missing element at the end of the line") {
        const auto parsed = parse("add (Khaji, met, Syria");
        REQUIRE(parsed.first_error());
        CHECK(parsed.first_error()->render() == "line 1, column 23: expected ',' or ')'\n"
                                                "add (Khaji, met, Syria\n"
                                                "                      ^");
    }
    SECTION("a token in the middle of the line") {
        const auto parsed = parse("add (a, b, c, d, e)");
        REQUIRE(parsed.first_error());
        CHECK(parsed.first_error()->render() == "line 1, column 16: expected ')'\n"
                                                "add (a, b, c, d, e)\n"
                                                "               ^");
    }
    SECTION("a tab before the error is copied so that the caret lines up") {
        const auto parsed = parse("\tadd (a, date,\t2023-02-29)");
        REQUIRE(parsed.first_error());
        CHECK(parsed.first_error()->render() == "line 1, column 16: not a valid date\n"
                                                "\tadd (a, date,\t2023-02-29)\n"
                                                "\t             \t^");
    }
    SECTION("non-ASCII characters before the error take one column each") {
        const auto parsed = parse("add (Türkiye, met, \"Ankara\\q\")");
        REQUIRE(parsed.first_error());
        CHECK(parsed.first_error()->render() ==
              "line 1, column 27: unknown escape in a string (use \\t \\b \\n \\r \\f \\\" "
              "\\' \\\\ \\uXXXX or \\UXXXXXXXX)\n"
              "add (Türkiye, met, \"Ankara\\q\")\n"
              "                          ^");
    }
    SECTION("only the line holding the error is shown, without its carriage return") {
        const auto parsed = parse("add (a, b, c),\r\n    (d, e)\r\n");
        REQUIRE(parsed.first_error());
        CHECK(parsed.first_error()->render() == "line 2, column 10: expected ','\n"
                                                "    (d, e)\n"
                                                "         ^");
    }
    SECTION("a semantic error on a later line") {
        const auto parsed = parse("match (?a, met, ?b)\n  where year(?b, 1) > 2020;");
        REQUIRE(parsed.first_error());
        CHECK(parsed.first_error()->render() == "line 2, column 9: year() takes 1 argument\n"
                                                "  where year(?b, 1) > 2020;\n"
                                                "        ^");
    }
    SECTION("the prefix goes before the first line") {
        const auto parsed = parse("match;");
        REQUIRE(parsed.first_error());
        CHECK(parsed.first_error()->render("news.qry: ") ==
              "news.qry: line 1, column 6: expected a pattern\n"
              "match;\n"
              "     ^");
    }
}

TEST_CASE("errors point at the offending token and name what was expected in words",
          "[parser][errors]") {
    check_errors({
        // Composite expectations are described, never printed as C++ types.
        {"add", 1, 4, EXPECTED_TUPLE},
        {"remove", 1, 7, EXPECTED_TUPLE},
        {"add Khaji, met, Syria", 1, 5, EXPECTED_TUPLE},
        {"load \"news.nq\" into", 1, 20, "expected a context (a name, an IRI or default)"},
        {"export \"all.nq\" from", 1, 21, "expected a context (a name, an IRI or default)"},
        {"match (?a, met, ?b) return", 1, 27, "expected '*' or a value to return"},
        {"match (?a, met, ?b) order by", 1, 29, "expected a value to order by"},
        {"load \"news.nq\" as", 1, 18, "expected a format such as nquads, ntriples, tsv, csv or qry"},
        // The caret goes on the token, past the whitespace before it.
        {"add (a, , c)", 1, 9, "expected a predicate"},
        {"match (?x, met, ?y) where ?x = )", 1, 32, "expected a value"},
        {"match (?x, met, ?y) where ?x * > 2", 1, 32, "expected a value"},
        {"match (?x, met, ?y) where ?x in ?y", 1, 33, "expected a list such as [a, b]"},
        {"match (?x, met, ?y) where ?x not in (1, 2)", 1, 37, "expected a list such as [a, b]"},
        {"match (?x, met, ?y) where contains(?y \"a\")", 1, 39, "expected ',' or ')'"},
        {"match (?a, met, ?b) return ?a, order by ?a", 1, 32, "expected a value to return"},
        {"match (?a, met, ?b) limit ten", 1, 27, "expected a non-negative integer"},
        {"match { }", 1, 9, "expected a pattern"},
        {"match (?x, met, ?y), optional ?x", 1, 31, "expected a tuple or a { … } block"},
        {"match (?x, met, ?y) or [?z]", 1, 24, "expected a tuple or a { … } block"},
        {"match (?x, met, ?whom)\n  return ?who,\n  order by ?who", 3, 3,
         "expected a value to return"},
        // After a prefix operator something must follow it.
        {"match (?x, ^, ?y)", 1, 13, "expected a predicate"},
        {"match (?x, met, ?y) where not", 1, 30, "expected a value"},
        {"match (?x, met, ?y) where - ", 1, 28, "expected a value"},
        // A '?' that starts a variable is not a path modifier.
        {"match (?x, met ?y)", 1, 16, "expected ','"},
        // Messages fit the place.
        {"match (?a, met, ?b) return count(*", 1, 35, "expected ')'"},
        {"match { (?x, met, ?y) where ?x = 1", 1, 35, "expected '}'"},
        {"match (?a, met, ?b) limit -1", 1, 27, "expected a non-negative integer"},
        {"match (?a, met, ?b) limit 18446744073709551616", 1, 27,
         "number out of range (at most 18446744073709551615)"},
        {"add (a, b, 2024-11-12T08:30:00+05:60)", 1, 12,
         "the minutes of a UTC offset must be 00–59"},
        // Invalid UTF-8 in comments between statements is found too.
        {"# caf\xe9\nbegin", 1, 6, "invalid UTF-8"},
        {"begin; # caf\xe9", 1, 13, "invalid UTF-8", 1},
        // Wildcards have no value in conditions or results.
        {"match (?a, b, ?c) return ?", 1, 26, "a wildcard has no value: use a variable"},
        {"match (?a, b, ?c) where _ = 1", 1, 25, "a wildcard has no value: use a variable"},
    });
}

TEST_CASE("find_invalid_utf8 finds the first bad byte wherever it falls in a run of ASCII",
          "[parser][errors]") {
    for (std::size_t offset = 0; offset < 20; ++offset) {
        const std::string ascii(offset, 'a');
        INFO("offset " << offset);
        CHECK(quarry::parser::find_invalid_utf8(ascii + "\xC3" + "bbbbbbbbb") == offset);     // cut short
        CHECK(quarry::parser::find_invalid_utf8(ascii + "\xFF" + "bbbbbbbbb") == offset);     // never valid
        CHECK(quarry::parser::find_invalid_utf8(ascii + "\xC3\xA9" + "bbbbbbbbb\xE2\x82") == offset + 11);
        CHECK(quarry::parser::find_invalid_utf8(ascii + "Türkiye 北京 bbbbbbbbbbb") == std::string_view::npos);
    }
}

TEST_CASE("iri_plain_run stops at the first byte an IRI may not hold unescaped, wherever it falls",
          "[parser][errors]") {
    using quarry::parser::iri_char_allowed;
    using quarry::parser::iri_plain_run;
    // Every byte value, at every offset of a run longer than a vector of sixteen, and from
    // several starting points: the run ends where the character-by-character rule says.
    for (unsigned byte = 0; byte < 256; ++byte) {
        for (std::size_t offset = 0; offset < 40; ++offset) {
            std::string text = "http://e/Ümlaut-" + std::string(30, 'a');
            text.insert(offset, 1, static_cast<char>(byte));
            for (const std::size_t from : {std::size_t{0}, std::size_t{3}, std::size_t{17}}) {
                std::size_t want = from;
                while (want < text.size() && iri_char_allowed(static_cast<unsigned char>(text[want])))
                    ++want;
                INFO("byte " << byte << ", offset " << offset << ", from " << from);
                REQUIRE(iri_plain_run(text, from) == want);
            }
        }
    }
    CHECK(iri_plain_run("", 0) == 0);
    CHECK(iri_plain_run("abc", 3) == 3);
}
