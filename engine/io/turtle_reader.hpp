#pragma once

// A streaming reader of Turtle and TriG (W3C RDF 1.1) on top of serd, one statement at a
// time. serd reads the input a page at a time on a thread of its own and hands over its
// statements in batches, a few at most waiting, so memory stays bounded whatever the
// input; this reader resolves relative IRIs against the base (RFC 3986), expands prefixed
// names, and keeps the prefixes the input declares.
//
// The first problem throws an ImportError naming file, line and column, after the
// statements read before it (those of the top-level statement it is in among them).
//
// Threading: next() on one thread; the input stream belongs to the reader's thread
// until next() has returned false or thrown, so read progress from bytes_read(). Blank node labels
// come out as the input writes them (serd names anonymous ones b1, b2, … and renames labels of that
// shape so that they cannot clash): they are scoped to the input, and making them distinct
// from other inputs' is the loader's business.

#include "engine/io/nquads_reader.hpp"

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quarry::engine::io {

class TurtleReader {
public:
    // `trig`: accept graph blocks (TriG); otherwise Turtle. `name` labels errors; `base`
    // is the IRI relative IRIs resolve against until the input sets one with @base.
    TurtleReader(std::istream& in, std::string name, bool trig, const std::string& base);
    ~TurtleReader();
    TurtleReader(const TurtleReader&) = delete;
    TurtleReader& operator=(const TurtleReader&) = delete;

    // The next statement; false at the end. Throws ImportError.
    bool next(RdfQuad& quad);
    // The bytes of the input serd has read so far (any thread).
    std::uint64_t bytes_read() const noexcept;

    // After the end: the prefixes the input declared, in order, each name once with the IRI it
    // was first declared with; `clashes` are the names declared again with another IRI.
    const std::vector<std::pair<std::string, std::string>>& prefixes() const noexcept {
        return prefixes_;
    }
    const std::vector<std::string>& clashes() const noexcept { return clashes_; }

    struct Impl;

private:
    std::unique_ptr<Impl> impl_;
    std::vector<std::pair<std::string, std::string>> prefixes_;
    std::vector<std::string> clashes_;
};

// `reference` resolved against the absolute IRI `base` as RFC 3986 (5.2) says, dot
// segments removed, into `out`.
void resolve_iri(std::string_view base, std::string_view reference, std::string& out);

// The file: IRI of a path (made absolute), the default base of a file's relative IRIs.
std::string file_iri(const std::string& path);

} // namespace quarry::engine::io
