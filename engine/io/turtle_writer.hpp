#pragma once

// Writes the store as Turtle or TriG: the database's prefixes as @prefix lines, then the
// facts grouped by subject (`;` between predicates, `,` between objects of one predicate),
// in index order. IRIs are shortened with a prefix where the rest is a plain local name;
// integers and booleans are written bare, other literals as in N-Triples. Turtle holds
// triples (facts of several contexts once); TriG writes the default context's facts at the
// top and each named context as a graph block.

#include "storage/store.hpp"

#include <optional>
#include <ostream>

namespace quarry::engine::io {

// Writes every fact (of `context` only, if given); returns the number of statements written.
std::uint64_t write_turtle(const storage::Store& store, const storage::lmdb::Txn& txn,
                           std::ostream& out, bool trig,
                           const std::optional<storage::Term>& context);

} // namespace quarry::engine::io
