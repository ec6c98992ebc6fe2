// export: the facts (of one context) to a file, in a format named or by extension.

#include "engine/error.hpp"
#include "engine/io/transfer.hpp"
#include "engine/statements.hpp"

#include <fmt/format.h>

#include <fstream>

namespace quarry::engine {

namespace ast = parser::ast;

StatementResult run_export(Session& session, const ast::Statement& statement,
                           const StatementContext& context) {
    const std::filesystem::path file = resolve_file(statement.file, context);
    const std::string name = format_name(statement, file);
    const auto format = export_format(name);
    if (!format)
        throw QueryError(fmt::format("cannot export to {} files: the formats are {}",
                                     name.empty() ? "these" : name, EXPORT_FORMATS),
                         &statement);
    std::ofstream out(file, std::ios::binary);
    if (!out)
        throw QueryError(fmt::format("cannot write {}", file.string()), &statement);
    const Session::Read read = session.read();
    std::optional<storage::Term> only;
    if (statement.context)
        only = to_storage(*statement.context, read.prefixes);
    StatementResult result;
    result.kind = StatementKind::EXPORT;
    result.message = fmt::format("{} facts exported",
                                 io::export_facts(session.store(), *read.txn, out, *format, only));
    out.flush();
    if (!out)
        throw QueryError(fmt::format("cannot write {}", file.string()), &statement);
    return result;
}

} // namespace quarry::engine
