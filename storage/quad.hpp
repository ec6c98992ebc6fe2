#pragma once

// Quads of term ids, patterns over them, and the six index permutations of SPEC §5.

#include "storage/term_codec.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace quarry::storage {

// Positions of a quad, in SPOC order.
enum Position : std::uint8_t { S = 0, P = 1, O = 2, C = 3 };

// A fact (subject, predicate, object, context) as term ids, always in SPOC order.
using Quad = std::array<TermId, 4>;

// A quad pattern: a bound position holds an id, an open one nullopt.
struct QuadPattern {
    std::array<std::optional<TermId>, 4> terms;

    // Bit i set ⇔ position i bound: one of the 16 patterns.
    unsigned bound_mask() const {
        unsigned mask = 0;
        for (unsigned i = 0; i < 4; ++i)
            if (terms[i])
                mask |= 1u << i;
        return mask;
    }
    bool matches(const Quad& quad) const {
        for (unsigned i = 0; i < 4; ++i)
            if (terms[i] && *terms[i] != quad[i])
                return false;
        return true;
    }
};

// The six permutations, named by key order (QLever's Permutation::Enum). The first three
// leave the context last, so copies of one triple in several contexts are adjacent.
enum class Permutation : std::uint8_t { SPOC, POSC, OSPC, CSPO, CPOS, COSP };
constexpr std::size_t PERMUTATION_COUNT = 6;
constexpr std::array<Permutation, PERMUTATION_COUNT> ALL_PERMUTATIONS = {
    Permutation::SPOC, Permutation::POSC, Permutation::OSPC,
    Permutation::CSPO, Permutation::CPOS, Permutation::COSP};

// The SPOC positions in key order: key[i] = quad[order(perm)[i]].
constexpr std::array<std::uint8_t, 4> order(Permutation perm) {
    switch (perm) {
    case Permutation::SPOC: return {S, P, O, C};
    case Permutation::POSC: return {P, O, S, C};
    case Permutation::OSPC: return {O, S, P, C};
    case Permutation::CSPO: return {C, S, P, O};
    case Permutation::CPOS: return {C, P, O, S};
    case Permutation::COSP: return {C, O, S, P};
    }
    return {S, P, O, C};
}

std::string_view permutation_name(Permutation perm);

// A quad's ids in one permutation's key order.
using Key = std::array<TermId, 4>;

// Key equality, word by word (std::array's == calls memcmp, out of line).
inline bool same_key(const Key& a, const Key& b) noexcept {
    return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3])) == 0;
}

// Key order, word by word: the same as Key's operator<, but faster in sorts than the
// generic lexicographic comparison.
struct KeyLess {
    bool operator()(const Key& a, const Key& b) const noexcept {
        if (a[0] != b[0])
            return a[0] < b[0];
        if (a[1] != b[1])
            return a[1] < b[1];
        if (a[2] != b[2])
            return a[2] < b[2];
        return a[3] < b[3];
    }
};

// Sorts keys into KeyLess order, in place: a radix sort on eight bits at a time, most
// significant first, each range split where its keys start to differ, and small ranges
// finished by insertion. Ids use few of their 64 bits, so a few passes split millions of
// keys into ranges a cache holds.
void sort_keys(std::span<Key> keys);

inline Key to_key(Permutation perm, const Quad& quad) {
    const auto ord = order(perm);
    return {quad[ord[0]], quad[ord[1]], quad[ord[2]], quad[ord[3]]};
}

inline Quad from_key(Permutation perm, const Key& key) {
    // One case per permutation, so that each is four moves (a loop through order()'s table
    // was a fifth of a scan's time).
    switch (perm) {
    case Permutation::SPOC: return key;
    case Permutation::POSC: return {key[2], key[0], key[1], key[3]};
    case Permutation::OSPC: return {key[1], key[2], key[0], key[3]};
    case Permutation::CSPO: return {key[1], key[2], key[3], key[0]};
    case Permutation::CPOS: return {key[3], key[1], key[2], key[0]};
    case Permutation::COSP: return {key[2], key[3], key[1], key[0]};
    }
    return key;
}

// The permutation for a pattern: its bound positions form a prefix of the key order.
// Patterns that leave the context open use SPOC/POSC/OSPC; those that fix it, C***.
Permutation choose_permutation(unsigned bound_mask);
// How many leading key positions of `perm` the pattern binds.
unsigned bound_prefix_length(Permutation perm, const QuadPattern& pattern);

} // namespace quarry::storage
