#pragma once

// Loading files into a database and exporting its facts (Database::load, export_facts):
// the formats, and the options and summary of a load.

#include "quarry/term.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace quarry {

enum class ImportFormat { NQUADS, NTRIPLES, CSV, TSV, TURTLE, TRIG, JSONL };
// nquads, nq, ntriples, nt, csv, tsv, turtle, ttl, trig, jsonl; nullopt if unknown.
std::optional<ImportFormat> import_format(const std::string& name);

// How far a load has got: bytes of the input consumed and statements read so far.
struct LoadProgress {
    std::uint64_t bytes = 0;
    std::uint64_t statements = 0;
};

struct LoadOptions {
    ImportFormat format = ImportFormat::NQUADS;
    std::optional<bool> header;  // csv/tsv: a header row (nullopt: detect it)
    std::optional<Term> context; // where triples (default-graph statements) go
    bool skip_bad = false;       // skip malformed lines instead of failing (not turtle, trig)
    std::string base;            // turtle, trig: the base IRI (empty: the file's file: IRI)
    std::size_t memory = std::size_t{1} << 30; // bytes for sorting (empty store) or chunks of quads
    // Called every PROGRESS_EVERY statements and once at the end (for a progress line).
    std::function<void(const LoadProgress&)> progress;
    // Set from another thread (Ctrl-C) to stop the load: it throws Cancelled, between
    // batches and before it returns, so that its transaction stores nothing. Unset, the
    // Database's own flag (Database::cancel) serves.
    const std::atomic<bool>* cancelled = nullptr;
    static constexpr std::uint64_t PROGRESS_EVERY = 16'384;
};

struct LoadSummary {
    std::uint64_t read = 0; // statements read
    std::uint64_t added = 0;
    std::uint64_t already_present = 0;
    std::uint64_t skipped = 0;              // malformed lines skipped (skip_bad)
    std::vector<std::string> first_skipped; // the first ten, as file:line:col: message
    // turtle, trig: the prefixes the file declared that became the database's, and notes
    // on those that did not (a name the database gives another IRI, or not a prefix name).
    std::vector<std::pair<std::string, std::string>> prefixes_added;
    std::vector<std::string> notes;
};

enum class ExportFormat { NQUADS, NTRIPLES, CSV, TSV, QRY, TURTLE, TRIG };
// nquads, nq, ntriples, nt, csv, tsv, qry, turtle, ttl, trig; nullopt if unknown.
std::optional<ExportFormat> export_format(const std::string& name);

// False for the formats that hold triples only (N-Triples, Turtle): exporting facts of
// named contexts to them drops the contexts.
bool keeps_contexts(ExportFormat format);

// The import and export formats, for messages and --help: "nquads (.nq), ntriples (.nt), …".
extern const char* const IMPORT_FORMATS;
extern const char* const EXPORT_FORMATS;

} // namespace quarry
