#pragma once

// What tests and benchmarks reach behind the public API for: the store of a Database, and
// the parsed statements of a Script. Not installed; programs use quarry/ only.

#include "engine/session.hpp"
#include "parser/parse.hpp"
#include "quarry/database.hpp"

namespace quarry {

struct detail_access {
    static engine::Session& session(Database& database);
    static const parser::ParsedStatements& parsed(const Script& script);
    // The same, shared: rows that outlive the script (execute()'s) keep it for their errors.
    static std::shared_ptr<const parser::ParsedStatements> shared_parsed(const Script& script);
};

} // namespace quarry

namespace quarry::engine {

inline storage::Store& store_of(Database& database) {
    return detail_access::session(database).store();
}

} // namespace quarry::engine
