#include "storage/quad_index.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace quarry::storage {

namespace {

const char* db_name(Permutation perm) {
    switch (perm) {
    case Permutation::SPOC: return "spoc";
    case Permutation::POSC: return "posc";
    case Permutation::OSPC: return "ospc";
    case Permutation::CSPO: return "cspo";
    case Permutation::CPOS: return "cpos";
    case Permutation::COSP: return "cosp";
    }
    return "?";
}

// Where a key belongs: the block with the greatest first key ≤ key, or the first block
// if key precedes them all. Copies what it needs: views die at the next write.
struct Located {
    Key first;               // the block's first key
    std::vector<Key> keys;   // its decoded keys
    std::optional<Key> next; // the first key of the following block, if any
};

bool same_pair(const Key& a, const Key& b) { return a[0] == b[0] && a[1] == b[1]; }

// Sets flags[origin[x]] for the new keys of `merged` whose run of equal first-two
// components holds no old key. The run's predecessor is always in `merged` (a block's
// keys start with its old first key unless it is the index's first block); its successor
// may be `next`, the first key of the following block.
void flag_new_pairs(const std::vector<Key>& merged, const std::vector<std::size_t>& origin,
                    const std::optional<Key>& next, std::vector<char>& flags) {
    std::size_t begin = 0;
    while (begin < merged.size()) {
        std::size_t end = begin + 1;
        while (end < merged.size() && same_pair(merged[end], merged[begin]))
            ++end;
        bool all_new = true;
        for (std::size_t x = begin; x < end && all_new; ++x)
            all_new = origin[x] != SIZE_MAX;
        if (all_new && end == merged.size() && next && same_pair(*next, merged[begin]))
            all_new = false;
        if (all_new)
            for (std::size_t x = begin; x < end; ++x)
                flags[origin[x]] = 1;
        begin = end;
    }
}

// Positions `cursor` on the block that holds `key` if any block does: the block with the
// greatest first key ≤ key, or the first block if key precedes them all. Nullopt: the
// index is empty.
std::optional<lmdb::Cursor::Entry> seek_block(lmdb::Cursor& cursor, const Key& key) {
    auto entry = cursor.seek(key_bytes(key), MDB_SET_RANGE);
    if (entry && read_key(entry->first) == key)
        return entry;
    auto previous = entry ? cursor.get(MDB_PREV) : cursor.get(MDB_LAST);
    return previous ? previous : cursor.get(MDB_FIRST);
}

std::optional<Located> locate(lmdb::Cursor& cursor, const Key& key) {
    const auto entry = seek_block(cursor, key);
    if (!entry)
        return std::nullopt; // empty index
    Located located;
    located.first = read_key(entry->first);
    decode_block(located.first, entry->second, located.keys);
    if (auto following = cursor.get(MDB_NEXT))
        located.next = read_key(following->first);
    return located;
}

} // namespace

QuadIndex::QuadIndex(const lmdb::Txn& txn, Permutation perm) : perm_(perm) {
    auto dbi = lmdb::Dbi::open(txn, db_name(perm), txn.read_only() ? 0 : MDB_CREATE);
    if (!dbi)
        throw StorageError(fmt::format("database has no '{}' index", db_name(perm)));
    dbi_ = *dbi;
}

void QuadIndex::write_blocks(const lmdb::WriteTxn& txn, std::span<const Key> keys,
                             bool append) const {
    const PlannedBlocks plan = plan_blocks(keys);
    for (std::size_t b = 0; b < plan.starts.size(); ++b) {
        const std::string_view value = plan.value(b, keys.size());
        QUARRY_ASSERT(value.size() <= MAX_BLOCK_BYTES, "block larger than planned");
        put_block(txn, keys[plan.starts[b]], value, append ? MDB_APPEND : 0);
    }
}

void QuadIndex::append_block(const lmdb::WriteTxn& txn, const Key& first, std::string_view value) const {
    put_block(txn, first, value, MDB_APPEND);
}

void QuadIndex::put_block(const lmdb::WriteTxn& txn, const Key& first, std::string_view value,
                          unsigned flags) const {
    char key[KEY_BYTES];
    write_key(key, first);
    if (!dbi_.put(txn, std::string_view(key, KEY_BYTES), value, flags)) // only MDB_APPEND refuses
        throw StorageError(fmt::format("index {}: a block appended out of order", permutation_name(perm_)));
}

std::size_t QuadIndex::insert(const lmdb::WriteTxn& txn, std::span<const Key> keys,
                              std::vector<char>* inserted, std::vector<char>* new_pair) const {
    if (inserted)
        inserted->assign(keys.size(), 0);
    if (new_pair)
        new_pair->assign(keys.size(), 0);
    std::size_t count = 0;
    std::vector<Key> merged;
    std::vector<std::size_t> origin; // for each merged key: its index in `keys`, or SIZE_MAX
    lmdb::Cursor cursor(txn, dbi_);
    std::size_t i = 0;
    while (i < keys.size()) {
        auto located = locate(cursor, keys[i]);
        if (!located) {
            // An empty index: everything is new, and so is every pair.
            write_blocks(txn, keys.subspan(i), /*append=*/true);
            for (auto* flags : {inserted, new_pair})
                if (flags)
                    std::fill(flags->begin() + static_cast<std::ptrdiff_t>(i), flags->end(), 1);
            count += keys.size() - i;
            break;
        }
        // keys[i, j) belong to this block.
        std::size_t j = i;
        while (j < keys.size() && (!located->next || keys[j] < *located->next))
            ++j;
        merged.clear();
        origin.clear();
        merged.reserve(located->keys.size() + (j - i));
        std::size_t added = 0;
        auto existing = located->keys.begin();
        auto keep_existing = [&] {
            merged.push_back(*existing++);
            origin.push_back(SIZE_MAX);
        };
        for (std::size_t k = i; k < j; ++k) {
            while (existing != located->keys.end() && *existing < keys[k])
                keep_existing();
            if (existing != located->keys.end() && *existing == keys[k])
                continue;
            merged.push_back(keys[k]);
            origin.push_back(k);
            ++added;
            if (inserted)
                (*inserted)[k] = 1;
        }
        while (existing != located->keys.end())
            keep_existing();
        if (added > 0) {
            if (new_pair)
                flag_new_pairs(merged, origin, located->next, *new_pair);
            dbi_.del(txn, key_bytes(located->first));
            write_blocks(txn, merged, /*append=*/!located->next);
            count += added;
        }
        i = j;
    }
    return count;
}

bool QuadIndex::contains_prefix(const lmdb::Txn& txn, const Key& prefix,
                                unsigned length) const {
    Key lo = prefix;
    Key hi = prefix;
    for (unsigned i = length; i < 4; ++i) {
        lo[i] = 0;
        hi[i] = ~TermId{0};
    }
    IndexScanner scanner(txn, *this, lo, hi);
    return scanner.next().has_value();
}

std::size_t QuadIndex::remove(const lmdb::WriteTxn& txn, std::span<const Key> keys,
                              std::vector<char>* removed) const {
    if (removed)
        removed->assign(keys.size(), 0);
    std::size_t count = 0;
    std::vector<Key> kept;
    std::vector<Key> next_keys;
    lmdb::Cursor cursor(txn, dbi_);
    std::size_t i = 0;
    while (i < keys.size()) {
        auto located = locate(cursor, keys[i]);
        if (!located)
            break; // empty index: nothing to remove
        std::size_t j = i;
        while (j < keys.size() && (!located->next || keys[j] < *located->next))
            ++j;
        kept.clear();
        std::size_t dropped = 0;
        auto existing = located->keys.begin();
        for (std::size_t k = i; k < j; ++k) {
            while (existing != located->keys.end() && *existing < keys[k])
                kept.push_back(*existing++);
            if (existing != located->keys.end() && *existing == keys[k]) {
                ++existing;
                ++dropped;
                if (removed)
                    (*removed)[k] = 1;
            }
        }
        kept.insert(kept.end(), existing, located->keys.end());
        if (dropped > 0) {
            count += dropped;
            dbi_.del(txn, key_bytes(located->first));
            // A block shrunk below a quarter is merged with its successor, so deletions
            // do not leave the index full of nearly empty blocks.
            if (located->next && !kept.empty() && kept.size() * 4 < located->keys.size()) {
                const auto value = dbi_.get(txn, key_bytes(*located->next));
                QUARRY_ASSERT(value.has_value(), "successor block vanished");
                decode_block(*located->next, *value, next_keys);
                kept.insert(kept.end(), next_keys.begin(), next_keys.end());
                dbi_.del(txn, key_bytes(*located->next));
            }
            write_blocks(txn, kept, /*append=*/false);
        }
        i = j;
    }
    return count;
}

// --- IndexScanner ----------------------------------------------------------------------

IndexScanner::IndexScanner(const lmdb::Txn& txn, const QuadIndex& index, const Key& lo,
                           const Key& hi)
    : cursor_(txn, index.dbi()), hi_(hi) {
    if (hi < lo)
        done_ = true;
    else
        position_at(lo);
}

void IndexScanner::position_at(const Key& target) {
    const auto entry = seek_block(cursor_, target);
    if (!entry) {
        done_ = true;
        return;
    }
    decode(read_key(entry->first), entry->second, target);
}

void IndexScanner::decode(const Key& first, std::string_view value, const Key& from) {
    if (block_.size() < value.size() + 1)
        block_.resize(std::max(value.size(), MAX_BLOCK_BYTES) + 1);
    size_ = decode_block(first, value, from, hi_, block_.data());
    pos_ = 0;
}

bool IndexScanner::load_next_block() {
    auto entry = cursor_.get(MDB_NEXT);
    if (!entry)
        return false;
    const Key first = read_key(entry->first);
    if (hi_ < first)
        return false;
    decode(first, entry->second, first);
    return true;
}

std::optional<Key> IndexScanner::next() {
    if (done_)
        return std::nullopt;
    if (pos_ == size_ && !load_next_block()) {
        done_ = true;
        return std::nullopt;
    }
    const Key& key = block_[pos_];
    if (KeyLess()(hi_, key)) {
        done_ = true;
        return std::nullopt;
    }
    ++pos_;
    return key;
}

std::span<const Key> IndexScanner::next_keys() {
    if (done_)
        return {};
    if (pos_ == size_ && !load_next_block()) {
        done_ = true;
        return {};
    }
    // Decoding stops at the first key past hi_: only the last can be out of range.
    std::size_t end = size_;
    if (KeyLess()(hi_, block_[end - 1])) {
        --end;
        done_ = true;
    }
    const std::span<const Key> keys(block_.data() + pos_, end - pos_);
    pos_ = size_;
    return keys;
}

void IndexScanner::seek(const Key& target) {
    if (done_)
        return;
    if (pos_ < size_) {
        if (target <= block_[pos_])
            return;
        if (target <= block_[size_ - 1]) {
            pos_ = static_cast<std::size_t>(
                std::lower_bound(block_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                 block_.begin() + static_cast<std::ptrdiff_t>(size_), target) -
                block_.begin());
            return;
        }
    }
    if (hi_ < target) {
        done_ = true;
        return;
    }
    position_at(target);
}

} // namespace quarry::storage
