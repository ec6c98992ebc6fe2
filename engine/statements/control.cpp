// prefix, begin, commit and rollback; and the table of handlers.

#include "engine/error.hpp"
#include "engine/statements.hpp"

#include <fmt/format.h>

#include <array>

namespace quarry::engine {

namespace ast = parser::ast;

StatementKind public_kind(ast::StatementKind kind) {
    switch (kind) {
    case ast::StatementKind::ADD: return StatementKind::ADD;
    case ast::StatementKind::REMOVE: return StatementKind::REMOVE;
    case ast::StatementKind::MATCH: return StatementKind::MATCH;
    case ast::StatementKind::PREFIX: return StatementKind::PREFIX;
    case ast::StatementKind::LOAD: return StatementKind::LOAD;
    case ast::StatementKind::EXPORT: return StatementKind::EXPORT;
    case ast::StatementKind::BEGIN: return StatementKind::BEGIN;
    case ast::StatementKind::COMMIT: return StatementKind::COMMIT;
    case ast::StatementKind::ROLLBACK: return StatementKind::ROLLBACK;
    case ast::StatementKind::RULE: return StatementKind::RULE;
    case ast::StatementKind::DROP_RULE: return StatementKind::DROP_RULE;
    case ast::StatementKind::WHY: return StatementKind::WHY;
    }
    throw InternalError("a statement of no known kind");
}

std::shared_ptr<const ast::Statement> kept_for_replay(const Session& session,
                                                      const ast::Statement& statement) {
    if (session.in_transaction())
        return std::make_shared<const ast::Statement>(statement);
    return std::shared_ptr<const ast::Statement>(std::shared_ptr<void>(), &statement);
}

std::filesystem::path resolve_file(const std::string& name, const StatementContext& context) {
    std::filesystem::path file = name;
    if (file.is_relative() && !context.base_dir.empty())
        file = context.base_dir / file;
    return file;
}

std::string format_name(const ast::Statement& statement, const std::filesystem::path& file) {
    if (!statement.format.empty())
        return statement.format;
    return file.extension().string().substr(file.has_extension() ? 1 : 0);
}

StatementResult run_prefix(Session& session, const ast::Statement& statement,
                           const StatementContext&) {
    if (statement.iri.prefixed)
        throw QueryError("write the IRI of a prefix in full: <…>", &statement);
    storage::Store& store = session.store();
    session.write([&store, name = statement.prefix, iri = statement.iri.text](
                      storage::lmdb::WriteTxn& txn) { store.set_prefix(txn, name, iri); });
    StatementResult result;
    result.kind = StatementKind::PREFIX;
    result.message = fmt::format("prefix {}: is <{}>", statement.prefix, statement.iri.text);
    return result;
}

StatementResult run_begin_commit_rollback(Session& session, const ast::Statement& statement,
                                          const StatementContext&) {
    StatementResult result;
    result.kind = public_kind(statement.kind);
    try {
        switch (statement.kind) {
        case ast::StatementKind::BEGIN:
            session.begin();
            result.message = "transaction started";
            break;
        case ast::StatementKind::COMMIT:
            session.commit();
            result.message = "transaction committed";
            break;
        default:
            session.rollback();
            result.message = "transaction rolled back";
            break;
        }
    } catch (const StorageError&) {
        throw;
    } catch (const Error& e) {
        throw QueryError(e.what(), &statement);
    }
    return result;
}

StatementResult run_statement(Session& session, const ast::Statement& statement,
                              const StatementContext& context) {
    using Handler = StatementResult (*)(Session&, const ast::Statement&, const StatementContext&);
    // In the order of ast::StatementKind.
    static constexpr std::array<Handler, 12> handlers{
        run_add_or_remove,         // ADD
        run_add_or_remove,         // REMOVE
        run_match,                 // MATCH
        run_prefix,                // PREFIX
        run_load,                  // LOAD
        run_export,                // EXPORT
        run_begin_commit_rollback, // BEGIN
        run_begin_commit_rollback, // COMMIT
        run_begin_commit_rollback, // ROLLBACK
        run_rule,                  // RULE
        run_drop_rule,             // DROP_RULE
        run_why,                   // WHY
    };
    static_assert(static_cast<std::size_t>(ast::StatementKind::WHY) + 1 == handlers.size());
    return handlers.at(static_cast<std::size_t>(statement.kind))(session, statement, context);
}

} // namespace quarry::engine
