// load: a data file (nquads, ntriples, csv, tsv) in one write, or a .qry script, all of
// it or none of it.

#include "engine/error.hpp"
#include "engine/io/transfer.hpp"
#include "engine/statements.hpp"
#include "parser/parse.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace quarry::engine {

namespace ast = parser::ast;

namespace {

StatementResult load_data(Session& session, const ast::Statement& statement,
                          const std::filesystem::path& file, ImportFormat format) {
    LoadOptions options;
    options.format = format;
    options.cancelled = &session.cancelled();
    if (const auto& report = session.load_progress())
        options.progress = [report, name = file.string()](const LoadProgress& now) {
            report(name, now);
        };
    storage::Store& store = session.store();
    const PrefixMap prefixes = session.read().prefixes;
    if (statement.context)
        options.context = to_storage(*statement.context, prefixes);
    auto kept = kept_for_replay(session, statement);
    const LoadSummary summary =
        session.write([&store, file, options, prefixes, kept](storage::lmdb::WriteTxn& txn) {
            std::ifstream in(file, std::ios::binary);
            if (!in)
                throw QueryError(fmt::format("cannot read {}", file.string()), kept.get());
            try {
                // The predicates loaded, for the rules (if there are any).
                std::vector<TermId> predicates;
                const bool rules = store.has_rules(txn);
                LoadSummary loaded = io::load_facts(store, txn, in, file.string(), options,
                                                    prefixes, rules ? &predicates : nullptr);
                if (rules)
                    derive_after_load(store, txn, *options.cancelled, predicates);
                return loaded;
            } catch (const ImportError& e) {
                throw QueryError(e.what(), kept.get());
            }
        });
    StatementResult result;
    result.kind = StatementKind::LOAD;
    result.added = summary.added;
    result.already_present = summary.already_present;
    result.notes = summary.notes; // turtle, trig: prefixes not kept
    return result;
}

StatementResult load_script(Session& session, const ast::Statement& statement,
                            const std::filesystem::path& file) {
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
    if (body.size() >= 2 && is(body.front(), ast::StatementKind::BEGIN) &&
        is(body.back(), ast::StatementKind::COMMIT)) {
        body.erase(body.begin());
        body.pop_back();
    }
    for (const auto* nested : body) {
        if (nested->error)
            throw QueryError(fmt::format("{}:{}:{}: {}", file.string(), nested->error->line(),
                                         nested->error->column(), nested->error->message()),
                             &statement);
        const auto kind = nested->statement->kind;
        if (kind == ast::StatementKind::BEGIN || kind == ast::StatementKind::COMMIT ||
            kind == ast::StatementKind::ROLLBACK)
            throw QueryError(
                fmt::format("{}: a loaded script cannot begin or end transactions", file.string()),
                &statement);
    }
    // One statement: all of the script, or none of it.
    const bool own_transaction = !session.in_transaction();
    if (own_transaction)
        session.begin();
    StatementResult result;
    result.kind = StatementKind::LOAD;
    try {
        StatementContext nested_context;
        nested_context.base_dir = file.parent_path();
        for (const auto* nested : body) {
            StatementResult part = run_statement(session, *nested->statement, nested_context);
            result.added += part.added;
            result.already_present += part.already_present;
            result.removed += part.removed;
        }
    } catch (const QueryError& e) {
        if (own_transaction)
            session.rollback();
        throw QueryError(fmt::format("{}: {}", file.string(), e.what()), &statement);
    } catch (...) {
        if (own_transaction)
            session.rollback();
        throw;
    }
    if (own_transaction)
        session.commit();
    return result;
}

} // namespace

StatementResult run_load(Session& session, const ast::Statement& statement,
                         const StatementContext& context) {
    const std::filesystem::path file = resolve_file(statement.file, context);
    const std::string format = format_name(statement, file);
    if (const auto import = import_format(format))
        return load_data(session, statement, file, *import);
    if (format != "qry")
        throw QueryError(fmt::format("cannot load {} files: the formats are {}",
                                     format.empty() ? "these" : format, IMPORT_FORMATS),
                         &statement);
    return load_script(session, statement, file);
}

} // namespace quarry::engine
