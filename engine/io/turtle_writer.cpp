#include "engine/io/turtle_writer.hpp"

#include "engine/io/rdf_terms.hpp"
#include "engine/terms.hpp"
#include "parser/printer.hpp"
#include "storage/term_codec.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace quarry::engine::io {

namespace {

bool ascii_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// A prefix name Turtle reads back as written: PN_PREFIX, in ASCII.
bool plain_prefix(const std::string& name) {
    if (name.empty())
        return true;
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')) ||
        name.back() == '.')
        return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return ascii_alnum(c) || c == '_' || c == '-' || c == '.'; });
}

// A local name Turtle reads back as written: PN_LOCAL without escapes, in ASCII.
bool plain_local(std::string_view local) {
    if (local.empty())
        return true;
    if (!(ascii_alnum(local[0]) || local[0] == '_') || local.back() == '.')
        return false;
    return std::all_of(local.begin(), local.end(),
                       [](char c) { return ascii_alnum(c) || c == '_' || c == '-' || c == '.'; });
}

class Writer {
public:
    Writer(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& prefixes)
        : out_(out) {
        for (const auto& [name, iri] : prefixes)
            if (plain_prefix(name) && !iri.empty())
                prefixes_.emplace_back(name, iri);
        // The longest IRI first, so that the most specific prefix is tried first.
        std::stable_sort(prefixes_.begin(), prefixes_.end(), [](const auto& a, const auto& b) {
            return a.second.size() > b.second.size();
        });
    }

    void header() {
        std::vector<std::pair<std::string, std::string>> sorted = prefixes_;
        std::sort(sorted.begin(), sorted.end());
        for (const auto& [name, iri] : sorted) {
            text_.clear();
            parser::append_iri(text_, iri);
            out_ << "@prefix " << name << ": " << text_ << " .\n";
        }
        if (!sorted.empty())
            out_ << '\n';
    }

    void iri(std::string& out, const std::string& value) const {
        for (const auto& [name, namespace_iri] : prefixes_)
            if (value.size() >= namespace_iri.size() &&
                value.compare(0, namespace_iri.size(), namespace_iri) == 0 &&
                plain_local(std::string_view(value).substr(namespace_iri.size()))) {
                out += name;
                out += ':';
                out.append(value, namespace_iri.size());
                return;
            }
        parser::append_iri(out, value);
    }

    // The Turtle text of a stored term into `out`.
    void term(std::string& out, const storage::Term& stored) const {
        out.clear();
        switch (stored.kind()) {
        case storage::TermKind::INTEGER:
        case storage::TermKind::BOOLEAN: out += format_term(stored); return;
        default: break;
        }
        const RdfTerm rdf = to_rdf(stored);
        if (rdf.kind == RdfTerm::IRI) {
            iri(out, rdf.value);
            return;
        }
        parser::append_quoted_string(out, rdf.value);
        if (!rdf.lang.empty()) {
            out += '@';
            out += rdf.lang;
        } else if (!rdf.datatype.empty()) {
            out += "^^";
            iri(out, rdf.datatype);
        }
    }

    // Writes the facts of `scan`, grouped by subject and predicate, indented by `indent`.
    std::uint64_t facts(const storage::Store& store, const storage::lmdb::Txn& txn,
                        storage::QuadScan& scan, const char* indent) {
        std::uint64_t count = 0;
        std::optional<storage::TermId> subject, predicate;
        std::string s, p, o;
        while (auto quad = scan.next()) {
            const auto& q = *quad;
            if (subject && *subject == q[0]) {
                if (*predicate == q[1]) {
                    out_ << ",\n" << indent << "        ";
                } else {
                    term(p, store.resolve(txn, q[1]));
                    out_ << " ;\n" << indent << "    " << p << ' ';
                }
            } else {
                if (subject)
                    out_ << " .\n";
                term(s, store.resolve(txn, q[0]));
                term(p, store.resolve(txn, q[1]));
                out_ << indent << s << ' ' << p << ' ';
            }
            term(o, store.resolve(txn, q[2]));
            out_ << o;
            subject = q[0];
            predicate = q[1];
            ++count;
        }
        if (subject)
            out_ << " .\n";
        return count;
    }

private:
    std::ostream& out_;
    std::vector<std::pair<std::string, std::string>> prefixes_;
    std::string text_;
};

} // namespace

std::uint64_t write_turtle(const storage::Store& store, const storage::lmdb::Txn& txn,
                           std::ostream& out, bool trig,
                           const std::optional<storage::Term>& context) {
    Writer writer(out, store.prefixes(txn));
    writer.header();
    std::optional<storage::TermId> only;
    if (context) {
        const auto id = store.find(txn, *context);
        if (!id)
            return 0;
        only = *id;
    }
    if (!trig) {
        storage::QuadPattern pattern;
        if (only)
            pattern.terms[storage::C] = *only;
        storage::QuadScan scan =
            store.scan(txn, pattern, only ? storage::ScanMode::QUADS : storage::ScanMode::TRIPLES);
        return writer.facts(store, txn, scan, "");
    }
    // The default context at the top, then each named context in a block of its own.
    std::vector<storage::TermId> contexts;
    store.statistics().for_each_context(txn, [&](storage::TermId id, std::uint64_t facts) {
        if (facts > 0 && (!only || *only == id))
            contexts.push_back(id);
    });
    std::sort(contexts.begin(), contexts.end(), [](storage::TermId a, storage::TermId b) {
        return (a == storage::DEFAULT_CONTEXT_ID) != (b == storage::DEFAULT_CONTEXT_ID)
                   ? a == storage::DEFAULT_CONTEXT_ID
                   : a < b;
    });
    std::uint64_t count = 0;
    std::string name;
    bool first = true;
    for (const storage::TermId id : contexts) {
        storage::QuadPattern pattern;
        pattern.terms[storage::C] = id;
        storage::QuadScan scan = store.scan(txn, pattern, storage::ScanMode::QUADS);
        if (id == storage::DEFAULT_CONTEXT_ID) {
            count += writer.facts(store, txn, scan, "");
        } else {
            writer.term(name, store.resolve(txn, id));
            out << (first ? "" : "\n") << name << " {\n";
            count += writer.facts(store, txn, scan, "    ");
            out << "}\n";
        }
        first = false;
    }
    return count;
}

} // namespace quarry::engine::io
