#include "storage/dictionary_batch.hpp"

#include "storage/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <future>
#include <limits>
#include <unordered_map>

namespace quarry::storage {

namespace {

constexpr std::size_t INITIAL_SLOTS = 1024; // a power of two

// Puts `count` entries, in key order (`entry(i)` gives the i-th key and value; `follows(i)`
// whether key i sorts after key i - 1), into `dbi`: appended when every key sorts after
// the table's last one (always so for a fresh table), otherwise one insertion each.
template <typename Entry, typename Follows>
void put_sorted(const lmdb::WriteTxn& txn, const lmdb::Dbi& dbi, std::size_t count, Entry entry, Follows follows) {
    if (count == 0)
        return;
    lmdb::Cursor cursor(txn, dbi);
    const auto last = cursor.get(MDB_LAST);
    const bool append = !last || last->first < entry(0).first;
    for (std::size_t i = 0; i < count; ++i) {
        const auto [key, value] = entry(i);
        // Equal keys (long terms whose prefix and hash both collide) are duplicates of a
        // DUPSORT table: those go in the ordinary way.
        cursor.put(key, value, append && (i == 0 || follows(i)) ? MDB_APPEND : 0);
    }
}

// An entry of a sort by key: the key, and its bytes from the sort's depth, eight of them
// as a number.
struct Ordered {
    std::uint64_t chunk = 0;
    const char* key = nullptr;
    std::uint32_t length = 0;
    std::uint32_t index = 0; // in the batch's new terms

    std::string_view view() const { return {key, length}; }
    // How many bytes the key has from `depth` on, up to 9 (more than a chunk).
    std::size_t remaining(std::size_t depth) const { return std::min<std::size_t>(length - depth, 9); }
};

// Sorts [first, last), whose keys agree on their first `depth` bytes, by key: by the next
// eight bytes as a number (read once per entry), then, where those tie and the keys go on,
// by the eight after, and so on. No comparison reads the keys themselves; reading each
// key's next eight bytes is a cache miss, so keys are fetched a few entries ahead. A range
// whose keys all share those bytes (a prefix such as http://…) needs no sorting.
void sort_by_key(Ordered* first, Ordered* last, std::size_t depth) {
    constexpr std::ptrdiff_t AHEAD = 8;
    const auto tied = [depth](const Ordered& a, const Ordered& b) {
        return a.chunk == b.chunk && a.remaining(depth) == b.remaining(depth);
    };
    bool alike = true;
    for (Ordered* entry = first; entry != last; ++entry) {
        if (last - entry > AHEAD)
            __builtin_prefetch(entry[AHEAD].key + depth);
        char bytes[8] = {};
        std::memcpy(bytes, entry->key + depth, std::min<std::size_t>(entry->remaining(depth), 8));
        entry->chunk = read_be64(bytes);
        alike = alike && tied(*entry, *first);
    }
    if (!alike)
        std::sort(first, last, [depth](const Ordered& a, const Ordered& b) {
            return a.chunk != b.chunk ? a.chunk < b.chunk : a.remaining(depth) < b.remaining(depth);
        });
    for (Ordered* run = first; run != last;) {
        Ordered* end = run + 1;
        while (end != last && tied(*end, *run))
            ++end;
        if (end - run > 1 && run->remaining(depth) > 8) // tied so far, and the keys go on
            sort_by_key(run, end, depth + 8);
        run = end;
    }
}

} // namespace

DictionaryBatch::DictionaryBatch(const Dictionary& dictionary, const lmdb::WriteTxn& txn, std::size_t memory)
    : dictionary_(dictionary), txn_(txn), memory_(memory), slots_(INITIAL_SLOTS) {}

void DictionaryBatch::grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old)
        if (slot.length != 0) {
            std::size_t i = slot.hash & mask;
            while (slots_[i].length != 0)
                i = (i + 1) & mask;
            slots_[i] = slot;
        }
}

void PreparedTerm::prepare(const Term& term) {
    inline_id = storage::inline_id(term);
    encoding.clear();
    if (!inline_id) {
        tag = dictionary_tag(term);
        encode_term(term, encoding);
        hash = Dictionary::hash(encoding);
    }
}

void DictionaryBatch::intern(const PreparedTerm* const* terms, std::size_t count, TermId* ids) {
    // How far ahead the slot of a term, then its encoding in the arena, are fetched: the
    // encoding's address is in the slot, so it is fetched once the slot has arrived.
    constexpr std::size_t SLOT_AHEAD = 16, ENCODING_AHEAD = 8;
    for (std::size_t i = 0; i < count; ++i) {
        if (i + SLOT_AHEAD < count && !terms[i + SLOT_AHEAD]->inline_id)
            __builtin_prefetch(&slots_[terms[i + SLOT_AHEAD]->hash & (slots_.size() - 1)]);
        if (i + ENCODING_AHEAD < count && !terms[i + ENCODING_AHEAD]->inline_id) {
            const PreparedTerm& ahead = *terms[i + ENCODING_AHEAD];
            const Slot& home = slots_[ahead.hash & (slots_.size() - 1)];
            if (home.length != 0 && home.hash == ahead.hash)
                __builtin_prefetch(arena_.data() + home.offset);
        }
        ids[i] = intern(*terms[i]);
    }
}

TermId DictionaryBatch::intern(const PreparedTerm& term) {
    if (term.inline_id)
        return *term.inline_id;
    const std::string_view encoding = term.encoding;
    const IdTag tag = term.tag;
    const std::uint64_t hash = term.hash;
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    for (; slots_[i].length != 0; i = (i + 1) & mask) {
        const Slot& slot = slots_[i];
        if (slot.hash == hash && slot.length == encoding.size() && encoding_of(slot.offset, slot.length) == encoding)
            return slot.id;
    }
    Slot& slot = slots_[i];
    slot.hash = hash;
    slot.offset = arena_.size();
    slot.length = encoding.size();
    arena_ += encoding;
    if (const auto stored = dictionary_.find_encoded(txn_, encoding)) {
        slot.id = *stored;
    } else {
        auto next = next_.find(tag);
        if (next == next_.end())
            next = next_.emplace(tag, dictionary_.next_id(txn_, tag)).first;
        if (next->second > last_id(tag))
            throw StorageError(
                fmt::format("the dictionary has run out of ids for {} terms", kind_name(kind_of(first_id(tag)))));
        slot.id = next->second++;
        fresh_.push_back({slot.offset, slot.length, slot.id});
    }
    const TermId id = slot.id;
    if (++used_slots_ * 2 > slots_.size())
        grow();
    if (arena_.size() + slots_.size() * sizeof(Slot) + fresh_.size() * sizeof(Fresh) > memory_ ||
        fresh_.size() == std::numeric_limits<std::uint32_t>::max()) // flush() numbers them in 32 bits
        flush();
    return id;
}

void DictionaryBatch::flush() {
    // The table is not needed to write the new terms, and goes first: its memory is for
    // what runs meanwhile (the merges of a bulk load).
    slots_ = std::vector<Slot>(INITIAL_SLOTS);
    used_slots_ = 0;
    std::sort(fresh_.begin(), fresh_.end(), [](const Fresh& a, const Fresh& b) { return a.id < b.id; });
    // term2id goes in key order: a short encoding is its own key, a long one is hashed.
    // That order is worked out on another thread while id2term is written.
    std::vector<std::string> long_keys; // few
    std::vector<Ordered> order(fresh_.size());
    auto ordering = std::async(std::launch::async, [&] {
        for (std::size_t i = 0; i < fresh_.size(); ++i)
            if (fresh_[i].length > Dictionary::MAX_DIRECT_KEY)
                long_keys.push_back(Dictionary::lookup_key(encoding_of(fresh_[i].offset, fresh_[i].length)));
        for (std::size_t i = 0, long_key = 0; i < fresh_.size(); ++i) {
            const std::string_view key = fresh_[i].length <= Dictionary::MAX_DIRECT_KEY
                                             ? encoding_of(fresh_[i].offset, fresh_[i].length)
                                             : std::string_view(long_keys[long_key++]);
            order[i].key = key.data();
            order[i].length = static_cast<std::uint32_t>(key.size());
            order[i].index = static_cast<std::uint32_t>(i);
        }
        sort_by_key(order.data(), order.data() + order.size(), 0);
        QUARRY_DEBUG_ASSERT(std::is_sorted(order.begin(), order.end(),
                                           [](const Ordered& a, const Ordered& b) { return a.view() < b.view(); }),
                            "new terms out of key order");
    });
    std::string id;
    put_sorted(
        txn_, dictionary_.id2term_, fresh_.size(),
        [&](std::size_t i) {
            id.clear();
            append_be64(id, fresh_[i].id);
            return std::pair<std::string_view, std::string_view>(id, encoding_of(fresh_[i].offset, fresh_[i].length));
        },
        [](std::size_t) { return true; }); // ids are distinct, and sorted
    ordering.get();
    put_sorted(
        txn_, dictionary_.term2id_, order.size(),
        [&](std::size_t i) {
            // The id and the key are cache misses: fetched a few entries ahead.
            constexpr std::size_t AHEAD = 8;
            if (i + AHEAD < order.size()) {
                __builtin_prefetch(&fresh_[order[i + AHEAD].index]);
                __builtin_prefetch(order[i + AHEAD].key);
            }
            id.clear();
            append_be64(id, fresh_[order[i].index].id);
            return std::pair<std::string_view, std::string_view>(order[i].view(), id);
        },
        [&](std::size_t i) { return order[i].view() != order[i - 1].view(); });
    // Give the memory back, not just the contents: what follows a load needs it.
    fresh_ = {};
    arena_ = {};
}

} // namespace quarry::storage
