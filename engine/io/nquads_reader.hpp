#pragma once

// A streaming reader of N-Triples and N-Quads (W3C RDF 1.1), one statement at a time.
// It checks the full grammar (absolute IRIs, escapes, blank node labels, language tags)
// and reports the first problem as an ImportError naming file, line and column.
//
// Terms come out as RDF terms, not yet as stored terms: how blank nodes and IRIs map into
// the term model is the loader's business.

#include "engine/error.hpp"

#include <istream>
#include <optional>
#include <string>

namespace quarry::engine::io {

struct RdfTerm {
    enum Kind { IRI, BLANK, LITERAL };
    Kind kind = IRI;
    std::string value;    // the IRI, the blank node label (without _:), or the lexical form
    std::string lang;     // LITERAL: language tag, or empty
    std::string datatype; // LITERAL: datatype IRI, or empty (then xsd:string or rdf:langString)
    friend bool operator==(const RdfTerm&, const RdfTerm&) = default;
};

struct RdfQuad {
    RdfTerm subject, predicate, object;
    std::optional<RdfTerm> graph; // N-Quads only; none: the default graph
};

class NQuadsReader {
public:
    // `quads`: accept a graph label (N-Quads); otherwise N-Triples. `name` labels errors;
    // `first_line` is the number of the stream's first line (more than 1 when the stream
    // is a block of a larger file).
    NQuadsReader(std::istream& in, std::string name, bool quads, std::size_t first_line = 1);

    // The next statement; false at the end. Throws ImportError.
    bool next(RdfQuad& quad);
    // The line of the statement last returned.
    std::size_t line() const noexcept { return line_number_; }

private:
    [[noreturn]] void fail(std::size_t column, const std::string& message) const;
    void skip_blanks();
    bool at_end_of_statement();
    // Each reads one kind of term at pos_ into its argument (whose strings it reuses).
    void iri_text(std::string& out);
    void blank(RdfTerm& term);
    void literal(RdfTerm& term);
    void term(RdfTerm& out, bool allow_literal, bool allow_blank, const char* what);
    char32_t escape(bool allow_echar);

    std::istream& in_;
    std::string name_;
    bool quads_;
    std::string line_;
    std::size_t pos_ = 0;
    std::size_t line_number_ = 0;
};

} // namespace quarry::engine::io
