#pragma once

// Interning for bulk loads: a hash map in memory (term encoding → id) in front of the
// dictionary. A term costs one hash look-up after its first sight instead of a B-tree
// search each time; a new term gets the id Dictionary::intern would give it (the next of
// its tag), but is written only by flush(), with the others, in key order and appended
// where the tables allow, instead of one B-tree insertion each.
//
// When the map outgrows its memory budget it is flushed and emptied, so memory stays
// bounded whatever the load. Until flush() new terms are not in the dictionary: flush
// before anything else reads the dictionary in the transaction. One batch per write
// transaction at a time, and no Dictionary::intern while it has unflushed terms.

#include "storage/dictionary.hpp"

#include <map>
#include <string_view>
#include <vector>

namespace quarry::storage {

// A term made ready for a batch: its inline id, or its canonical encoding and tag. This
// is the part of interning that needs no dictionary, so a loader can do it on another
// thread.
struct PreparedTerm {
    std::optional<TermId> inline_id;
    IdTag tag{};
    std::string encoding;
    std::uint64_t hash = 0; // Dictionary::hash of the encoding

    // Reuses this object's buffer for the encoding.
    void prepare(const Term& term);
};

class DictionaryBatch {
public:
    DictionaryBatch(const Dictionary& dictionary, const lmdb::WriteTxn& txn, std::size_t memory);
    DictionaryBatch(const DictionaryBatch&) = delete;
    DictionaryBatch& operator=(const DictionaryBatch&) = delete;

    // The id of `term`, giving it a new one if the dictionary lacks it. Throws
    // StorageError when a tag runs out of ids.
    TermId intern(const PreparedTerm& term);
    // Interns `count` terms into `ids`, as intern() of each in turn would. The memory each
    // look-up reads is fetched a few terms ahead, so the cache misses of different terms
    // overlap instead of following one another.
    void intern(const PreparedTerm* const* terms, std::size_t count, TermId* ids);
    // Writes the new terms to the dictionary and empties the map.
    void flush();

private:
    // An open-addressing table (linear probing, at most half full) over an arena of the
    // encodings: one cache miss per look-up in the common case, no allocation per term.
    struct Slot {
        std::uint64_t hash = 0;
        std::uint64_t offset = 0; // in arena_
        std::uint64_t length = 0; // 0: an empty slot (no encoding is empty)
        TermId id = 0;
    };
    struct Fresh {
        std::uint64_t offset, length;
        TermId id;
    };
    std::string_view encoding_of(std::uint64_t offset, std::uint64_t length) const {
        return std::string_view(arena_).substr(offset, length);
    }
    void grow();

    const Dictionary& dictionary_;
    const lmdb::WriteTxn& txn_;
    std::size_t memory_;
    std::vector<Slot> slots_;
    std::size_t used_slots_ = 0;
    std::string arena_;
    std::vector<Fresh> fresh_;     // new terms, not yet written
    std::map<IdTag, TermId> next_; // the next id of each tag used so far
};

} // namespace quarry::storage
