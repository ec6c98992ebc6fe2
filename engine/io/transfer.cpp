#include "engine/io/transfer.hpp"

#include "engine/exec_context.hpp"

#include "engine/io/rdf_terms.hpp"
#include "engine/io/read_ahead.hpp"
#include "engine/io/jsonl_reader.hpp"
#include "engine/io/table_reader.hpp"
#include "engine/io/turtle_reader.hpp"
#include "engine/io/turtle_writer.hpp"
#include "engine/terms.hpp"
#include "parser/lexer.hpp"
#include "storage/bulk_append.hpp"
#include "storage/dictionary_batch.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <random>
#include <thread>
#include <unordered_set>

namespace quarry {

std::optional<ImportFormat> import_format(const std::string& name) {
    if (name == "nquads" || name == "nq")
        return ImportFormat::NQUADS;
    if (name == "ntriples" || name == "nt")
        return ImportFormat::NTRIPLES;
    if (name == "csv")
        return ImportFormat::CSV;
    if (name == "tsv")
        return ImportFormat::TSV;
    if (name == "turtle" || name == "ttl")
        return ImportFormat::TURTLE;
    if (name == "trig")
        return ImportFormat::TRIG;
    if (name == "jsonl")
        return ImportFormat::JSONL;
    return std::nullopt;
}

const char* const IMPORT_FORMATS =
    "nquads (.nq), ntriples (.nt), turtle (.ttl), trig, jsonl, csv, tsv and qry (a script)";
const char* const EXPORT_FORMATS = "nquads (.nq), ntriples (.nt), turtle (.ttl), trig, csv, tsv and qry";

bool keeps_contexts(ExportFormat format) { return format != ExportFormat::NTRIPLES && format != ExportFormat::TURTLE; }

} // namespace quarry

namespace quarry::engine::io {

namespace {

// The stored terms of an RDF quad, into a statement of the read-ahead (no graph: none).
void from_rdf(const RdfQuad& quad, const std::string& load_id, ReadAhead::Statement& statement) {
    from_rdf(quad.subject, load_id, statement[0]);
    from_rdf(quad.predicate, load_id, statement[1]);
    from_rdf(quad.object, load_id, statement[2]);
    if (quad.graph)
        from_rdf(*quad.graph, load_id, statement[3]);
    else
        statement[3].reset();
}

// After a Turtle or TriG load: the prefixes the file declared become the database's,
// except a name the database gives another IRI and one the query language cannot write.
void keep_prefixes(storage::Store& store, const storage::lmdb::WriteTxn& txn, const TurtleReader& reader,
                   const std::string& name, LoadSummary& summary) {
    const auto known = store.prefixes(txn);
    for (const auto& [prefix, iri] : reader.prefixes()) {
        const std::string written = prefix + ":";
        auto first = written.cbegin();
        std::string scanned;
        if (prefix.empty()) { // TODO(someday): the prefix table cannot hold an empty key
            summary.notes.push_back(fmt::format("{}: prefix : <{}> not kept: the database cannot hold the empty prefix",
                                                name, iri));
            continue;
        }
        if (!parser::scan_prefix_name(first, written.cend(), scanned) || first != written.cend()) {
            summary.notes.push_back(fmt::format("{}: prefix {}: not kept: the query language cannot write it", name,
                                                written));
            continue;
        }
        const auto found = std::find_if(known.begin(), known.end(), [&](const auto& entry) { return entry.first == prefix; });
        if (found != known.end()) {
            if (found->second != iri)
                summary.notes.push_back(fmt::format("{}: prefix {} <{}> not kept: the database has {} <{}>", name,
                                                    written, iri, written, found->second));
            continue;
        }
        store.set_prefix(txn, prefix, iri);
        summary.prefixes_added.emplace_back(prefix, iri);
    }
    for (const std::string& prefix : reader.clashes())
        summary.notes.push_back(
            fmt::format("{}: prefix {} declared again with another IRI; the first one is kept", name, prefix + ":"));
}

} // namespace

LoadProgress progress_of(std::istream& in, std::uint64_t statements) {
    const auto position = in.tellg();
    return {position < 0 ? 0 : static_cast<std::uint64_t>(position), statements};
}

LoadSummary load_facts(storage::Store& store, const storage::lmdb::WriteTxn& txn, std::istream& in,
                       const std::string& name, const LoadOptions& options, const PrefixMap& prefixes,
                       std::vector<storage::TermId>* predicates) {
    LoadSummary summary;
    const bool rdf = options.format == ImportFormat::NQUADS || options.format == ImportFormat::NTRIPLES;
    const bool turtle = options.format == ImportFormat::TURTLE || options.format == ImportFormat::TRIG;
    if (turtle && options.skip_bad)
        throw Error(fmt::format("{}: --skip-bad needs a format of one statement a line (N-Triples, N-Quads, JSON "
                                "Lines, CSV, TSV); a Turtle or TriG statement can span lines",
                                name));
    TableReader table(in, name, options.format == ImportFormat::CSV, options.header, prefixes);
    const std::string load_id = fmt::format("{:08x}", static_cast<std::uint32_t>(std::random_device{}()));
    const storage::TermId default_context =
        options.context ? store.intern(txn, *options.context) : storage::DEFAULT_CONTEXT_ID;
    // Into a store without facts, every index is written in order from keys sorted in
    // 3/8 of the budget (storage/bulk_append.hpp); otherwise quads are merged in, in
    // chunks that keep memory within the budget whatever the size. A quarter of the
    // budget is for new terms (storage/dictionary_batch.hpp), the rest for the
    // transaction's pages.
    std::optional<storage::BulkAppender> bulk;
    if (store.fact_count(txn) == 0)
        bulk.emplace(store, txn, options.memory / 8 * 3);
    storage::DictionaryBatch terms(store.dictionary(), txn, options.memory / 4);
    const std::size_t chunk = std::max<std::size_t>(10'000, options.memory / 512);
    std::vector<storage::Quad> quads;
    // A loaded fact that rules derive is stored from now on as well (docs/rules.md).
    const bool any_derived = store.derived_count(txn) > 0;
    auto flush = [&] {
        if (any_derived)
            for (const storage::Quad& quad : quads)
                if (auto mark = store.derived(txn, quad); mark && !mark->asserted) {
                    mark->asserted = true;
                    store.set_derived(txn, quad, *mark);
                }
        const storage::AddResult result = store.add(txn, quads);
        summary.added += result.added;
        summary.already_present += result.already_present;
        quads.clear();
    };
    std::unordered_set<storage::TermId> seen_predicates;
    storage::TermId last_predicate = UNBOUND;
    auto add = [&](const storage::Quad& quad) {
        // Facts of one predicate often come in runs: a look at the last one first.
        if (predicates && quad[storage::P] != last_predicate) {
            last_predicate = quad[storage::P];
            if (seen_predicates.insert(last_predicate).second)
                predicates->push_back(last_predicate);
        }
        if (bulk) {
            bulk->add(quad);
            return;
        }
        quads.push_back(quad);
        if (quads.size() >= chunk)
            flush();
    };
    // Statements are parsed, and their terms prepared, ahead on other threads: N-Triples
    // and N-Quads in blocks of lines on as many threads as there are cores (up to four),
    // CSV and TSV (whose header applies throughout) on one.
    std::optional<ReadAhead> reading;
    std::optional<TurtleReader> turtle_reader;
    if (turtle) {
        // serd reads the file on a thread of its own; the terms are prepared on another.
        turtle_reader.emplace(in, name, options.format == ImportFormat::TRIG,
                              options.base.empty() ? file_iri(name) : options.base);
        reading.emplace(
            [&reader = *turtle_reader, &load_id, quad = RdfQuad()](ReadAhead::Statement& statement) mutable {
                if (!reader.next(quad))
                    return false;
                from_rdf(quad, load_id, statement);
                return true;
            },
            in, false, [&reader = *turtle_reader] { return reader.bytes_read(); });
    } else if (options.format == ImportFormat::JSONL) {
        const unsigned parsers = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
        reading.emplace(
            [&name, &prefixes](std::istream& block, std::size_t first_line) {
                auto reader = std::make_shared<JsonLinesReader>(block, name, prefixes, first_line);
                return ReadAhead::Source([reader](ReadAhead::Statement& statement) { return reader->next(statement); });
            },
            in, options.skip_bad, parsers);
    } else if (rdf) {
        const bool nquads = options.format == ImportFormat::NQUADS;
        const unsigned parsers = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
        reading.emplace(
            [&name, &load_id, nquads](std::istream& block, std::size_t first_line) {
                auto reader = std::make_shared<NQuadsReader>(block, name, nquads, first_line);
                return ReadAhead::Source([reader, &load_id, quad = RdfQuad()](ReadAhead::Statement& statement) mutable {
                    if (!reader->next(quad))
                        return false;
                    from_rdf(quad, load_id, statement);
                    return true;
                });
            },
            in, options.skip_bad, parsers);
    } else {
        reading.emplace([&table](ReadAhead::Statement& statement) { return table.next(statement); }, in,
                        options.skip_bad);
    }
    ReadAhead& ahead = *reading;
    ReadAhead::Batch batch;
    std::vector<const storage::PreparedTerm*> batch_terms; // of a batch, in order
    std::vector<storage::TermId> ids;
    auto check_cancelled = [&] {
        if (options.cancelled && options.cancelled->load())
            throw Cancelled();
    };
    while (ahead.next(batch)) {
        check_cancelled();
        if (options.progress)
            for (const LoadProgress& point : batch.progress)
                options.progress(point);
        batch_terms.clear();
        for (std::size_t i = 0; i < batch.size; ++i) {
            const ReadAhead::Fact& fact = batch.facts[i];
            for (std::size_t position = 0; position < (fact.has_context ? 4 : 3); ++position)
                batch_terms.push_back(&fact.terms[position]);
        }
        ids.resize(batch_terms.size());
        terms.intern(batch_terms.data(), batch_terms.size(), ids.data());
        const storage::TermId* id = ids.data();
        for (std::size_t i = 0; i < batch.size; ++i) {
            const bool has_context = batch.facts[i].has_context;
            add({id[0], id[1], id[2], has_context ? id[3] : default_context});
            id += has_context ? 4 : 3;
        }
    }
    summary.read = ahead.read();
    summary.skipped = ahead.skipped();
    summary.first_skipped = ahead.first_skipped();
    if (bulk)
        bulk->start_merging(); // meanwhile, the new terms are written
    terms.flush();
    if (!quads.empty())
        flush();
    if (bulk) {
        summary.added = bulk->finish();
        summary.already_present = summary.read - summary.added;
    }
    if (turtle_reader)
        keep_prefixes(store, txn, *turtle_reader, name, summary);
    check_cancelled(); // a read cut short by the interrupt must not look like the end of the input
    in.clear(); // at the end the stream is in a failed state, and tellg() says -1
    if (options.progress)
        options.progress(progress_of(in, summary.read + summary.skipped));
    return summary;
}

} // namespace quarry::engine::io

namespace quarry {

std::optional<ExportFormat> export_format(const std::string& name) {
    if (name == "nquads" || name == "nq")
        return ExportFormat::NQUADS;
    if (name == "ntriples" || name == "nt")
        return ExportFormat::NTRIPLES;
    if (name == "csv")
        return ExportFormat::CSV;
    if (name == "tsv")
        return ExportFormat::TSV;
    if (name == "qry")
        return ExportFormat::QRY;
    if (name == "turtle" || name == "ttl")
        return ExportFormat::TURTLE;
    if (name == "trig")
        return ExportFormat::TRIG;
    return std::nullopt;
}

} // namespace quarry

namespace quarry::engine::io {

namespace {

std::string csv_cell(const std::string& text) {
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (char c : text)
        out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

} // namespace

std::uint64_t export_facts(const storage::Store& store, const storage::lmdb::Txn& txn, std::ostream& out,
                           ExportFormat format, const std::optional<storage::Term>& context) {
    if (format == ExportFormat::TURTLE || format == ExportFormat::TRIG)
        return write_turtle(store, txn, out, format == ExportFormat::TRIG, context);
    storage::QuadPattern pattern;
    if (context) {
        const auto id = store.find(txn, *context);
        if (!id)
            return 0;
        pattern.terms[storage::C] = *id;
    }
    const auto mode = format == ExportFormat::NTRIPLES && !context ? storage::ScanMode::TRIPLES : storage::ScanMode::QUADS;
    storage::QuadScan scan = store.scan(txn, pattern, mode);
    if (format == ExportFormat::CSV)
        out << "subject,predicate,object,context\r\n";
    if (format == ExportFormat::TSV)
        out << "subject\tpredicate\tobject\tcontext\n";
    if (format == ExportFormat::QRY)
        out << "begin;\n";
    std::uint64_t count = 0;
    while (auto quad = scan.next()) {
        if (format == ExportFormat::QRY) {
            // The script asserts the stored facts and makes the rules, which derive the rest.
            const auto mark = store.derived(txn, *quad);
            if (mark && !mark->asserted)
                continue;
        }
        const storage::Term s = store.resolve(txn, (*quad)[0]), p = store.resolve(txn, (*quad)[1]),
                            o = store.resolve(txn, (*quad)[2]), c = store.resolve(txn, (*quad)[3]);
        const bool in_default = c.kind() == storage::TermKind::DEFAULT_CONTEXT;
        switch (format) {
        case ExportFormat::NQUADS:
        case ExportFormat::NTRIPLES:
            out << write_ntriples_term(to_rdf(s)) << ' ' << write_ntriples_term(to_rdf(p)) << ' '
                << write_ntriples_term(to_rdf(o));
            if (format == ExportFormat::NQUADS && !in_default)
                out << ' ' << write_ntriples_term(to_rdf(c));
            out << " .\n";
            break;
        case ExportFormat::CSV:
            out << csv_cell(format_term(s)) << ',' << csv_cell(format_term(p)) << ',' << csv_cell(format_term(o))
                << ',' << csv_cell(format_term(c)) << "\r\n";
            break;
        case ExportFormat::TSV:
            out << format_term(s) << '\t' << format_term(p) << '\t' << format_term(o) << '\t' << format_term(c) << '\n';
            break;
        case ExportFormat::TURTLE:
        case ExportFormat::TRIG:
            break;
        case ExportFormat::QRY:
            out << "add (" << format_term(s) << ", " << format_term(p) << ", " << format_term(o);
            if (!in_default)
                out << ", " << format_term(c);
            out << ");\n";
            break;
        }
        ++count;
    }
    if (format == ExportFormat::QRY) {
        for (const auto& [name, text] : store.rules(txn))
            out << text << ";\n";
        out << "commit;\n";
    }
    return count;
}

} // namespace quarry::engine::io
