#pragma once

// The AST of the query language (SPEC §1 terms, §2 statements): plain value types.
//
// Every node we may point an error at derives from Node, an x3::position_tagged whose
// position lives in the ParsedStatements that produced it (parse.hpp). Equality ignores
// positions, so a parsed AST compares equal to one built by hand or re-parsed from the
// printer's output. Recursive nodes hold their children in std::vector.

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace quarry::parser::ast {

struct Node : boost::spirit::x3::position_tagged {
    friend bool operator==(const Node&, const Node&) { return true; }
};

// An IRI, written <text> or, with a prefix, prefix:text.
struct IriRef {
    std::string prefix; // the prefix name when prefixed (may be empty: `:local`)
    std::string text;   // the IRI, or the local part when prefixed
    bool prefixed = false;
    friend bool operator==(const IriRef&, const IriRef&) = default;
};

// A date or datetime as written. `offset_minutes` is set when a zone (Z or ±hh:mm) is.
struct DateTime {
    std::int32_t year = 0, month = 1, day = 1;
    std::int32_t hour = 0, minute = 0, second = 0, millisecond = 0;
    std::optional<std::int32_t> offset_minutes;
    friend bool operator==(const DateTime&, const DateTime&) = default;
};

enum class TermKind : std::uint8_t {
    VARIABLE,        // ?name              text = name
    PARAMETER,       // $name              text = name (a value given when the query runs)
    WILDCARD,        // _ or a lone ?
    DEFAULT_CONTEXT, // default (a tuple's fourth position, or a value in an expression)
    NAME,            // Khaji, `Organization, the`      text
    IRI,             // <…> or prefix:local              iri
    STRING,          // "…" or "…"@lang                  text, lang
    TYPED,           // "…"^^<…>                          text, iri (datatype)
    INTEGER,         //                                   integer
    DECIMAL,         //                                   decimal
    BOOLEAN,         //                                   boolean
    DATE,            //                                   when (date fields)
    DATETIME,        //                                   when
};

struct Term : Node {
    TermKind kind = TermKind::NAME;
    std::string text;
    std::string lang;
    IriRef iri;
    std::int64_t integer = 0;
    double decimal = 0.0;
    bool boolean = false;
    DateTime when;
    friend bool operator==(const Term&, const Term&) = default;
};

// A property path in the predicate position. A plain predicate is a TERM path.
enum class PathOp : std::uint8_t {
    TERM,         // term
    SEQUENCE,     // children[0] / children[1] / …
    ALTERNATIVE,  // children[0] | children[1] | …
    INVERSE,      // ^children[0]
    ONE_OR_MORE,  // children[0]+
    ZERO_OR_MORE, // children[0]*
    ZERO_OR_ONE,  // children[0]?
};

struct Path : Node {
    PathOp op = PathOp::TERM;
    Term term;
    std::vector<Path> children;
    friend bool operator==(const Path&, const Path&) = default;
};

struct Pattern;

// Expressions of `where`, `return` and `order by`.
enum class ExprOp : std::uint8_t {
    TERM,                               // term
    OR, AND,                            // args[0] op args[1]
    NOT, NEGATE,                        // op args[0]
    EQ, NE, LT, LE, GT, GE,             // args[0] op args[1]
    IN, NOT_IN,                         // args[0] in [args[1], …]
    ADD, SUBTRACT, MULTIPLY, DIVIDE,    // args[0] op args[1]
    CALL,                               // function(args…)
    AGGREGATE,                          // function([distinct] args[0]) or count(*)
    EXISTS,                             // exists block[0] (`not exists` is NOT of it)
};

struct Expr : Node {
    ExprOp op = ExprOp::TERM;
    Term term;
    std::string function; // CALL, AGGREGATE: lower-case name
    bool distinct = false; // AGGREGATE
    bool star = false;     // AGGREGATE: count(*)
    std::vector<Expr> args;
    std::vector<Pattern> block; // EXISTS: one TUPLE or GROUP pattern
    friend bool operator==(const Expr&, const Expr&) = default;
};

// (subject, predicate, object[, context])
struct Tuple : Node {
    Term subject;
    Path predicate;
    Term object;
    std::optional<Term> context;
    friend bool operator==(const Tuple&, const Tuple&) = default;
};

enum class PatternKind : std::uint8_t {
    TUPLE,    // tuple
    GROUP,    // { patterns [where condition] }
    OPTIONAL, // optional BLOCK: patterns[0] is a TUPLE or GROUP
    NOT,      // not BLOCK
    UNION,    // BLOCK or BLOCK …: patterns are the blocks
};

struct Pattern : Node {
    PatternKind kind = PatternKind::TUPLE;
    Tuple tuple;
    std::vector<Pattern> patterns;
    std::optional<Expr> where; // GROUP only
    friend bool operator==(const Pattern&, const Pattern&) = default;
};

struct ReturnItem : Node {
    Expr expr;
    std::string alias; // empty: none
    friend bool operator==(const ReturnItem&, const ReturnItem&) = default;
};

struct OrderKey : Node {
    Expr expr;
    bool descending = false;
    friend bool operator==(const OrderKey&, const OrderKey&) = default;
};

// The `match …` part of a statement.
struct Query : Node {
    std::vector<Pattern> patterns;
    bool asserted = false; // `asserted`: stored facts only, not those rules derive
    std::optional<Expr> where;
    bool distinct = false;
    std::vector<ReturnItem> returns; // empty: return * (every named variable)
    std::vector<Expr> group_by;      // explicit grouping keys (empty: the non-aggregated items)
    std::optional<Expr> having;      // a condition on each group
    std::vector<OrderKey> order;
    std::optional<std::uint64_t> limit;
    std::optional<std::uint64_t> offset;
    friend bool operator==(const Query&, const Query&) = default;
};

enum class StatementKind : std::uint8_t {
    ADD, REMOVE, MATCH, PREFIX, LOAD, EXPORT, BEGIN, COMMIT, ROLLBACK, RULE, DROP_RULE, WHY,
};

struct Statement : Node {
    StatementKind kind = StatementKind::MATCH;
    bool explain = false;             // explain …   (MATCH, ADD, REMOVE)
    bool analyze = false;             // explain analyze …
    std::vector<Tuple> tuples;        // ADD, REMOVE: the facts or templates; RULE: the
                                      // head; WHY: the one fact
    std::optional<Query> query;       // MATCH; ADD/REMOVE … match, RULE's body (patterns
                                      // and where only)
    std::string name;                 // RULE, DROP_RULE: the rule's name
    std::string prefix;               // PREFIX: the prefix name, without ':'
    IriRef iri;                       // PREFIX: the IRI
    std::string file;                 // LOAD, EXPORT: the file name
    std::string format;               // LOAD, EXPORT: `as FORMAT`, lower case; empty: none
    std::optional<Term> context;      // LOAD … into C, EXPORT … from C
    friend bool operator==(const Statement&, const Statement&) = default;
};

} // namespace quarry::parser::ast
