#pragma once

// quarry::Database: a database file, and the statements of the query language run on it.
//
//   quarry::Database db("news.qdb");
//   db.execute("add (Khaji, met, Syrian delegation, Astana);");
//   auto rows = db.query("match (?who, met, ?whom) return ?who, ?whom");
//   while (auto row = rows->next()) { ... }
//
// Threading: one thread at a time per Database, except cancel(), which may be called from
// any thread (or a signal handler) to stop the running statement. Other processes may
// read the same file while one writes.
//
// Errors (quarry/error.hpp): a statement that does not parse or cannot run throws
// ParseError, with its line, column and caret; the file, StorageError; a stopped
// statement, Cancelled. A statement that fails changes nothing.

#include "quarry/error.hpp"
#include "quarry/rows.hpp"
#include "quarry/term.hpp"
#include "quarry/transfer.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quarry {

// How the planner chooses joins and the result stage. The defaults are what the
// measurements chose; tests and benchmarks switch them to compare the choices.
struct PlannerOptions {
    // Cyclic patterns (triangles) run as one worst-case-optimal leapfrog triejoin.
    bool leapfrog = true;
    // In the leapfrog join, a variable that is the first level of some tries and a deeper
    // one of others looks its values up in a hash index of those first levels.
    bool leapfrog_hash = true;
    // A tuple joins by hashing (one scan of its matches into a table, then a probe per
    // row) instead of a seek per row when at least this many input rows are expected, its
    // matches cost less to hash than the seeks they replace (a seek costs as much as
    // hashing `seek_cost` rows, a probe as hashing one), and there are at most
    // `hash_join_max_build` of them.
    double hash_join_min_input = 1000;
    double hash_join_max_build = 2'000'000;
    double seek_cost = 8;
    // Two tuples that both scan in order of a shared variable merge instead.
    bool merge = true;
    // The side of a merge join that is behind seeks to the other's value after a few steps,
    // instead of reading every fact in between.
    bool merge_seek = true;
    // A transitive closure `p+` with both ends open walks a compact graph of the
    // predicate's edges, numbered densely, instead of hashing nodes into sets.
    bool dense_closure = true;
    // Two tuples sharing one variable, whose joined rows are only counted (count(*), in all
    // or by the shared variable) or reduced to the shared variable's distinct values, are
    // counted per value of that variable (CountJoin) instead of joined.
    bool count_join = true;
    // `order by … limit N` keeps only the best offset + N rows while sorting (a bounded
    // heap), instead of sorting every row.
    bool top_n = true;
};

struct DatabaseOptions {
    bool read_only = false;
    std::size_t map_size = std::size_t{64} << 20; // initial; grows on demand
    bool no_sync = false;                         // skip fsync on commit
    PlannerOptions planner = {};
};

enum class StatementKind {
    MATCH,
    ADD,
    REMOVE,
    PREFIX,
    BEGIN,
    COMMIT,
    ROLLBACK,
    LOAD,
    EXPORT,
    RULE,
    DROP_RULE,
    WHY,
};

// A script of statements, parsed (each on its own: an error in one does not hide the
// next). Movable, not copyable.
class Script {
public:
    explicit Script(std::string source);
    Script(Script&&) noexcept;
    Script& operator=(Script&&) noexcept;
    ~Script();

    struct Statement {
        std::optional<StatementKind> kind; // set if it parsed
        const ParseError* error = nullptr; // set if it did not
        SourcePosition position;           // where it starts
        std::string_view text;             // its text, without the ';' (into the script)
    };
    std::size_t size() const;
    Statement operator[](std::size_t index) const;
    // The first statement that did not parse, if any.
    const ParseError* first_error() const;

    // True if `text` ends no statement midway: everything in it is terminated by ';'
    // (outside strings, quoted names, IRIs and comments), or is blank. A shell's
    // continuation prompt waits for this.
    static bool is_complete(const std::string& text);

private:
    friend struct detail_access;
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// How Database::run runs a statement.
struct RunOptions {
    std::filesystem::path base_dir; // relative paths of load and export resolve here
    // A match runs as if written `explain` (its plan) or `explain analyze` (its plan, run,
    // with rows and time for each step).
    enum class Explain { NONE, PLAN, ANALYZE } explain = Explain::NONE;
};

// What a statement did.
struct StatementResult {
    StatementKind kind = StatementKind::MATCH;
    std::unique_ptr<Rows> rows; // match, explain and why: the rows (a cursor)
    // explain, why: the rows are lines of text (the plan, the derivation), one string each,
    // to print as they are.
    bool plan = false;
    std::size_t added = 0;           // add, load
    std::size_t already_present = 0; // add, load
    std::size_t removed = 0;         // remove
    // add, remove, load, rule, drop rule: facts the rules derive now that did not hold
    // before, and derived facts that no longer hold.
    std::size_t derived = 0;
    std::size_t retracted = 0;
    // prefix, begin, commit, rollback, export, rule, drop rule: what happened
    std::string message;
    // load: notes on a Turtle or TriG file's prefixes that were not kept.
    // match: a note for each constant name or IRI no stored term is, with the nearest
    // stored names: "line 1, column 30: no fact uses the name 'Iran retrun'; did you mean
    // 'Iran'?" The answer is still given; the note says why it may be empty. (run() and
    // execute() look for them; query(), which returns only rows, does not.)
    std::vector<std::string> notes;
};

// What the database holds, for .stats, .predicates, .contexts and .schema.
struct DatabaseStatistics {
    std::uint64_t facts = 0;
    std::uint64_t terms = 0;      // dictionary entries (inline values take none)
    std::uint64_t file_bytes = 0; // size of the database file
    struct Predicate {
        Term term;
        std::uint64_t facts = 0;
        std::uint64_t distinct_subjects = 0;
        std::uint64_t distinct_objects = 0;
        std::vector<TermKind> object_kinds; // the kinds its objects have
    };
    std::vector<Predicate> predicates;                    // most facts first
    std::vector<std::pair<Term, std::uint64_t>> contexts; // most facts first
};

// A fact given from code: subject, predicate, object and context (default if omitted).
struct Fact {
    Term subject, predicate, object;
    Term context = Term::default_context();
};

struct AddResult {
    std::size_t added = 0;
    std::size_t already_present = 0; // includes repeats within the same call
};

// What a dump wrote or a restore read.
struct DumpCounts {
    std::uint64_t terms = 0;
    std::uint64_t facts = 0;
};

class PreparedQuery;

class Database {
public:
    explicit Database(const std::filesystem::path& path, const DatabaseOptions& options = {});
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs statement `index` of `script`. The rows of a match must be read before the
    // next statement runs. Throws the statement's ParseError if it did not parse.
    StatementResult run(const Script& script, std::size_t index, const RunOptions& options = {});

    // Runs every statement of `source`; stops at the first error and throws it.
    std::vector<StatementResult> execute(const std::string& source,
                                         const std::filesystem::path& base_dir = {});

    // The rows of a single match statement.
    std::unique_ptr<Rows> query(const std::string& text);

    // A single match statement, parsed and checked now, to run many times (with values for
    // its parameters, $name, if it has any). Throws ParseError as query() does.
    std::unique_ptr<PreparedQuery> prepare(const std::string& text);

    // Loads a file in one transaction (all or nothing); ImportError names a bad line.
    LoadSummary load(const std::filesystem::path& file, const LoadOptions& options);
    // Writes the facts (of `context`, if given) to `out` in `format`; returns how many.
    std::uint64_t export_facts(std::ostream& out, ExportFormat format,
                               const std::optional<Term>& context = std::nullopt);

    // Writes a binary snapshot of the database to `file`.
    DumpCounts dump(const std::filesystem::path& file) const;
    // Reads a snapshot into this database, which must be empty, in one transaction; a
    // damaged or foreign file throws StorageError and changes nothing.
    DumpCounts restore(const std::filesystem::path& file);

    // Adds facts from code in one transaction.
    AddResult add(const std::vector<Fact>& facts);

    // Stops the running statement (it throws Cancelled); safe from any thread.
    void cancel() noexcept;

    // Called with the file's name as a load statement reads a data file (a progress line).
    void on_load_progress(std::function<void(const std::string&, const LoadProgress&)> report);

    // How long a write waits for another process's write to finish before it fails.
    void set_busy_timeout(std::chrono::milliseconds timeout);

    DatabaseStatistics statistics() const;
    // The rules (SPEC §10), name → text as stored (prefixed IRIs written whole), by name.
    std::vector<std::pair<std::string, std::string>> rules() const;
    // Prefix name → IRI, as declared with `prefix`.
    std::vector<std::pair<std::string, std::string>> prefixes() const;
    // Up to `limit` stored names starting with `prefix`, in order: a prefix scan of the
    // dictionary, for tab completion.
    std::vector<std::string> complete(std::string_view prefix, std::size_t limit = 50) const;

    bool in_transaction() const noexcept;
    bool read_only() const noexcept;
    const std::filesystem::path& path() const noexcept;

private:
    friend struct detail_access;
    friend class PreparedQuery;
    struct Impl;
    std::unique_ptr<Impl> impl_;
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
    const std::vector<std::string>& parameters() const noexcept;

    // Runs the query with `values` for the parameters, in order. The rows must be read
    // before the next run of this query or the next statement on the database, and before
    // either is destroyed. Throws Error if the number of values is wrong; otherwise as
    // Database::query.
    std::unique_ptr<Rows> run(const std::vector<Term>& values = {});

    PreparedQuery(const PreparedQuery&) = delete;
    PreparedQuery& operator=(const PreparedQuery&) = delete;
    ~PreparedQuery();

private:
    friend class Database;
    struct Impl;
    explicit PreparedQuery(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace quarry
