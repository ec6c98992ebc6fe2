#include "storage/block.hpp"

#include "storage/error.hpp"

#include <fmt/format.h>

#include <bit>

namespace quarry::storage {

namespace {

std::uint64_t zigzag(std::uint64_t delta) {
    const auto signed_delta = static_cast<std::int64_t>(delta);
    return (static_cast<std::uint64_t>(signed_delta) << 1) ^
           static_cast<std::uint64_t>(signed_delta >> 63);
}

std::uint64_t unzigzag(std::uint64_t value) { return (value >> 1) ^ (~(value & 1) + 1); }

std::size_t varint_size(std::uint64_t value) {
    return (static_cast<std::size_t>(std::bit_width(value | 1)) + 6) / 7;
}

// Writes `value` as a varint at `out`; returns the end.
char* write_varint(char* out, std::uint64_t value) {
    while (value >= 0x80) {
        *out++ = static_cast<char>((value & 0x7F) | 0x80);
        value >>= 7;
    }
    *out++ = static_cast<char>(value);
    return out;
}

[[noreturn]] void malformed(std::string_view what) {
    throw StorageError(fmt::format("corrupt index block: {}", what));
}

// Inlined: a scan decodes three of them per key, and a call each was a sixth of a long
// scan's time.
[[gnu::always_inline]] inline std::uint64_t read_varint(const unsigned char*& p, const unsigned char* end) {
    std::uint64_t value = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (p == end)
            malformed("truncated varint");
        const unsigned char byte = *p++;
        value |= std::uint64_t{byte & 0x7Fu} << shift;
        if ((byte & 0x80) == 0)
            return value;
    }
    malformed("varint longer than 10 bytes");
}

constexpr unsigned SMALL_DELTA_LIMIT = 63;

unsigned first_difference(const Key& prev, const Key& cur) {
    unsigned pos = 0;
    while (pos < 3 && prev[pos] == cur[pos])
        ++pos;
    return pos;
}

} // namespace

void write_key(char* out, const Key& key) {
    for (unsigned i = 0; i < 4; ++i) {
        TermId id = key[i];
        for (int b = 7; b >= 0; --b) {
            out[i * 8 + b] = static_cast<char>(id & 0xFF);
            id >>= 8;
        }
    }
}

std::string key_bytes(const Key& key) {
    std::string bytes(KEY_BYTES, '\0');
    write_key(bytes.data(), key);
    return bytes;
}

Key read_key(std::string_view bytes) {
    if (bytes.size() != KEY_BYTES)
        malformed(fmt::format("key of {} bytes", bytes.size()));
    return {read_be64(bytes.data()), read_be64(bytes.data() + 8), read_be64(bytes.data() + 16),
            read_be64(bytes.data() + 24)};
}

std::size_t delta_size(const Key& prev, const Key& cur) {
    const unsigned pos = first_difference(prev, cur);
    const std::uint64_t d = cur[pos] - prev[pos] - 1;
    std::size_t size = 1 + (d >= SMALL_DELTA_LIMIT ? varint_size(d - SMALL_DELTA_LIMIT) : 0);
    for (unsigned i = pos + 1; i < 4; ++i)
        size += varint_size(zigzag(cur[i] - prev[i]));
    return size;
}

namespace {

// Writes the delta of `cur` from `prev` at `out` (room for MAX_DELTA_BYTES); returns the end.
char* write_delta(char* out, const Key& prev, const Key& cur) {
    const unsigned pos = first_difference(prev, cur);
    QUARRY_DEBUG_ASSERT(cur[pos] > prev[pos], "block keys must be strictly increasing");
    const std::uint64_t d = cur[pos] - prev[pos] - 1;
    const auto small = static_cast<unsigned>(d < SMALL_DELTA_LIMIT ? d : SMALL_DELTA_LIMIT);
    *out++ = static_cast<char>((pos << 6) | small);
    if (d >= SMALL_DELTA_LIMIT)
        out = write_varint(out, d - SMALL_DELTA_LIMIT);
    for (unsigned i = pos + 1; i < 4; ++i)
        out = write_varint(out, zigzag(cur[i] - prev[i]));
    return out;
}

// Every key's delta from the one before, back to back (the first key has none), in a
// buffer kept per thread with room for the longest deltas, so that no call pays for
// zeroing it; valid until the thread's next call. `ends`, if given, receives where each
// key's delta ends.
std::string_view encode_deltas(std::span<const Key> keys, std::size_t* ends) {
    thread_local std::vector<char> scratch;
    const std::size_t room = keys.empty() ? 0 : (keys.size() - 1) * MAX_DELTA_BYTES;
    if (scratch.size() < room)
        scratch.resize(room);
    char* out = scratch.data();
    for (std::size_t i = 1; i < keys.size(); ++i) {
        out = write_delta(out, keys[i - 1], keys[i]);
        if (ends)
            ends[i] = static_cast<std::size_t>(out - scratch.data());
    }
    return std::string_view(scratch.data(), static_cast<std::size_t>(out - scratch.data()));
}

} // namespace

void encode_block(std::span<const Key> keys, std::string& out) {
    out.assign(encode_deltas(keys, nullptr));
}

namespace {

// Decodes a block, calling `keep(key)` for each key in order until it returns false.
template <typename Keep>
void decode_keys(const Key& first, std::string_view value, Keep keep) {
    if (!keep(first))
        return;
    const auto* p = reinterpret_cast<const unsigned char*>(value.data());
    const auto* end = p + value.size();
    Key cur = first;
    while (p < end) {
        const unsigned char header = *p++;
        const unsigned pos = header >> 6;
        std::uint64_t d = header & 0x3F;
        if (d == SMALL_DELTA_LIMIT)
            d += read_varint(p, end);
        const TermId before = cur[pos];
        cur[pos] += d + 1;
        if (cur[pos] <= before)
            malformed("keys out of order");
        for (unsigned i = pos + 1; i < 4; ++i)
            cur[i] += unzigzag(read_varint(p, end));
        if (!keep(cur))
            return;
    }
}

} // namespace

void decode_block(const Key& first, std::string_view value, std::vector<Key>& out) {
    out.clear();
    out.reserve(value.size() / 2 + 1); // a quad takes at least one byte, usually two or more
    decode_keys(first, value, [&](const Key& key) {
        out.push_back(key);
        return true;
    });
}

void decode_block(const Key& first, std::string_view value, const Key& from, const Key& to,
                  std::vector<Key>& out) {
    out.clear();
    out.reserve(value.size() / 2 + 1); // at most: one allocation for the scan's life
    decode_keys(first, value, [&](const Key& key) {
        if (KeyLess()(key, from)) // word by word: std::array's < is a memcmp call
            return true;
        out.push_back(key);
        return !KeyLess()(to, key);
    });
}

std::size_t decode_block(const Key& first, std::string_view value, const Key& from, const Key& to,
                         Key* out) {
    std::size_t count = 0;
    decode_keys(first, value, [&](const Key& key) {
        if (KeyLess()(key, from))
            return true;
        out[count++] = key;
        return !KeyLess()(to, key);
    });
    return count;
}

PlannedBlocks plan_blocks(std::span<const Key> keys) {
    PlannedBlocks plan;
    if (keys.empty())
        return plan;
    plan.ends.resize(keys.size());
    plan.deltas.assign(encode_deltas(keys, plan.ends.data()));
    const std::size_t total = plan.ends.back();
    // Aim for equal blocks; a block may pass the aim by one quad, never MAX_BLOCK_BYTES.
    const std::size_t capacity = MAX_BLOCK_BYTES - MAX_DELTA_BYTES;
    const std::size_t count = (total + capacity - 1) / capacity;
    const std::size_t aim = count <= 1 ? MAX_BLOCK_BYTES : (total + count - 1) / count;
    plan.starts.push_back(0);
    std::size_t filled = 0;
    for (std::size_t i = 1; i < keys.size(); ++i) {
        const std::size_t size = plan.ends[i] - plan.ends[i - 1];
        if (filled >= aim || filled + size > MAX_BLOCK_BYTES) {
            plan.starts.push_back(i); // keys[i] opens a block and costs nothing in its value
            filled = 0;
        } else {
            filled += size;
        }
    }
    return plan;
}

} // namespace quarry::storage
