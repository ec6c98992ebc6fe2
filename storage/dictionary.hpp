#pragma once

// The term dictionary: term ↔ TermId for every term that is not inline (term_codec.hpp).
//
// Two LMDB databases:
//   id2term  key: id, 8 bytes big-endian      value: canonical term encoding
//   term2id  key: the encoding itself if it is at most 255 bytes, else its first 248
//            bytes followed by an 8-byte hash of the whole (so exactly 256 bytes: the two
//            forms never collide); DUPSORT|DUPFIXED values: ids, 8 bytes big-endian.
//            Several ids under one key only happen for long terms whose prefix and hash
//            both collide; look-ups then compare against id2term.
// Short keys keep term2id ordered by kind and text, so names with a given prefix are a
// range scan (tab completion). New ids take the next sequence number of their tag, found
// by a cursor seek in id2term inside the write transaction, so concurrent writers in
// other processes can never hand out the same id. Terms are never deleted.

#include "storage/lmdb.hpp"
#include "storage/term.hpp"
#include "storage/term_codec.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::storage {

class Dictionary {
public:
    Dictionary() = default;
    // Opens the two databases; creates them when `txn` is a write transaction.
    explicit Dictionary(const lmdb::Txn& txn);

    // The id of `term`, adding it if new. Inline terms are never stored.
    TermId intern(const lmdb::WriteTxn& txn, const Term& term);
    // The id of `term` if the dictionary has it (inline terms always have one).
    std::optional<TermId> find(const lmdb::Txn& txn, const Term& term) const;
    // The term of `id`. Throws StorageError for an id that has no term.
    Term resolve(const lmdb::Txn& txn, TermId id) const;

    // Calls `visit(term, id)` for each term of `kind` (NAME, IRI or STRING without
    // language) whose text starts with `prefix`, in text order, until it returns false.
    // Only the first 247 bytes of the prefix are used for the seek.
    void scan_prefix(const lmdb::Txn& txn, TermKind kind, std::string_view prefix,
                     const std::function<bool(const Term&, TermId)>& visit) const;

    // Calls `visit(id, encoding)` for every stored term, in id order. The encoding is valid
    // only during the call.
    void for_each(const lmdb::Txn& txn, const std::function<void(TermId, std::string_view)>& visit) const;
    // Stores `encoding` under `id` (a restore). Throws StorageError if the encoding is not
    // a dictionary term, or the id or the term is taken.
    void insert(const lmdb::WriteTxn& txn, TermId id, std::string_view encoding);

    // Number of stored terms.
    std::size_t size(const lmdb::Txn& txn) const;

    // Key of `encoding` in term2id, and the stable 64-bit hash it uses for long terms.
    static std::string lookup_key(std::string_view encoding);
    static std::uint64_t hash(std::string_view bytes);

    static constexpr std::size_t MAX_DIRECT_KEY = 255;
    static constexpr std::size_t HASHED_PREFIX = 248;

private:
    friend class DictionaryBatch;
    std::optional<TermId> find_encoded(const lmdb::Txn& txn, std::string_view encoding) const;
    TermId next_id(const lmdb::Txn& txn, IdTag tag) const;

    lmdb::Dbi id2term_;
    lmdb::Dbi term2id_;
};

} // namespace quarry::storage
