#pragma once

// Quarry's public C++ API in one include: what a program that embeds Quarry needs.
//
//   #include <quarry/quarry.hpp>
//
//   quarry::Database db("news.qdb");                      // engine/database.hpp
//   auto rows = db.query("match (?s, met, ?o) return ?s, ?o");
//   while (auto row = rows->next()) { ... }               // engine/rows.hpp
//
// - quarry::Database, PreparedQuery, DatabaseOptions, results    engine/database.hpp
// - quarry::engine::Rows, the cursor over a match's rows          engine/rows.hpp
// - quarry::storage::Term and its kinds                           storage/term.hpp
// - engine::format_term, the term conversions; engine::Value      engine/terms.hpp, value.hpp
// - quarry::Error, StorageError; ParseError; QueryError           storage/, parser/, engine/
// - LoadOptions, LoadSummary, ImportFormat, ExportFormat          engine/io/transfer.hpp
//
// Installed, this header is <prefix>/include/quarry/quarry.hpp beside the folders it
// includes from; Quarry::quarry puts both <prefix>/include and <prefix>/include/quarry on
// the include path. In this repository the same include works from the repository root.

#include "engine/database.hpp"
#include "engine/error.hpp"
#include "engine/io/transfer.hpp"
#include "engine/rows.hpp"
#include "engine/terms.hpp"
#include "engine/value.hpp"
#include "storage/error.hpp"
#include "storage/term.hpp"
