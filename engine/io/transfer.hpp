#pragma once

// Loading RDF files into the store and exporting the store, as the load and export
// statements and `quarry load` / `quarry export` do.

#include "engine/io/nquads_reader.hpp"
#include "engine/terms.hpp"
#include "quarry/transfer.hpp"
#include "storage/store.hpp"

#include <atomic>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace quarry::engine::io {

// The formats, options and summaries of quarry/transfer.hpp (public).
using quarry::export_format;
using quarry::ExportFormat;
using quarry::import_format;
using quarry::ImportFormat;
using quarry::LoadOptions;
using quarry::LoadProgress;
using quarry::LoadSummary;
using quarry::keeps_contexts;
using quarry::IMPORT_FORMATS;
using quarry::EXPORT_FORMATS;

// Where a load reading `in` stands after `statements` (position 0 when unknown).
LoadProgress progress_of(std::istream& in, std::uint64_t statements);

// Reads `in` (named `name` in errors; prefixes for csv/tsv cells) into the store within
// `txn`: all of it, or, on the
// first malformed line (unless skip_bad), nothing, by throwing ImportError. `predicates`,
// if given, gets the predicates of the facts read, each once (for the rules).
LoadSummary load_facts(storage::Store& store, const storage::lmdb::WriteTxn& txn, std::istream& in,
                       const std::string& name, const LoadOptions& options, const PrefixMap& prefixes = {},
                       std::vector<storage::TermId>* predicates = nullptr);

// Writes every fact (of `context` only, if given) to `out`; returns the number written.
// N-Triples and Turtle drop contexts, each triple once; TriG writes a graph per context; csv and tsv write cells in the term syntax,
// with a header; qry writes add statements that recreate the facts, inside one begin … commit.
std::uint64_t export_facts(const storage::Store& store, const storage::lmdb::Txn& txn, std::ostream& out,
                           ExportFormat format, const std::optional<storage::Term>& context);

} // namespace quarry::engine::io
