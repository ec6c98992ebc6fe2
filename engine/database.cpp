#include "engine/database.hpp"

#include "engine/op/index_join.hpp"
#include "engine/planner.hpp"
#include "parser/printer.hpp"
#include "parser/validate.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace quarry {

namespace ast = parser::ast;
using engine::ExecContext;
using engine::Expression;
using engine::QueryPlan;
using engine::SlotMap;
using engine::TermId;
using engine::UNBOUND;
using storage::Quad;

struct Database::Transaction {
    explicit Transaction(storage::lmdb::WriteTxn t) : txn(std::move(t)) {}
    storage::lmdb::WriteTxn txn;
    // The changes made so far, to run again if the map must grow mid-transaction.
    std::vector<std::pair<ast::Statement, std::filesystem::path>> log;
    bool replaying = false;
};

namespace {

engine::PrefixMap load_prefixes(const storage::Store& store, const storage::lmdb::Txn& txn) {
    engine::PrefixMap prefixes;
    for (auto& [name, iri] : store.prefixes(txn))
        prefixes.emplace(std::move(name), std::move(iri));
    return prefixes;
}

void pattern_expr_variables(const std::vector<ast::Pattern>& patterns, SlotMap& slots);

// Slots for the variables of an expression, and of the blocks of its `exists`.
void expr_variables(const ast::Expr& expr, SlotMap& slots) {
    if (expr.op == ast::ExprOp::TERM && expr.term.kind == ast::TermKind::VARIABLE)
        slots.emplace(expr.term.text, slots.size());
    for (const auto& arg : expr.args)
        expr_variables(arg, slots);
    engine::Planner::assign_slots(expr.block, slots);
    pattern_expr_variables(expr.block, slots);
}

void pattern_expr_variables(const std::vector<ast::Pattern>& patterns, SlotMap& slots) {
    for (const auto& pattern : patterns) {
        if (pattern.where)
            expr_variables(*pattern.where, slots);
        pattern_expr_variables(pattern.patterns, slots);
    }
}

// Decoded terms kept across statements, at most (Database::term_cache_).
constexpr std::size_t TERM_CACHE_LIMIT = 1 << 18;

// A query without variables still has rows (one per match): give them a slot, which no
// variable can name, so that batches can count them.
void reserve_a_slot(SlotMap& slots) {
    if (slots.empty())
        slots.emplace("", 0);
}

// The text of each aggregate of `expr`, in the order compile_expression numbers them.
void aggregate_texts(const ast::Expr& expr, std::vector<std::string>& out) {
    if (expr.op == ast::ExprOp::AGGREGATE) {
        out.push_back(parser::print(expr));
        return;
    }
    for (const auto& arg : expr.args)
        aggregate_texts(arg, out);
}

std::string column_name(const ast::ReturnItem& item) {
    if (!item.alias.empty())
        return item.alias;
    if (item.expr.op == ast::ExprOp::TERM && item.expr.term.kind == ast::TermKind::VARIABLE)
        return item.expr.term.text;
    return parser::print(item.expr);
}

// Plans a query in `txn`. `keep` owns what must outlive the rows (the transaction).
// `parameters` (parser::parameters(query)) take the first slots, in order, bound before
// the first tuple.
std::unique_ptr<QueryPlan> plan_query(const storage::Store& store, const storage::lmdb::Txn& txn,
                                      std::shared_ptr<void> keep, const ast::Query& query,
                                      const engine::PrefixMap& prefixes,
                                      const std::atomic<bool>& cancelled,
                                      engine::PlannerOptions options, engine::TermCache* terms = nullptr,
                                      const std::vector<const ast::Term*>& parameters = {}) {
    auto plan = std::make_unique<QueryPlan>();
    plan->context = std::make_unique<ExecContext>(store, txn, cancelled, terms);
    plan->keep = std::move(keep);
    SlotMap slots;
    std::set<std::size_t> bound;
    for (const ast::Term* parameter : parameters) {
        bound.insert(slots.size());
        slots.emplace(engine::slot_name(*parameter), slots.size());
    }
    std::vector<std::string> visible;
    engine::Planner::assign_slots(query.patterns, slots, &visible);
    pattern_expr_variables(query.patterns, slots);
    if (query.where)
        expr_variables(*query.where, slots);
    for (const auto& item : query.returns)
        expr_variables(item.expr, slots);
    for (const auto& key : query.order)
        expr_variables(key.expr, slots);
    reserve_a_slot(slots);

    engine::Planner planner(*plan->context, prefixes, slots, options);
    plan->root = planner.plan_block(query.patterns, query.where, bound);
    plan->width = slots.size();

    if (query.returns.empty()) {
        for (const std::string& name : visible) {
            Expression item;
            item.slot = slots.at(name);
            plan->items.push_back(std::move(item));
            plan->columns.push_back(name);
            plan->item_texts.push_back("?" + name);
        }
    } else {
        for (const auto& item : query.returns) {
            plan->items.push_back(engine::compile_expression(item.expr, slots, prefixes, &plan->aggregates));
            plan->columns.push_back(column_name(item));
            plan->item_texts.push_back(parser::print(item.expr) + (item.alias.empty() ? "" : " as " + item.alias));
            aggregate_texts(item.expr, plan->aggregate_texts);
        }
    }
    for (const auto& key : query.order) {
        QueryPlan::Key compiled;
        compiled.descending = key.descending;
        compiled.text = parser::print(key.expr) + (key.descending ? " desc" : "");
        // A bare name that is an alias, or a variable that is one, orders by that column.
        if (key.expr.op == ast::ExprOp::TERM &&
            (key.expr.term.kind == ast::TermKind::NAME || key.expr.term.kind == ast::TermKind::VARIABLE)) {
            for (std::size_t i = 0; i < query.returns.size(); ++i)
                if (query.returns[i].alias == key.expr.term.text &&
                    (key.expr.term.kind == ast::TermKind::NAME || !slots.count(key.expr.term.text) ||
                     !std::count(visible.begin(), visible.end(), key.expr.term.text)))
                    compiled.column = i;
        }
        if (!compiled.column) {
            compiled.expr = engine::compile_expression(key.expr, slots, prefixes, &plan->aggregates);
            aggregate_texts(key.expr, plan->aggregate_texts);
        }
        plan->order.push_back(std::move(compiled));
    }
    plan->grouped = !plan->aggregates.empty();
    plan->distinct = query.distinct;
    plan->limit = query.limit;
    plan->offset = query.offset.value_or(0);
    planner.count_from_statistics(query, *plan);
    engine::plan_result_stage(*plan, options);
    return plan;
}

// Rows holding fixed lines of text (explain).
class TextRows : public Rows {
public:
    TextRows(std::string column, std::vector<std::string> lines)
        : columns_{std::move(column)}, lines_(std::move(lines)) {}
    const std::vector<std::string>& columns() const override { return columns_; }
    std::optional<Row> next() override {
        if (next_ >= lines_.size())
            return std::nullopt;
        return Row{storage::Term::string(lines_[next_++])};
    }

private:
    std::vector<std::string> columns_;
    std::vector<std::string> lines_;
    std::size_t next_ = 0;
};

void describe_tree(const engine::Operator& op, bool analyze, const std::string& indent,
                   std::vector<std::string>& lines) {
    std::string line = indent + op.describe();
    if (op.estimate > 0)
        line += op.estimate >= 10 ? fmt::format(" est. {:.0f}", op.estimate)
                                  : fmt::format(" est. {:.2g}", op.estimate);
    if (analyze)
        line += fmt::format(" | rows {} time {:.3f} ms", op.rows_out,
                            std::chrono::duration<double, std::milli>(op.elapsed).count());
    lines.push_back(std::move(line));
    for (const engine::Operator* input : op.inputs())
        describe_tree(*input, analyze, indent + "  ", lines);
}

void set_timed(engine::Operator& op) {
    op.timed = true;
    for (const engine::Operator* input : op.inputs())
        set_timed(const_cast<engine::Operator&>(*input));
}

bool has_variables(const ast::Tuple& tuple) {
    for (const ast::Term* term : {&tuple.subject, &tuple.predicate.term, &tuple.object,
                                  tuple.context ? &*tuple.context : nullptr})
        if (term && (term->kind == ast::TermKind::VARIABLE || term->kind == ast::TermKind::WILDCARD))
            return true;
    return false;
}

} // namespace

Database::Database(const std::filesystem::path& path, const DatabaseOptions& options)
    : store_(path, storage::StoreOptions{options.read_only, options.map_size, options.no_sync}),
      planner_options_(options.planner) {}

Database::~Database() = default;

template <typename Fn>
auto Database::write(Fn&& fn) {
    if (!transaction_)
        return store_.write(fn);
    for (;;) {
        try {
            return fn(transaction_->txn);
        } catch (const StorageError& e) {
            if (e.code() != MDB_MAP_FULL || transaction_->replaying)
                throw;
        }
        // The map is full mid-transaction: start it again in a larger map and redo the
        // statements it ran so far, then this one.
        auto log = std::move(transaction_->log);
        for (;;) {
            transaction_->txn.abort();
            store_.grow_map(store_.env().used_bytes());
            transaction_->txn = store_.begin_write();
            transaction_->replaying = true;
            try {
                for (const auto& [statement, base_dir] : log)
                    run_statement(statement, base_dir);
                transaction_->replaying = false;
                break;
            } catch (const StorageError& e) {
                transaction_->replaying = false;
                if (e.code() != MDB_MAP_FULL)
                    throw;
            }
        }
        transaction_->log = std::move(log);
    }
}

StatementResult Database::run(const parser::ParsedStatements& script,
                              const parser::ParsedStatement& statement,
                              const std::filesystem::path& base_dir) {
    if (statement.error)
        throw *statement.error;
    cancelled_.store(false);
    try {
        return run_statement(*statement.statement, base_dir);
    } catch (const QueryError& e) {
        throw e.node() ? script.error_at(*e.node(), e.what())
                       : script.error_at(*statement.statement, e.what());
    }
}

StatementResult Database::run_match(const ast::Statement& statement) {
    const ast::Query& query = *statement.query;
    if (const auto parameters = parser::parameters(query); !parameters.empty())
        throw QueryError("$" + parameters[0]->text +
                             " has no value: a match with parameters runs through Database::prepare",
                         parameters[0]);
    engine::PlannerOptions options = planner_options_;
    options.explaining = statement.explain;
    std::unique_ptr<QueryPlan> plan;
    if (transaction_) {
        plan = plan_query(store_, transaction_->txn, nullptr, query,
                          load_prefixes(store_, transaction_->txn), cancelled_, options);
    } else {
        auto txn = std::make_shared<storage::lmdb::ReadTxn>(store_.begin_read());
        const auto prefixes = load_prefixes(store_, *txn);
        const storage::lmdb::Txn& txn_ref = *txn;
        // Decoded terms are kept across statements, up to a bound checked only here,
        // between statements, since a running one holds references into the cache.
        if (term_cache_.size() > TERM_CACHE_LIMIT)
            term_cache_.clear();
        plan = plan_query(store_, txn_ref, txn, query, prefixes, cancelled_, options, &term_cache_);
    }
    StatementResult result;
    result.kind = ast::StatementKind::MATCH;
    if (!statement.explain) {
        result.rows = engine::make_query_rows(std::move(plan));
        return result;
    }
    std::vector<std::string> lines;
    if (statement.analyze) {
        set_timed(*plan->root);
        engine::Operator& root = *plan->root;
        auto rows = engine::make_query_rows(std::move(plan));
        std::size_t count = 0;
        const auto start = std::chrono::steady_clock::now();
        while (rows->next())
            ++count;
        const auto total = std::chrono::steady_clock::now() - start;
        describe_tree(root, true, "", lines);
        lines.push_back(fmt::format("{} rows in {:.3f} ms", count,
                                    std::chrono::duration<double, std::milli>(total).count()));
    } else {
        describe_tree(*plan->root, false, "", lines);
    }
    result.rows = std::make_unique<TextRows>("plan", std::move(lines));
    result.plan = true;
    return result;
}

namespace {

// Solutions of a match inside a write transaction, as rows of ids, with their slots.
std::pair<std::vector<std::vector<TermId>>, SlotMap>
solutions(const storage::Store& store, const storage::lmdb::Txn& txn, const ast::Query& query,
          const engine::PrefixMap& prefixes, const std::atomic<bool>& cancelled) {
    ExecContext context(store, txn, cancelled);
    SlotMap slots;
    engine::Planner::assign_slots(query.patterns, slots);
    pattern_expr_variables(query.patterns, slots);
    if (query.where)
        expr_variables(*query.where, slots);
    reserve_a_slot(slots);
    engine::Planner planner(context, prefixes, slots);
    engine::OperatorPtr root = planner.plan_block(query.patterns, query.where, {});
    const std::vector<TermId> unbound(slots.size(), UNBOUND);
    root->reset(unbound.data());
    std::vector<std::vector<TermId>> rows;
    engine::RowBatch batch;
    batch.width = slots.size();
    while (root->next(context, batch))
        for (std::size_t i = 0; i < batch.size(); ++i)
            rows.emplace_back(batch.row(i), batch.row(i) + batch.width);
    return {std::move(rows), std::move(slots)};
}

// Every stored quad of the triple (s, p, o), in any context.
void quads_of_triple(const storage::Store& store, const storage::lmdb::Txn& txn, const Quad& triple,
                     std::vector<Quad>& out) {
    storage::QuadPattern pattern;
    pattern.terms = {triple[0], triple[1], triple[2], std::nullopt};
    storage::QuadScan scan = store.scan(txn, pattern);
    while (auto quad = scan.next())
        out.push_back(*quad);
}

} // namespace

StatementResult Database::run_change(const ast::Statement& statement, storage::lmdb::WriteTxn& txn) {
    const auto prefixes = load_prefixes(store_, txn);
    const bool adding = statement.kind == ast::StatementKind::ADD;
    std::vector<Quad> quads;
    // A term of a fact to add (interned) or to remove (looked up; nullopt if not stored).
    auto id_of = [&](const ast::Term& term) -> std::optional<TermId> {
        const storage::Term value = engine::to_storage(term, prefixes);
        if (adding)
            return store_.intern(txn, value);
        return store_.find(txn, value);
    };
    // Adds the quads a template tuple makes of one row (`row` null: constants only).
    auto instantiate = [&](const ast::Tuple& tuple, const SlotMap* slots, const TermId* row) {
        std::array<std::optional<TermId>, 4> ids;
        const std::array<const ast::Term*, 4> terms{&tuple.subject, &tuple.predicate.term,
                                                    &tuple.object, tuple.context ? &*tuple.context : nullptr};
        for (unsigned pos = 0; pos < 4; ++pos) {
            if (!terms[pos])
                continue;
            if (terms[pos]->kind == ast::TermKind::VARIABLE) {
                const TermId id = row[slots->at(terms[pos]->text)];
                if (id == UNBOUND)
                    return; // an unbound variable: this row makes no fact
                ids[pos] = id;
            } else {
                ids[pos] = id_of(*terms[pos]);
                if (!ids[pos])
                    return; // removing a fact with a term nobody stored: nothing to do
            }
        }
        if (terms[3]) {
            quads.push_back({*ids[0], *ids[1], *ids[2], *ids[3]});
        } else if (adding) {
            quads.push_back({*ids[0], *ids[1], *ids[2], storage::DEFAULT_CONTEXT_ID});
        } else {
            quads_of_triple(store_, txn, {*ids[0], *ids[1], *ids[2], 0}, quads);
        }
    };

    if (statement.query) {
        const auto [rows, slots] = solutions(store_, txn, *statement.query, prefixes, cancelled_);
        for (const auto& row : rows)
            for (const auto& tuple : statement.tuples)
                instantiate(tuple, &slots, row.data());
    } else {
        for (const auto& tuple : statement.tuples) {
            if (!has_variables(tuple)) {
                instantiate(tuple, nullptr, nullptr);
                continue;
            }
            // remove with variables or wildcards: every fact the tuple matches.
            SlotMap slots;
            ast::Query query;
            ast::Pattern pattern;
            pattern.tuple = tuple;
            query.patterns.push_back(pattern);
            engine::Planner::assign_slots(query.patterns, slots);
            ExecContext context(store_, txn, cancelled_);
            engine::Planner planner(context, prefixes, slots);
            engine::TuplePlan plan;
            const std::vector<TermId> unbound(slots.size(), UNBOUND);
            storage::QuadPattern constants;
            bool missing = false;
            for (unsigned pos = 0; pos < 4; ++pos) {
                const ast::Term* term = pos == 0 ? &tuple.subject : pos == 1 ? &tuple.predicate.term
                                        : pos == 2 ? &tuple.object : tuple.context ? &*tuple.context : nullptr;
                if (!term || term->kind == ast::TermKind::WILDCARD)
                    continue;
                if (term->kind == ast::TermKind::VARIABLE) {
                    plan.positions[pos] = {engine::TuplePosition::SLOT, 0, slots.at(term->text)};
                    continue;
                }
                const auto id = store_.find(txn, engine::to_storage(*term, prefixes));
                if (!id)
                    missing = true;
                else
                    constants.terms[pos] = *id;
            }
            if (missing)
                continue;
            storage::QuadScan scan = store_.scan(txn, constants);
            std::vector<TermId> row(slots.size());
            while (auto quad = scan.next()) {
                std::copy(unbound.begin(), unbound.end(), row.begin());
                if (engine::IndexJoin::bind(plan, *quad, row.data()))
                    quads.push_back(*quad);
            }
        }
    }
    StatementResult result;
    result.kind = statement.kind;
    if (adding) {
        const storage::AddResult added = store_.add(txn, quads);
        result.added = added.added;
        result.already_present = added.already_present;
    } else {
        std::sort(quads.begin(), quads.end());
        quads.erase(std::unique(quads.begin(), quads.end()), quads.end());
        result.removed = store_.remove(txn, quads).removed;
    }
    return result;
}

StatementResult Database::run_statement(const ast::Statement& statement,
                                        const std::filesystem::path& base_dir) {
    StatementResult result;
    result.kind = statement.kind;
    switch (statement.kind) {
    case ast::StatementKind::MATCH:
        return run_match(statement);
    case ast::StatementKind::ADD:
    case ast::StatementKind::REMOVE:
        if (statement.explain)
            throw QueryError("explain shows the plans of match statements; explain the match "
                             "part of this statement instead",
                             &statement);
        result = write([&](storage::lmdb::WriteTxn& txn) { return run_change(statement, txn); });
        break;
    case ast::StatementKind::PREFIX:
        if (statement.iri.prefixed)
            throw QueryError("write the IRI of a prefix in full: <…>", &statement);
        write([&](storage::lmdb::WriteTxn& txn) { store_.set_prefix(txn, statement.prefix, statement.iri.text); });
        result.message = fmt::format("prefix {}: is <{}>", statement.prefix, statement.iri.text);
        break;
    case ast::StatementKind::BEGIN:
        if (transaction_)
            throw QueryError("a transaction is already open (commit or rollback it first)", &statement);
        transaction_ = std::make_unique<Transaction>(store_.begin_write());
        result.message = "transaction started";
        return result;
    case ast::StatementKind::COMMIT:
    case ast::StatementKind::ROLLBACK: {
        if (!transaction_)
            throw QueryError("no transaction is open", &statement);
        auto transaction = std::move(transaction_);
        if (statement.kind == ast::StatementKind::COMMIT) {
            transaction->txn.commit();
            result.message = "transaction committed";
        } else {
            transaction->txn.abort();
            result.message = "transaction rolled back";
        }
        return result;
    }
    case ast::StatementKind::LOAD: {
        std::filesystem::path file = statement.file;
        if (file.is_relative() && !base_dir.empty())
            file = base_dir / file;
        const std::string format = !statement.format.empty() ? statement.format
                                                              : file.extension().string().substr(file.has_extension() ? 1 : 0);
        if (const auto import = engine::io::import_format(format)) {
            engine::io::LoadOptions options;
            options.format = *import;
            options.cancelled = &cancelled_;
            if (load_progress_) {
                const std::string name = file.string();
                options.progress = [this, name](const engine::io::LoadProgress& now) { load_progress_(name, now); };
            }
            const engine::PrefixMap prefixes = load_prefixes(store_, store_.begin_read());
            if (statement.context)
                options.context = engine::to_storage(*statement.context, prefixes);
            const auto summary = write([&](storage::lmdb::WriteTxn& txn) {
                std::ifstream in(file, std::ios::binary);
                if (!in)
                    throw QueryError(fmt::format("cannot read {}", file.string()), &statement);
                try {
                    return engine::io::load_facts(store_, txn, in, file.string(), options, prefixes);
                } catch (const ImportError& e) {
                    throw QueryError(e.what(), &statement);
                }
            });
            result.added = summary.added;
            result.already_present = summary.already_present;
            break;
        }
        if (format != "qry")
            throw QueryError(fmt::format("cannot load {} files: the formats are {}", format.empty() ? "these" : format,
                                         engine::io::IMPORT_FORMATS),
                             &statement);
        if (statement.context)
            throw QueryError("a .qry script names its own contexts: load it without into", &statement);
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw QueryError(fmt::format("cannot read {}", file.string()), &statement);
        std::stringstream text;
        text << in.rdbuf();
        const parser::ParsedStatements loaded = parser::parse(text.str());
        // A script wrapped in one begin … commit (as export writes them) is loaded as one
        // statement all the same: the wrapping is dropped.
        std::vector<const parser::ParsedStatement*> body;
        for (const auto& nested : loaded.statements())
            body.push_back(&nested);
        auto is = [](const parser::ParsedStatement* nested, ast::StatementKind kind) {
            return !nested->error && nested->statement->kind == kind;
        };
        if (body.size() >= 2 && is(body.front(), ast::StatementKind::BEGIN) && is(body.back(), ast::StatementKind::COMMIT)) {
            body.erase(body.begin());
            body.pop_back();
        }
        for (const auto* nested_pointer : body) {
            const auto& nested = *nested_pointer;
            if (nested.error)
                throw QueryError(fmt::format("{}:{}:{}: {}", file.string(), nested.error->line(),
                                             nested.error->column(), nested.error->message()),
                                 &statement);
            const auto kind = nested.statement->kind;
            if (kind == ast::StatementKind::BEGIN || kind == ast::StatementKind::COMMIT ||
                kind == ast::StatementKind::ROLLBACK)
                throw QueryError(fmt::format("{}: a loaded script cannot begin or end transactions",
                                             file.string()),
                                 &statement);
        }
        // One statement: all of the script, or none of it.
        const bool own_transaction = !transaction_;
        if (own_transaction)
            transaction_ = std::make_unique<Transaction>(store_.begin_write());
        try {
            for (const auto* nested : body) {
                StatementResult part = run_statement(*nested->statement, file.parent_path());
                result.added += part.added;
                result.already_present += part.already_present;
                result.removed += part.removed;
            }
        } catch (const QueryError& e) {
            if (own_transaction)
                transaction_.reset();
            throw QueryError(fmt::format("{}: {}", file.string(), e.what()), &statement);
        } catch (...) {
            if (own_transaction)
                transaction_.reset();
            throw;
        }
        if (own_transaction) {
            transaction_->txn.commit();
            transaction_.reset();
        }
        return result;
    }
    case ast::StatementKind::EXPORT: {
        std::filesystem::path file = statement.file;
        if (file.is_relative() && !base_dir.empty())
            file = base_dir / file;
        const std::string name = !statement.format.empty() ? statement.format
                                                            : file.extension().string().substr(file.has_extension() ? 1 : 0);
        const auto format = engine::io::export_format(name);
        if (!format)
            throw QueryError(fmt::format("cannot export to {} files: the formats are {}", name.empty() ? "these" : name,
                                         engine::io::EXPORT_FORMATS),
                             &statement);
        std::ofstream out(file, std::ios::binary);
        if (!out)
            throw QueryError(fmt::format("cannot write {}", file.string()), &statement);
        std::optional<storage::Term> context;
        const storage::lmdb::Txn* txn = transaction_ ? static_cast<const storage::lmdb::Txn*>(&transaction_->txn) : nullptr;
        std::optional<storage::lmdb::ReadTxn> own;
        if (!txn)
            txn = &own.emplace(store_.begin_read());
        if (statement.context)
            context = engine::to_storage(*statement.context, load_prefixes(store_, *txn));
        result.message = fmt::format("{} facts exported", engine::io::export_facts(store_, *txn, out, *format, context));
        out.flush();
        if (!out)
            throw QueryError(fmt::format("cannot write {}", file.string()), &statement);
        return result;
    }
    }
    if (transaction_ && !transaction_->replaying)
        transaction_->log.emplace_back(statement, base_dir);
    return result;
}

std::vector<StatementResult> Database::execute(const std::string& source,
                                               const std::filesystem::path& base_dir) {
    const parser::ParsedStatements script = parser::parse(source);
    std::vector<StatementResult> results;
    for (const auto& statement : script.statements())
        results.push_back(run(script, statement, base_dir));
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
        throw QueryError(fmt::format("{} takes exactly one match statement; use execute() for others", caller));
    return script;
}

} // namespace

std::unique_ptr<Rows> Database::query(const std::string& text) {
    const parser::ParsedStatements script = parse_match(text, "query()");
    return std::move(run(script, script.statements()[0]).rows);
}

std::unique_ptr<PreparedQuery> Database::prepare(const std::string& text) {
    return std::make_unique<PreparedQuery>(PreparedQuery::Key(), *this, parse_match(text, "prepare()"));
}

PreparedQuery::PreparedQuery(Key, Database& database, parser::ParsedStatements script)
    : database_(database), script_(std::move(script)),
      query_(&*script_.statements()[0].statement->query), parameters_(parser::parameters(*query_)) {
    for (const ast::Term* parameter : parameters_)
        names_.push_back(parameter->text);
}

PreparedQuery::~PreparedQuery() = default;

std::unique_ptr<Rows> PreparedQuery::run(const std::vector<storage::Term>& values) {
    if (values.size() != names_.size()) {
        std::string expected;
        for (const std::string& name : names_)
            expected += (expected.empty() ? "$" : ", $") + name;
        throw QueryError(fmt::format("the query has {} parameter{}{}{}, and {} value{} given", names_.size(),
                                     names_.size() == 1 ? "" : "s", names_.empty() ? "" : ": ", expected,
                                     values.size(), values.size() == 1 ? " was" : "s were"));
    }
    Database& db = database_;
    db.cancelled_.store(false);
    try {
        engine::PlannerOptions options = db.planner_options_;
        std::shared_ptr<storage::lmdb::ReadTxn> txn; // the rows keep it, not this query
        if (db.transaction_) {
            // Every run plans in the open transaction, whose writes and rollbacks change
            // what is stored between runs.
            plan_ = plan_query(db.store_, db.transaction_->txn, nullptr, *query_,
                               load_prefixes(db.store_, db.transaction_->txn), db.cancelled_, options,
                               nullptr, parameters_);
            snapshot_.reset();
        } else {
            txn = std::make_shared<storage::lmdb::ReadTxn>(db.store_.begin_read());
            const std::uint64_t snapshot = mdb_txn_id(txn->handle());
            if (db.term_cache_.size() > TERM_CACHE_LIMIT)
                db.term_cache_.clear();
            if (plan_ && snapshot == snapshot_) {
                // The same snapshot as the plan's: everything it read at planning holds.
                plan_->context->rebind(*txn);
            } else {
                plan_ = plan_query(db.store_, *txn, nullptr, *query_, load_prefixes(db.store_, *txn),
                                   db.cancelled_, options, &db.term_cache_, parameters_);
                snapshot_ = snapshot;
            }
        }
        engine::ExecContext& context = *plan_->context;
        plan_->inputs.assign(plan_->width, UNBOUND);
        for (std::size_t i = 0; i < values.size(); ++i) {
            const auto id = context.find(values[i]);
            plan_->inputs[i] = id ? *id : context.unstored_id(values[i]);
        }
        return engine::make_query_rows(*plan_, std::move(txn));
    } catch (const QueryError& e) {
        throw e.node() ? script_.error_at(*e.node(), e.what()) : script_.error_at(*query_, e.what());
    }
}

storage::AddResult Database::add(const std::vector<Fact>& facts) {
    return write([&](storage::lmdb::WriteTxn& txn) {
        std::vector<Quad> quads;
        quads.reserve(facts.size());
        for (const Fact& fact : facts)
            quads.push_back({store_.intern(txn, fact.subject), store_.intern(txn, fact.predicate),
                             store_.intern(txn, fact.object), store_.intern(txn, fact.context)});
        return store_.add(txn, quads);
    });
}

} // namespace quarry

namespace quarry {

DatabaseStatistics Database::statistics() const {
    DatabaseStatistics out;
    auto txn = store_.begin_read();
    out.facts = store_.fact_count(txn);
    out.terms = store_.dictionary().size(txn);
    std::error_code error;
    out.file_bytes = std::filesystem::file_size(store_.path(), error);
    store_.statistics().for_each_predicate(txn, [&](storage::TermId id, const storage::PredicateStats& stats) {
        DatabaseStatistics::Predicate predicate{store_.resolve(txn, id), stats, {}};
        // The kinds of its objects: one seek per id tag in POSC.
        for (unsigned tag = 0; tag < 16; ++tag) {
            const auto t = static_cast<storage::IdTag>(tag);
            storage::QuadScan scan(txn, store_.index(storage::Permutation::POSC),
                                   storage::Key{id, storage::first_id(t), 0, 0},
                                   storage::Key{id, storage::last_id(t), ~0ULL, ~0ULL}, storage::ScanMode::QUADS);
            if (const auto key = scan.next_key()) {
                const auto kind = storage::kind_of((*key)[1]);
                if (std::find(predicate.object_kinds.begin(), predicate.object_kinds.end(), kind) ==
                    predicate.object_kinds.end())
                    predicate.object_kinds.push_back(kind);
            }
        }
        out.predicates.push_back(std::move(predicate));
    });
    store_.statistics().for_each_context(txn, [&](storage::TermId id, std::uint64_t facts) {
        out.contexts.emplace_back(store_.resolve(txn, id), facts);
    });
    std::stable_sort(out.predicates.begin(), out.predicates.end(),
                     [](const auto& a, const auto& b) { return a.stats.facts > b.stats.facts; });
    std::stable_sort(out.contexts.begin(), out.contexts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return out;
}

std::vector<std::pair<std::string, std::string>> Database::prefixes() const {
    auto txn = store_.begin_read();
    return store_.prefixes(txn);
}

std::vector<std::string> Database::complete(std::string_view prefix, std::size_t limit) const {
    std::vector<std::string> out;
    auto txn = store_.begin_read();
    store_.dictionary().scan_prefix(txn, storage::TermKind::NAME, prefix, [&](const storage::Term& term, storage::TermId) {
        out.push_back(term.text());
        return out.size() < limit;
    });
    return out;
}

} // namespace quarry

namespace quarry {

namespace {

// Room in the map for a write that reads `file` (`factor` bytes stored per byte read, at
// most), made up front rather than by running the write again each time the map fills.
void reserve_map_for(storage::Store& store, const std::filesystem::path& file, std::size_t factor) {
    std::error_code error;
    if (const auto bytes = std::filesystem::file_size(file, error); !error)
        store.reserve_map(bytes * factor);
}

} // namespace

engine::io::LoadSummary Database::load(const std::filesystem::path& file, const engine::io::LoadOptions& given) {
    // A fact takes less room stored than as text, but short lines can take more.
    reserve_map_for(store_, file, 3);
    cancelled_.store(false);
    engine::io::LoadOptions options = given;
    if (!options.cancelled)
        options.cancelled = &cancelled_;
    return write([&](storage::lmdb::WriteTxn& txn) {
        std::ifstream in(file, std::ios::binary);
        if (!in)
            throw StorageError(fmt::format("cannot read {}", file.string()));
        return engine::io::load_facts(store_, txn, in, file.string(), options, load_prefixes(store_, txn));
    });
}

std::uint64_t Database::export_facts(std::ostream& out, engine::io::ExportFormat format,
                                     const std::optional<storage::Term>& context) {
    auto txn = store_.begin_read();
    return engine::io::export_facts(store_, txn, out, format, context);
}

storage::DumpCounts Database::dump(const std::filesystem::path& file) const {
    auto txn = store_.begin_read();
    return storage::dump(store_, txn, file);
}

storage::DumpCounts Database::restore(const std::filesystem::path& file) {
    if (transaction_)
        throw StorageError("restore cannot run inside a transaction");
    term_cache_.clear();
    reserve_map_for(store_, file, 6); // a dump stores a fact in about a third of the room
    return storage::restore(store_, file);
}

} // namespace quarry
