// quarry::Database, Script and PreparedQuery (quarry/database.hpp): a thin facade. The
// session (engine/session.hpp) decides the transaction of each statement, the handlers
// (engine/statements/) run them, and this file turns their QueryErrors into ParseErrors
// at the statement's nodes.

#include "engine/error.hpp"
#include "engine/internals.hpp"
#include "engine/io/transfer.hpp"
#include "engine/rules.hpp"
#include "engine/statements.hpp"
#include "parser/validate.hpp"
#include "storage/dump.hpp"

#include <fmt/format.h>

#include <fstream>

namespace quarry {

namespace ast = parser::ast;
using engine::QueryPlan;
using engine::Session;
using engine::TermId;
using engine::UNBOUND;

// --- Script ----------------------------------------------------------------------------

struct Script::Impl {
    explicit Impl(std::string source)
        : parsed(std::make_shared<parser::ParsedStatements>(parser::parse(std::move(source)))) {}
    std::shared_ptr<parser::ParsedStatements> parsed; // shared with rows (see LocatedRows)
};

Script::Script(std::string source) : impl_(std::make_unique<Impl>(std::move(source))) {}
Script::Script(Script&&) noexcept = default;
Script& Script::operator=(Script&&) noexcept = default;
Script::~Script() = default;

std::size_t Script::size() const {
    return impl_->parsed->statements().size();
}

Script::Statement Script::operator[](std::size_t index) const {
    const parser::ParsedStatement& parsed = impl_->parsed->statements().at(index);
    Statement statement;
    if (parsed.statement)
        statement.kind = engine::public_kind(parsed.statement->kind);
    statement.error = parsed.error ? &*parsed.error : nullptr;
    statement.position = parsed.position;
    statement.text = parsed.text;
    return statement;
}

const ParseError* Script::first_error() const {
    return impl_->parsed->first_error();
}

bool Script::is_complete(const std::string& text) {
    return parser::is_complete(text);
}

// --- Database --------------------------------------------------------------------------

struct Database::Impl {
    Impl(const std::filesystem::path& path, const DatabaseOptions& options)
        : session(path, options) {}
    Session session;
};

engine::Session& detail_access::session(Database& database) {
    return database.impl_->session;
}
const parser::ParsedStatements& detail_access::parsed(const Script& script) {
    return *script.impl_->parsed;
}
std::shared_ptr<const parser::ParsedStatements> detail_access::shared_parsed(const Script& script) {
    return script.impl_->parsed;
}

namespace {

// Runs `fn`, turning a QueryError into a ParseError at its node, or else at `fallback`.
template <typename Fn>
auto located(const parser::ParsedStatements& script, const ast::Node& fallback, Fn&& fn) {
    try {
        return fn();
    } catch (const QueryError& e) {
        throw e.node() ? script.error_at(*e.node(), e.what()) : script.error_at(fallback, e.what());
    }
}

// Rows whose errors found while they run (a division by zero, a value of the wrong kind)
// become ParseErrors at their node, as errors found before they run do. Keeps the parsed
// script, whose positions those are.
class LocatedRows : public Rows {
public:
    LocatedRows(std::unique_ptr<Rows> rows, std::shared_ptr<const parser::ParsedStatements> script,
                const ast::Node& fallback)
        : rows_(std::move(rows)), script_(std::move(script)), fallback_(fallback) {}
    const std::vector<std::string>& columns() const override { return rows_->columns(); }
    std::optional<Row> next() override {
        return located(*script_, fallback_, [&] { return rows_->next(); });
    }
    bool read(Row& row) override {
        return located(*script_, fallback_, [&] { return rows_->read(row); });
    }

private:
    std::unique_ptr<Rows> rows_;
    std::shared_ptr<const parser::ParsedStatements> script_;
    ast::Node fallback_;
};

std::unique_ptr<Rows> with_positions(std::unique_ptr<Rows> rows,
                                     std::shared_ptr<const parser::ParsedStatements> script,
                                     const ast::Node& fallback) {
    if (!rows)
        return rows;
    return std::make_unique<LocatedRows>(std::move(rows), std::move(script), fallback);
}

} // namespace

Database::Database(const std::filesystem::path& path, const DatabaseOptions& options)
    : impl_(std::make_unique<Impl>(path, options)) {}

Database::~Database() = default;

namespace {

// `notes`: look for names no fact uses (StatementResult::notes); query(), whose caller sees
// only rows, skips that work.
StatementResult run_parsed(Session& session,
                           const std::shared_ptr<const parser::ParsedStatements>& script,
                           const parser::ParsedStatement& statement, const RunOptions& options,
                           bool notes = true) {
    const parser::ParsedStatements& parsed = *script;
    if (statement.error)
        throw *statement.error;
    engine::StatementContext context;
    context.base_dir = options.base_dir;
    context.explain = options.explain != RunOptions::Explain::NONE &&
                      statement.statement->kind == ast::StatementKind::MATCH;
    context.analyze = context.explain && options.explain == RunOptions::Explain::ANALYZE;
    if (notes)
        context.position_of = [&parsed](const ast::Node& node) { return parsed.position_of(node); };
    session.start_statement();
    StatementResult result = located(parsed, *statement.statement, [&] {
        return engine::run_statement(session, *statement.statement, context);
    });
    result.rows = with_positions(std::move(result.rows), script, *statement.statement);
    return result;
}

} // namespace

StatementResult Database::run(const Script& script, std::size_t index, const RunOptions& options) {
    const auto parsed = detail_access::shared_parsed(script);
    return run_parsed(impl_->session, parsed, parsed->statements().at(index), options);
}

std::vector<StatementResult> Database::execute(const std::string& source,
                                               const std::filesystem::path& base_dir) {
    const Script script(source);
    std::vector<StatementResult> results;
    for (std::size_t i = 0; i < script.size(); ++i)
        results.push_back(run(script, i, RunOptions{base_dir}));
    return results;
}

namespace {

// `text` parsed, if it is exactly one match statement (without explain).
parser::ParsedStatements parse_match(const std::string& text, const char* caller) {
    parser::ParsedStatements script = parser::parse(text);
    if (const auto* error = script.first_error())
        throw *error;
    if (script.statements().size() != 1 ||
        script.statements()[0].statement->kind != ast::StatementKind::MATCH ||
        script.statements()[0].statement->explain)
        throw Error(
            fmt::format("{} takes exactly one match statement; use execute() for others", caller));
    return script;
}

} // namespace

std::unique_ptr<Rows> Database::query(const std::string& text) {
    const auto parsed =
        std::make_shared<const parser::ParsedStatements>(parse_match(text, "query()"));
    return std::move(run_parsed(impl_->session, parsed, parsed->statements()[0], {}, false).rows);
}

void Database::cancel() noexcept {
    impl_->session.cancelled().store(true);
}

void Database::on_load_progress(
    std::function<void(const std::string&, const LoadProgress&)> report) {
    impl_->session.on_load_progress(std::move(report));
}

void Database::set_busy_timeout(std::chrono::milliseconds timeout) {
    impl_->session.store().env().set_busy_timeout(timeout);
}

bool Database::in_transaction() const noexcept {
    return impl_->session.in_transaction();
}
bool Database::read_only() const noexcept {
    return impl_->session.store().read_only();
}
const std::filesystem::path& Database::path() const noexcept {
    return impl_->session.store().path();
}

AddResult Database::add(const std::vector<Fact>& facts) {
    storage::Store& store = impl_->session.store();
    impl_->session.start_statement();
    const std::atomic<bool>& cancelled = impl_->session.cancelled();
    const storage::AddResult added =
        impl_->session.write([&store, &cancelled, facts](storage::lmdb::WriteTxn& txn) {
            std::vector<storage::Quad> quads;
            quads.reserve(facts.size());
            for (const Fact& fact : facts)
                quads.push_back({store.intern(txn, fact.subject), store.intern(txn, fact.predicate),
                                 store.intern(txn, fact.object), store.intern(txn, fact.context)});
            if (!store.has_rules(txn))
                return store.add(txn, quads);
            engine::RuleEngine engine(store, txn, cancelled, store.rules(txn));
            engine::RuleEngine::Change change;
            change.assert = std::move(quads);
            const auto outcome = engine.apply(txn, change);
            return storage::AddResult{outcome.added, outcome.already_present};
        });
    return {added.added, added.already_present};
}

DatabaseStatistics Database::statistics() const {
    const storage::Store& store = impl_->session.store();
    DatabaseStatistics out;
    auto txn = store.begin_read();
    out.facts = store.fact_count(txn);
    out.terms = store.dictionary().size(txn);
    std::error_code error;
    out.file_bytes = std::filesystem::file_size(store.path(), error);
    store.statistics().for_each_predicate(txn, [&](storage::TermId id,
                                                   const storage::PredicateStats& stats) {
        DatabaseStatistics::Predicate predicate{store.resolve(txn, id),
                                                stats.facts,
                                                stats.distinct_subjects,
                                                stats.distinct_objects,
                                                {}};
        // The kinds of its objects: one seek per id tag in POSC.
        for (unsigned tag = 0; tag < 16; ++tag) {
            const auto t = static_cast<storage::IdTag>(tag);
            storage::QuadScan scan(txn, store.index(storage::Permutation::POSC),
                                   storage::Key{id, storage::first_id(t), 0, 0},
                                   storage::Key{id, storage::last_id(t), ~0ULL, ~0ULL},
                                   storage::ScanMode::QUADS);
            if (const auto key = scan.next_key()) {
                const auto kind = storage::kind_of((*key)[1]);
                if (std::find(predicate.object_kinds.begin(), predicate.object_kinds.end(), kind) ==
                    predicate.object_kinds.end())
                    predicate.object_kinds.push_back(kind);
            }
        }
        out.predicates.push_back(std::move(predicate));
    });
    store.statistics().for_each_context(txn, [&](storage::TermId id, std::uint64_t facts) {
        out.contexts.emplace_back(store.resolve(txn, id), facts);
    });
    std::stable_sort(out.predicates.begin(), out.predicates.end(),
                     [](const auto& a, const auto& b) { return a.facts > b.facts; });
    std::stable_sort(out.contexts.begin(), out.contexts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return out;
}

std::vector<std::pair<std::string, std::string>> Database::rules() const {
    const Session::Read read = impl_->session.read(false);
    return impl_->session.store().rules(*read.txn);
}

std::vector<std::pair<std::string, std::string>> Database::prefixes() const {
    const storage::Store& store = impl_->session.store();
    auto txn = store.begin_read();
    return store.prefixes(txn);
}

std::vector<std::string> Database::complete(std::string_view prefix, std::size_t limit) const {
    const storage::Store& store = impl_->session.store();
    std::vector<std::string> out;
    auto txn = store.begin_read();
    store.dictionary().scan_prefix(txn, storage::TermKind::NAME, prefix,
                                   [&](const storage::Term& term, storage::TermId) {
                                       out.push_back(term.text());
                                       return out.size() < limit;
                                   });
    return out;
}

namespace {

// Room in the map for a write that reads `file` (`factor` bytes stored per byte read, at
// most), made up front rather than by running the write again each time the map fills.
void reserve_map_for(storage::Store& store, const std::filesystem::path& file, std::size_t factor) {
    std::error_code error;
    if (const auto bytes = std::filesystem::file_size(file, error); !error)
        store.reserve_map(bytes * factor);
}

} // namespace

LoadSummary Database::load(const std::filesystem::path& file, const LoadOptions& given) {
    Session& session = impl_->session;
    storage::Store& store = session.store();
    // A fact takes less room stored than as text, but short lines can take more.
    reserve_map_for(store, file, 3);
    session.start_statement();
    LoadOptions options = given;
    if (!options.cancelled)
        options.cancelled = &session.cancelled();
    return session.write([&store, file, options](storage::lmdb::WriteTxn& txn) {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw StorageError(fmt::format("cannot read {}", file.string()));
        // The predicates loaded, for the rules (if there are any).
        std::vector<storage::TermId> predicates;
        const bool rules = store.has_rules(txn);
        LoadSummary loaded = engine::io::load_facts(store, txn, in, file.string(), options,
                                                    engine::load_prefixes(store, txn),
                                                    rules ? &predicates : nullptr);
        if (rules)
            engine::derive_after_load(store, txn, *options.cancelled, predicates);
        return loaded;
    });
}

std::uint64_t Database::export_facts(std::ostream& out, ExportFormat format,
                                     const std::optional<Term>& context) {
    const Session::Read read = impl_->session.read();
    return engine::io::export_facts(impl_->session.store(), *read.txn, out, format, context);
}

DumpCounts Database::dump(const std::filesystem::path& file) const {
    const storage::Store& store = impl_->session.store();
    auto txn = store.begin_read();
    const storage::DumpCounts counts = storage::dump(store, txn, file);
    return {counts.terms, counts.facts};
}

DumpCounts Database::restore(const std::filesystem::path& file) {
    Session& session = impl_->session;
    if (session.in_transaction())
        throw StorageError("restore cannot run inside a transaction");
    session.forget_terms();
    reserve_map_for(session.store(), file, 6); // a dump stores a fact in about a third of the room
    const storage::DumpCounts counts = storage::restore(session.store(), file);
    return {counts.terms, counts.facts};
}

// --- PreparedQuery ---------------------------------------------------------------------

struct PreparedQuery::Impl {
    Impl(Session& session, parser::ParsedStatements parsed)
        : session(session), script(std::move(parsed)),
          query(&*script.statements()[0].statement->query), parameters(parser::parameters(*query)) {
        for (const ast::Term* parameter : parameters)
            names.push_back(parameter->text);
    }

    Session& session;
    parser::ParsedStatements script;
    const ast::Query* query = nullptr;
    std::vector<const ast::Term*> parameters;
    std::vector<std::string> names;
    // The plan of the read snapshot `snapshot`, if any: runs on that snapshot share it, each
    // with a context and operator state of its own.
    std::shared_ptr<const QueryPlan> plan;
    std::optional<std::uint64_t> snapshot;
    std::shared_ptr<engine::RunSpares> spares; // what runs of `plan` leave for the next
    std::vector<TermId> inputs;                // a run's, kept to spare an allocation
};

std::unique_ptr<PreparedQuery> Database::prepare(const std::string& text) {
    return std::unique_ptr<PreparedQuery>(new PreparedQuery(
        std::make_unique<PreparedQuery::Impl>(impl_->session, parse_match(text, "prepare()"))));
}

PreparedQuery::PreparedQuery(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
PreparedQuery::~PreparedQuery() = default;

const std::vector<std::string>& PreparedQuery::parameters() const noexcept {
    return impl_->names;
}

std::unique_ptr<Rows> PreparedQuery::run(const std::vector<Term>& values) {
    Impl& q = *impl_;
    if (values.size() != q.names.size()) {
        std::string expected;
        for (const std::string& name : q.names)
            expected += (expected.empty() ? "$" : ", $") + name;
        throw Error(fmt::format("the query has {} parameter{}{}{}, and {} value{} given",
                                q.names.size(), q.names.size() == 1 ? "" : "s",
                                q.names.empty() ? "" : ": ", expected, values.size(),
                                values.size() == 1 ? " was" : "s were"));
    }
    Session& session = q.session;
    session.start_statement();
    return located(q.script, *q.query, [&] {
        const engine::PlannerOptions options = session.planner_options();
        std::shared_ptr<storage::lmdb::ReadTxn> txn; // the rows keep it, not this query
        std::unique_ptr<engine::ExecContext> context;
        engine::StatePtr state;
        std::shared_ptr<engine::RunSpares> spares;
        if (session.in_transaction()) {
            // Every run plans in the open transaction, whose writes and rollbacks change
            // what is stored between runs.
            const storage::lmdb::Txn& open = session.transaction_txn();
            context =
                std::make_unique<engine::ExecContext>(session.store(), open, session.cancelled());
            q.plan =
                engine::plan_query(*context, *q.query, engine::load_prefixes(session.store(), open),
                                   options, q.parameters);
            q.snapshot.reset();
        } else {
            Session::Read read = session.read(false);
            txn = std::move(read.own);
            const std::uint64_t snapshot = mdb_txn_id(txn->handle());
            // On the plan's snapshot, everything it read at planning holds: the run takes
            // the context and state an earlier run left, if it left them.
            std::optional<engine::RunSpares::Spare> spare;
            if (q.plan && snapshot == q.snapshot)
                spare = q.spares->take();
            if (spare) {
                context = std::move(spare->context);
                context->rebind(*txn);
                state = std::move(spare->state);
            } else {
                context = std::make_unique<engine::ExecContext>(session.store(), *txn,
                                                                session.cancelled(), read.terms);
            }
            if (!q.plan || snapshot != q.snapshot) {
                q.plan = engine::plan_query(*context, *q.query,
                                            engine::load_prefixes(session.store(), *txn), options,
                                            q.parameters);
                q.snapshot = snapshot;
                q.spares = std::make_shared<engine::RunSpares>();
            }
            spares = q.spares;
        }
        std::vector<TermId>& inputs = q.inputs;
        inputs.assign(q.plan->width, UNBOUND);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto id = context->find(values[i]);
            inputs[i] = id ? *id : context->unstored_id(values[i]);
        }
        // The rows may not outlive this query, whose script their errors point into.
        return with_positions(
            std::make_unique<engine::QueryRun>(q.plan, std::move(context), std::move(txn), inputs,
                                               std::move(state), std::move(spares)),
            std::shared_ptr<const parser::ParsedStatements>(std::shared_ptr<void>(), &q.script),
            *q.query);
    });
}

} // namespace quarry
