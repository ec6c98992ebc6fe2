#include "storage/dictionary.hpp"

#include <fmt/format.h>

#include <cstring>

namespace quarry::storage {

namespace {

std::string id_key(TermId id) {
    std::string key;
    append_be64(key, id);
    return key;
}

std::uint64_t rotl(std::uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

std::uint64_t fmix(std::uint64_t h) {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

} // namespace

Dictionary::Dictionary(const lmdb::Txn& txn) {
    const unsigned create = txn.read_only() ? 0 : MDB_CREATE;
    auto open = [&](const char* name, unsigned flags) {
        auto dbi = lmdb::Dbi::open(txn, name, flags | create);
        if (!dbi)
            throw StorageError(fmt::format("database has no '{}' table", name));
        return *dbi;
    };
    id2term_ = open("id2term", 0);
    term2id_ = open("term2id", MDB_DUPSORT | MDB_DUPFIXED);
}

// A stable 64-bit hash (murmur-style mixing over 8-byte words). It is part of the file
// format: changing it requires a format version bump.
std::uint64_t Dictionary::hash(std::string_view bytes) {
    constexpr std::uint64_t C1 = 0x87c37b91114253d5ULL;
    constexpr std::uint64_t C2 = 0x4cf5ad432745937fULL;
    std::uint64_t h = 0x9e3779b97f4a7c15ULL ^ bytes.size();
    std::size_t i = 0;
    for (; i + 8 <= bytes.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes.data() + i, 8);
        word = rotl(word * C1, 31) * C2;
        h = rotl(h ^ word, 27) * 5 + 0x52dce729;
    }
    std::uint64_t tail = 0;
    for (std::size_t j = 0; i + j < bytes.size(); ++j)
        tail |= std::uint64_t{static_cast<unsigned char>(bytes[i + j])} << (8 * j);
    h ^= rotl(tail * C1, 31) * C2;
    return fmix(h);
}

std::string Dictionary::lookup_key(std::string_view encoding) {
    if (encoding.size() <= MAX_DIRECT_KEY)
        return std::string(encoding);
    std::string key(encoding.substr(0, HASHED_PREFIX));
    append_be64(key, hash(encoding));
    return key;
}

std::optional<TermId> Dictionary::find_encoded(const lmdb::Txn& txn,
                                               std::string_view encoding) const {
    if (encoding.size() <= MAX_DIRECT_KEY) {
        // A short key is the encoding itself, so it has exactly one id.
        const auto value = term2id_.get(txn, encoding);
        if (!value)
            return std::nullopt;
        return read_be64(value->data());
    }
    lmdb::Cursor cursor(txn, term2id_);
    for (auto entry = cursor.seek(lookup_key(encoding), MDB_SET_KEY); entry;
         entry = cursor.get(MDB_NEXT_DUP)) {
        const TermId id = read_be64(entry->second.data());
        const auto stored = id2term_.get(txn, id_key(id));
        if (stored && *stored == encoding)
            return id;
    }
    return std::nullopt;
}

std::optional<TermId> Dictionary::find(const lmdb::Txn& txn, const Term& term) const {
    if (auto id = inline_id(term))
        return id;
    return find_encoded(txn, encode_term(term));
}

TermId Dictionary::next_id(const lmdb::Txn& txn, IdTag tag) const {
    lmdb::Cursor cursor(txn, id2term_);
    auto entry = cursor.seek(id_key(last_id(tag)));
    entry = entry ? cursor.get(MDB_PREV) : cursor.get(MDB_LAST);
    if (entry && id_tag(read_be64(entry->first.data())) == tag) {
        const TermId last = read_be64(entry->first.data());
        if (last == last_id(tag))
            throw StorageError(fmt::format("the dictionary has run out of ids for {} terms",
                                           kind_name(kind_of(last))));
        return last + 1;
    }
    return first_id(tag);
}

TermId Dictionary::intern(const lmdb::WriteTxn& txn, const Term& term) {
    if (auto id = inline_id(term))
        return *id;
    const std::string encoding = encode_term(term);
    if (auto id = find_encoded(txn, encoding))
        return *id;
    const TermId id = next_id(txn, dictionary_tag(term));
    const std::string key = id_key(id);
    id2term_.put(txn, key, encoding, MDB_NOOVERWRITE);
    term2id_.put(txn, lookup_key(encoding), key);
    return id;
}

Term Dictionary::resolve(const lmdb::Txn& txn, TermId id) const {
    if (is_inline(id) || id == DEFAULT_CONTEXT_ID)
        return decode_inline(id);
    const auto stored = id2term_.get(txn, id_key(id));
    if (!stored)
        throw StorageError(fmt::format("term id {:#018x} is not in the dictionary", id));
    return decode_term(*stored);
}

void Dictionary::scan_prefix(const lmdb::Txn& txn, TermKind kind, std::string_view prefix,
                             const std::function<bool(const Term&, TermId)>& visit) const {
    QUARRY_ASSERT(kind == TermKind::NAME || kind == TermKind::IRI || kind == TermKind::STRING,
                  "prefix scans cover names, IRIs and strings");
    std::string start(1, static_cast<char>(kind));
    if (kind == TermKind::STRING)
        start.push_back('\0'); // strings without a language tag
    const std::size_t header = start.size();
    start += prefix.substr(0, HASHED_PREFIX - header);
    lmdb::Cursor cursor(txn, term2id_);
    for (auto entry = cursor.seek(start); entry; entry = cursor.get(MDB_NEXT)) {
        if (entry->first.substr(0, start.size()) != start)
            break;
        const TermId id = read_be64(entry->second.data());
        // A short key is the encoding itself; a long one needs the stored record.
        Term term = entry->first.size() <= MAX_DIRECT_KEY ? decode_term(entry->first)
                                                          : resolve(txn, id);
        if (term.text().substr(0, prefix.size()) != prefix)
            continue; // a long term matched only the truncated prefix
        if (!visit(term, id))
            return;
    }
}

std::size_t Dictionary::size(const lmdb::Txn& txn) const { return id2term_.size(txn); }

void Dictionary::for_each(const lmdb::Txn& txn,
                          const std::function<void(TermId, std::string_view)>& visit) const {
    lmdb::Cursor cursor(txn, id2term_);
    for (auto entry = cursor.get(MDB_FIRST); entry; entry = cursor.get(MDB_NEXT))
        visit(read_be64(entry->first.data()), entry->second);
}

void Dictionary::insert(const lmdb::WriteTxn& txn, TermId id, std::string_view encoding) {
    const Term term = decode_term(encoding); // throws StorageError if malformed
    if (inline_id(term) || encode_term(term) != encoding || id_tag(id) != dictionary_tag(term))
        throw StorageError(fmt::format("term id {:#018x} does not fit its term", id));
    if (!id2term_.put(txn, id_key(id), encoding, MDB_NOOVERWRITE) || find_encoded(txn, encoding))
        throw StorageError(fmt::format("term id {:#018x} or its term is stored twice", id));
    term2id_.put(txn, lookup_key(encoding), id_key(id));
}

} // namespace quarry::storage
