#pragma once

// How terms cross into RDF and back (SPEC §1, §4):
//   name          ↔ IRI <urn:quarry:name:…> (percent-encoded), so export → import is the identity
//   IRI           ↔ IRI
//   string        ↔ plain or language-tagged literal
//   integer, decimal, boolean, date, datetime
//                 ↔ literal of xsd:integer, xsd:double, xsd:boolean, xsd:date, xsd:dateTime
//                   in the canonical form of the query language; any other form, and any
//                   other datatype, stays a typed literal, verbatim
//   blank node    → IRI <urn:quarry:blank:LOAD-label>, fresh for each load (skolemised)
//   default context ↔ the default graph

#include "engine/io/nquads_reader.hpp"
#include "storage/term.hpp"

#include <optional>
#include <string>

namespace quarry::engine::io {

constexpr const char* NAME_NAMESPACE = "urn:quarry:name:";
constexpr const char* BLANK_NAMESPACE = "urn:quarry:blank:";
constexpr const char* XSD = "http://www.w3.org/2001/XMLSchema#";

// The stored term of an RDF term; `load_id` makes blank nodes of one load distinct from
// those of another. Throws ImportError-free TermError for values the model refuses.
storage::Term from_rdf(const RdfTerm& term, const std::string& load_id);
// The same into `out`, reusing the strings of the term it holds (loads make millions).
void from_rdf(const RdfTerm& term, const std::string& load_id, std::optional<storage::Term>& out);

// The RDF term of a stored term (not the default context).
RdfTerm to_rdf(const storage::Term& term);

// A term in N-Triples syntax: <iri>, _:label, "lexical"@lang, "lexical"^^<datatype>.
std::string write_ntriples_term(const RdfTerm& term);

} // namespace quarry::engine::io
