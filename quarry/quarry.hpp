#pragma once

// Quarry's public C++ API in one include: what a program that embeds Quarry needs.
//
//   #include <quarry/quarry.hpp>
//
//   quarry::Database db("news.qdb");
//   auto rows = db.query("match (?s, met, ?o) return ?s, ?o");
//   while (auto row = rows->next()) { ... }
//
// - quarry::Database, PreparedQuery, Script, DatabaseOptions, results   quarry/database.hpp
// - quarry::Rows, Row, Value: the cursor over a match's rows              quarry/rows.hpp
// - quarry::Term and its kinds; format_term, text_of                      quarry/term.hpp
// - quarry::Error and its kinds: ParseError, ImportError, StorageError…   quarry/error.hpp
// - LoadOptions, LoadSummary, ImportFormat, ExportFormat                  quarry/transfer.hpp
//
// These headers include nothing but the standard library. Installed, they are
// <prefix>/include/quarry/; Quarry::quarry puts <prefix>/include on the include path.

#include "quarry/database.hpp"
#include "quarry/error.hpp"
#include "quarry/rows.hpp"
#include "quarry/term.hpp"
#include "quarry/transfer.hpp"
