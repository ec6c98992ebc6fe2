#pragma once

// quarry::Database: the library the shell uses. Opens a database file, parses and runs
// statements, and returns their results: typed rows for a match, counts for add and
// remove.
//
// Threading: one thread at a time per Database, except cancel(), which may be called from
// any thread (or a signal handler) to stop the running statement.
//
// Errors: run() and query() throw ParseError (a syntax error, or a statement that cannot
// run: unknown prefix, invalid value; both with line, column and caret), StorageError
// (the file), or Error. A statement that fails changes nothing.

#include "engine/error.hpp"
#include "engine/io/transfer.hpp"
#include "engine/planner.hpp"
#include "engine/rows.hpp"
#include "engine/terms.hpp"
#include "parser/parse.hpp"
#include "storage/dump.hpp"
#include "storage/store.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry {

using parser::ParseError;
using engine::Row;
using engine::Rows;
using engine::Value;

struct DatabaseOptions {
    bool read_only = false;
    std::size_t map_size = std::size_t{64} << 20; // initial; grows on demand
    bool no_sync = false;                         // skip fsync on commit
    engine::PlannerOptions planner = {}; // join choices (tests and benchmarks switch them)
};

// What a statement did.
struct StatementResult {
    parser::ast::StatementKind kind = parser::ast::StatementKind::MATCH;
    std::unique_ptr<Rows> rows; // match and explain: the rows (a cursor)
    bool plan = false;          // explain: the rows are lines of the plan, one string each
    std::size_t added = 0;            // add
    std::size_t already_present = 0;  // add
    std::size_t removed = 0;          // remove
    std::string message;              // prefix, begin, commit, rollback: what happened
};

// What the database holds, for .stats, .predicates, .contexts and .schema.
struct DatabaseStatistics {
    std::uint64_t facts = 0;
    std::uint64_t terms = 0;      // dictionary entries (inline values take none)
    std::uint64_t file_bytes = 0; // size of the database file
    struct Predicate {
        storage::Term term;
        storage::PredicateStats stats;
        std::vector<storage::TermKind> object_kinds; // the kinds its objects have
    };
    std::vector<Predicate> predicates; // most facts first
    std::vector<std::pair<storage::Term, std::uint64_t>> contexts; // most facts first
};

// A fact given from code: subject, predicate, object and context (default context if
// omitted).
struct Fact {
    storage::Term subject, predicate, object;
    storage::Term context = storage::Term::default_context();
};

class PreparedQuery;

class Database {
public:
    explicit Database(const std::filesystem::path& path, const DatabaseOptions& options = {});
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one statement of `script` (parsed with parser::parse). Relative paths in load
    // resolve against `base_dir`. The rows of a match must be read before the next run.
    StatementResult run(const parser::ParsedStatements& script,
                        const parser::ParsedStatement& statement,
                        const std::filesystem::path& base_dir = {});

    // Runs every statement of `source`; stops at the first error and throws it.
    std::vector<StatementResult> execute(const std::string& source,
                                         const std::filesystem::path& base_dir = {});

    // The rows of a single match statement.
    std::unique_ptr<Rows> query(const std::string& text);

    // A single match statement, parsed and checked now, to run many times (with values for
    // its parameters, $name, if it has any). Throws ParseError as query() does.
    std::unique_ptr<PreparedQuery> prepare(const std::string& text);

    // Loads an N-Triples or N-Quads file in one transaction (all or nothing).
    engine::io::LoadSummary load(const std::filesystem::path& file, const engine::io::LoadOptions& options);
    // Writes the facts (of `context`, if given) to `out` in `format`; returns how many.
    std::uint64_t export_facts(std::ostream& out, engine::io::ExportFormat format,
                               const std::optional<storage::Term>& context = std::nullopt);

    // Writes a binary snapshot of the database to `file` (storage/dump.hpp).
    storage::DumpCounts dump(const std::filesystem::path& file) const;
    // Reads a snapshot into this database, which must be empty, in one transaction; a
    // damaged or foreign file throws StorageError and changes nothing.
    storage::DumpCounts restore(const std::filesystem::path& file);

    // Adds facts from code in one transaction.
    storage::AddResult add(const std::vector<Fact>& facts);

    // Stops the running statement (it throws engine::Cancelled); safe from any thread.
    void cancel() noexcept { cancelled_.store(true); }

    // Called with the file's name as the load statement reads a data file (for a progress line).
    void on_load_progress(std::function<void(const std::string&, const engine::io::LoadProgress&)> report) {
        load_progress_ = std::move(report);
    }

    DatabaseStatistics statistics() const;
    // Prefix name → IRI, as declared with `prefix`.
    std::vector<std::pair<std::string, std::string>> prefixes() const;
    // Up to `limit` stored names (and IRIs) starting with `prefix`, in order: a prefix
    // scan of the dictionary, for tab completion.
    std::vector<std::string> complete(std::string_view prefix, std::size_t limit = 50) const;

    bool in_transaction() const noexcept { return transaction_ != nullptr; }
    bool read_only() const noexcept { return store_.read_only(); }
    const storage::Store& store() const noexcept { return store_; }
    storage::Store& store() noexcept { return store_; }

private:
    friend class PreparedQuery;
    struct Transaction;
    StatementResult run_statement(const parser::ast::Statement& statement,
                                  const std::filesystem::path& base_dir);
    // Runs `write` in the open transaction, or in one of its own.
    template <typename Fn>
    auto write(Fn&& fn);
    StatementResult run_match(const parser::ast::Statement& statement);
    StatementResult run_change(const parser::ast::Statement& statement,
                               storage::lmdb::WriteTxn& txn);

    storage::Store store_;
    engine::PlannerOptions planner_options_;
    std::unique_ptr<Transaction> transaction_;
    std::atomic<bool> cancelled_{false};
    std::function<void(const std::string&, const engine::io::LoadProgress&)> load_progress_;
    engine::TermCache term_cache_; // for statements outside write transactions
};

// A match statement prepared by Database::prepare. It is planned at its first run and
// planned again only when the database has changed since (or inside begin … commit, where
// every run plans), so a run skips parsing and, usually, planning.
//
// A parameter ($name) stands for a value given at each run, anywhere a value can stand in
// a match: in a tuple (not inside a property path) or in an expression. A value that is
// not stored matches no fact but still compares in where and shows in return.
//
// A PreparedQuery belongs to its Database: it must not outlive it, and runs on the
// Database's thread like any statement.
class PreparedQuery {
public:
    // The parameters' names (without '$'), in order of first appearance: the patterns,
    // then where, return and order by.
    const std::vector<std::string>& parameters() const noexcept { return names_; }

    // Runs the query with `values` for the parameters, in order. The rows must be read
    // before the next run of this query or the next statement on the database, and before
    // either is destroyed. Throws Error if the number of values is wrong; otherwise as
    // Database::query.
    std::unique_ptr<Rows> run(const std::vector<storage::Term>& values = {});

    // Made by Database::prepare only (the key is Database's to give).
    class Key {
        friend class Database;
        Key() = default;
    };
    PreparedQuery(Key, Database& database, parser::ParsedStatements script);
    PreparedQuery(const PreparedQuery&) = delete;
    PreparedQuery& operator=(const PreparedQuery&) = delete;
    ~PreparedQuery();

private:

    Database& database_;
    parser::ParsedStatements script_;
    const parser::ast::Query* query_ = nullptr;
    std::vector<const parser::ast::Term*> parameters_;
    std::vector<std::string> names_;
    std::unique_ptr<engine::QueryPlan> plan_;
    std::optional<std::uint64_t> snapshot_; // the read snapshot plan_ was made in, if any
};

} // namespace quarry
