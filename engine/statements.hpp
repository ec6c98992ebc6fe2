#pragma once

// One handler per kind of statement, each in its own file under engine/statements/, and
// the table that picks one. A handler runs its statement in the session (which decides
// the transaction) and throws QueryError naming the node to blame; Database turns that
// into a ParseError at the node's position.

#include "engine/planner.hpp"
#include "engine/rows.hpp"
#include "engine/session.hpp"
#include "parser/ast.hpp"
#include "quarry/database.hpp"

#include <filesystem>
#include <memory>
#include <vector>

namespace quarry::engine {

// What a statement runs with besides itself.
struct StatementContext {
    std::filesystem::path base_dir; // relative files of load and export resolve here
    bool explain = false;           // a match: show its plan instead (as `explain`)
    bool analyze = false;           // … and run it, with rows and time per step
    // Where a node of the statement starts, for notes (nullopt: not known).
    std::function<std::optional<SourcePosition>(const parser::ast::Node&)> position_of;
};

StatementResult run_statement(Session& session, const parser::ast::Statement& statement,
                              const StatementContext& context);

StatementResult run_match(Session& session, const parser::ast::Statement& statement,
                          const StatementContext& context);
StatementResult run_add_or_remove(Session& session, const parser::ast::Statement& statement,
                                  const StatementContext& context);
StatementResult run_prefix(Session& session, const parser::ast::Statement& statement,
                           const StatementContext& context);
StatementResult run_begin_commit_rollback(Session& session, const parser::ast::Statement& statement,
                                          const StatementContext& context);
StatementResult run_load(Session& session, const parser::ast::Statement& statement,
                         const StatementContext& context);
StatementResult run_export(Session& session, const parser::ast::Statement& statement,
                           const StatementContext& context);
StatementResult run_rule(Session& session, const parser::ast::Statement& statement,
                         const StatementContext& context);
StatementResult run_drop_rule(Session& session, const parser::ast::Statement& statement,
                              const StatementContext& context);
StatementResult run_why(Session& session, const parser::ast::Statement& statement,
                        const StatementContext& context);

// After a load has added facts of `predicates` in `txn`: derives what the rules make of
// them (every rule evaluated whole) and takes away what they defeat. Nothing to do
// without rules.
void derive_after_load(storage::Store& store, const storage::lmdb::WriteTxn& txn,
                       const std::atomic<bool>& cancelled, const std::vector<TermId>& predicates);

// `statement` as a write that may run again keeps it: owned (a copy) inside an open
// transaction, whose writes run again after the statement's text is gone if the map must
// grow; otherwise only pointed to.
std::shared_ptr<const parser::ast::Statement>
kept_for_replay(const Session& session, const parser::ast::Statement& statement);

// A file a load or export names, resolved against the context's base_dir.
std::filesystem::path resolve_file(const std::string& name, const StatementContext& context);
// The format a load or export names (`as FORMAT`), or else its file's extension.
std::string format_name(const parser::ast::Statement& statement, const std::filesystem::path& file);

// The public kind of a parsed statement's kind.
StatementKind public_kind(parser::ast::StatementKind kind);

// Plans a match in `context` (its store and transaction; constants are looked up there,
// and the plan is for that snapshot). `parameters` (parser::parameters(query)) take the
// first slots, bound before the first tuple. A QueryRun runs the plan, in `context` or in
// another context on the same snapshot.
std::shared_ptr<QueryPlan> plan_query(ExecContext& context, const parser::ast::Query& query,
                                      const PrefixMap& prefixes, const PlannerOptions& options,
                                      const std::vector<const parser::ast::Term*>& parameters = {});

} // namespace quarry::engine
