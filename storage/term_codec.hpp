#pragma once

// Term ids and the canonical binary encoding of terms.
//
// A TermId is 64 bits: a 4-bit tag in the top bits, a 60-bit payload below. Booleans,
// dates, datetimes and integers in [-2^59, 2^59) are *inline*: the payload is the value,
// biased so that unsigned id order equals value order within the tag. Every other term
// lives in the dictionary and its payload is a sequence number. Tags are ordered like
// TermKind, so index order groups terms by kind. docs/storage.md has the table.

#include "storage/term.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quarry::storage {

using TermId = std::uint64_t;

enum class IdTag : std::uint8_t {
    SPECIAL = 0,      // 0 is the default context
    NAME = 1,         // dictionary
    IRI = 2,          // dictionary
    STRING = 3,       // dictionary
    TYPED = 4,        // dictionary
    BOOLEAN = 5,      // inline: 0 / 1
    INTEGER = 6,      // inline: value + 2^59
    BIG_INTEGER = 7,  // dictionary: integers outside the inline range
    DECIMAL = 8,      // dictionary
    DATE = 9,         // inline: days since 0000-01-01
    DATETIME = 10,    // inline: (UTC ms since the datetime base) << 11 | zone code
};

constexpr unsigned ID_TAG_SHIFT = 60;
constexpr TermId ID_PAYLOAD_MASK = (TermId{1} << ID_TAG_SHIFT) - 1;
constexpr TermId DEFAULT_CONTEXT_ID = 0;
constexpr std::int64_t INLINE_INTEGER_MIN = -(std::int64_t{1} << 59);
constexpr std::int64_t INLINE_INTEGER_MAX = (std::int64_t{1} << 59) - 1;

constexpr IdTag id_tag(TermId id) { return static_cast<IdTag>(id >> ID_TAG_SHIFT); }
constexpr TermId id_payload(TermId id) { return id & ID_PAYLOAD_MASK; }
constexpr TermId make_id(IdTag tag, TermId payload) {
    return (TermId{static_cast<std::uint8_t>(tag)} << ID_TAG_SHIFT) | payload;
}
// The smallest and largest id a tag can have: [first_id(tag), last_id(tag)] is a range.
constexpr TermId first_id(IdTag tag) { return make_id(tag, 0); }
constexpr TermId last_id(IdTag tag) { return make_id(tag, ID_PAYLOAD_MASK); }

bool is_inline_tag(IdTag tag);
inline bool is_inline(TermId id) { return is_inline_tag(id_tag(id)); }

// The kind of the term behind an id, without a dictionary look-up. Throws StorageError
// for a tag no term uses (a corrupt id).
TermKind kind_of(TermId id);

// The id of a term that needs no dictionary entry (default context, boolean, date,
// datetime, integer in the inline range), or nullopt.
std::optional<TermId> inline_id(const Term& term);
// The term of an inline id. Precondition: is_inline(id) or id == DEFAULT_CONTEXT_ID.
Term decode_inline(TermId id);
// The tag a dictionary term gets. Precondition: !inline_id(term).
IdTag dictionary_tag(const Term& term);

// Inline ids of range bounds, for range conditions on inline values (the engine turns
// `?d >= 2024-01-01` into an id range without touching the dictionary).
TermId inline_integer_id(std::int64_t value); // precondition: in the inline range
TermId inline_date_id(std::int64_t days_since_epoch);
// The id range [lo, hi] of every datetime whose UTC instant lies in [from_ms, to_ms].
std::pair<TermId, TermId> inline_datetime_range(std::int64_t from_ms, std::int64_t to_ms);

// The canonical binary encoding: one TermKind byte, then the value.
//   NAME, IRI       text
//   STRING          lang, 0x00, text      (a language tag holds no NUL)
//   TYPED           datatype, 0x00, lexical
//   INTEGER         8 bytes, big-endian, sign bit flipped (sorts numerically)
//   DECIMAL         8 bytes, order-preserving transform of the IEEE bits
//   BOOLEAN         1 byte
//   DATE            8 bytes, like INTEGER, days since 1970-01-01
//   DATETIME        8 bytes like INTEGER (epoch ms), then 1 byte zone flag, 2 bytes offset
//   DEFAULT_CONTEXT nothing
std::string encode_term(const Term& term);
// Appends the encoding of `term` to `out`.
void encode_term(const Term& term, std::string& out);
// Throws StorageError if `bytes` is not a canonical encoding.
Term decode_term(std::string_view bytes);

// Big-endian 64-bit helpers shared by the record encodings.
void append_be64(std::string& out, std::uint64_t value);
std::uint64_t read_be64(const char* bytes);

} // namespace quarry::storage
