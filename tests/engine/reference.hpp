#pragma once

// A reference evaluator for match statements, written independently of the engine's
// planner and operators: bindings are maps from variable names to terms, every tuple is
// matched by a scan over all facts, blocks are evaluated in the order written, and the
// result stage (grouping, aggregates, distinct, order, limit) is naive. It shares only the
// scalar semantics of engine/value.hpp (comparisons, arithmetic, functions).

#include "engine/terms.hpp"
#include "engine/value.hpp"
#include "parser/ast.hpp"
#include "storage/term.hpp"

#include <array>
#include <map>
#include <string>
#include <vector>

namespace quarry::testing {

using FactTerms = std::array<storage::Term, 4>; // S P O C
using Bindings = std::map<std::string, storage::Term>;
using ResultRow = std::vector<engine::Value>;

struct ReferenceResult {
    std::vector<std::string> columns;
    std::vector<ResultRow> rows;
};

class Reference {
public:
    explicit Reference(std::vector<FactTerms> facts) : facts_(std::move(facts)) {}

    ReferenceResult run(const parser::ast::Query& query) const;

private:
    std::vector<Bindings> eval_block(const std::vector<parser::ast::Pattern>& patterns,
                                     const std::optional<parser::ast::Expr>& where,
                                     const Bindings& input) const;
    std::vector<Bindings> match_tuple(const parser::ast::Tuple& tuple, const Bindings& input) const;
    std::vector<Bindings> match_path(const parser::ast::Tuple& tuple, const Bindings& input) const;
    std::vector<storage::Term> reach(const parser::ast::Path& path, const storage::Term& from,
                                     bool forward, const std::optional<storage::Term>& context) const;
    using AggregateValues = std::map<const parser::ast::Expr*, engine::Value>;
    // `aggregates`: the value of each aggregate node (grouped queries), or null.
    engine::Value eval(const parser::ast::Expr& expr, const Bindings& row,
                       const AggregateValues* aggregates = nullptr) const;
    // Computes every aggregate of `expr` over `group` into `out`.
    void aggregate(const parser::ast::Expr& expr, const std::vector<Bindings>& group,
                   AggregateValues& out) const;
    engine::Truth truth(const parser::ast::Expr& expr, const Bindings& row) const;
    bool stored(const storage::Term& term) const;
    // A subject or object of a fact (in `context` if given): zero-length paths join a
    // node to itself, nothing else.
    bool is_node(const storage::Term& term, const std::optional<storage::Term>& context) const;

    std::vector<FactTerms> facts_;
};

} // namespace quarry::testing
