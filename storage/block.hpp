#pragma once

// The record format of a quad index (docs/storage.md, "Quad indexes").
//
// An index holds sorted keys (quads in its permutation's order) in blocks. Each block is
// one LMDB entry: the LMDB key is the block's first quad (32 bytes, four big-endian ids),
// the value the following quads, each encoded against the one before it:
//
//   header byte   bits 7–6: position `pos` (0–3) of the first component that differs;
//                 bits 5–0: d = (cur[pos] - prev[pos] - 1) if d < 63, else 63 and
//   varint        d - 63 follows;
//   varints       for each later position i > pos: zigzag(cur[i] - prev[i]).
//
// Blocks are kept at most MAX_BLOCK_BYTES so that eight fit a 4 KiB page and no value
// ever spills to an overflow page.

#include "storage/quad.hpp"

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quarry::storage {

constexpr std::size_t KEY_BYTES = 32;
constexpr std::size_t MAX_BLOCK_BYTES = 464;
// The largest encoding of one quad: header, a 10-byte varint, three 10-byte varints.
constexpr std::size_t MAX_DELTA_BYTES = 41;

void write_key(char* out, const Key& key);
std::string key_bytes(const Key& key);
// Throws StorageError unless `bytes` is 32 bytes long.
Key read_key(std::string_view bytes);

// Bytes that `cur` takes when encoded after `prev` (precondition: prev < cur).
std::size_t delta_size(const Key& prev, const Key& cur);

// Encodes keys[1..] as one block value (keys[0] is the LMDB key).
void encode_block(std::span<const Key> keys, std::string& out);
// Replaces `out` with the block's keys: `first`, then the decoded value. Throws
// StorageError on a truncated or malformed value.
void decode_block(const Key& first, std::string_view value, std::vector<Key>& out);
// Replaces `out` with the block's keys from the first ≥ `from` up to and including the
// first one past `to`: what a scan of [from, to] can use. The keys before `from` are
// decoded (deltas are sequential) but not stored, and decoding stops past `to`.
void decode_block(const Key& first, std::string_view value, const Key& from, const Key& to,
                  std::vector<Key>& out);

// decode_block(first, value, from, to, out) into `out`, which has room for
// 1 + value.size() keys (a key takes at least one byte); returns how many it wrote.
std::size_t decode_block(const Key& first, std::string_view value, const Key& from, const Key& to,
                         Key* out);

// Sorted keys cut into blocks that each encode within MAX_BLOCK_BYTES, as evenly as the
// sizes allow. Every key's delta from the one before is encoded once, back to back: a
// block's value (its keys after the first, which is the LMDB key) is a slice of them.
struct PlannedBlocks {
    std::vector<std::size_t> starts; // the index of each block's first key
    std::string deltas;
    std::vector<std::size_t> ends;   // where key i's delta ends in `deltas` (key 0 has none)

    // Block b's keys run from starts[b] to the next start (the last, to `key_count`).
    std::size_t end(std::size_t b, std::size_t key_count) const {
        return b + 1 < starts.size() ? starts[b + 1] : key_count;
    }
    // Where block b's value lies in `deltas`: [first, second).
    std::pair<std::size_t, std::size_t> bounds(std::size_t b, std::size_t key_count) const {
        return {ends[starts[b]], ends[end(b, key_count) - 1]};
    }
    std::string_view value(std::size_t b, std::size_t key_count) const {
        const auto [first, last] = bounds(b, key_count);
        return std::string_view(deltas).substr(first, last - first);
    }
};
PlannedBlocks plan_blocks(std::span<const Key> keys);

} // namespace quarry::storage
