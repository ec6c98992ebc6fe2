#include "storage/quad.hpp"

#include <algorithm>
#include <bit>

namespace quarry::storage {

std::string_view permutation_name(Permutation perm) {
    switch (perm) {
    case Permutation::SPOC: return "SPOC";
    case Permutation::POSC: return "POSC";
    case Permutation::OSPC: return "OSPC";
    case Permutation::CSPO: return "CSPO";
    case Permutation::CPOS: return "CPOS";
    case Permutation::COSP: return "COSP";
    }
    return "?";
}

Permutation choose_permutation(unsigned mask) {
    const bool s = mask & (1u << S);
    const bool p = mask & (1u << P);
    const bool o = mask & (1u << O);
    if (mask & (1u << C)) {
        if (p && !s)
            return Permutation::CPOS; // C, CP, CPO
        if (o && !p)
            return Permutation::COSP; // CO, CSO
        return Permutation::CSPO;     // C, CS, CSP, CSPO
    }
    if (p && !s)
        return Permutation::POSC;     // P, PO
    if (o && !p)
        return Permutation::OSPC;     // O, SO
    return Permutation::SPOC;         // -, S, SP, SPO
}

unsigned bound_prefix_length(Permutation perm, const QuadPattern& pattern) {
    const auto ord = order(perm);
    unsigned length = 0;
    while (length < 4 && pattern.terms[ord[length]])
        ++length;
    return length;
}

namespace {

// Ranges this short are left to std::sort.
constexpr std::size_t RADIX_MIN_KEYS = 64;

// Byte `b` (0 the most significant) of a key read as 32 big-endian bytes.
unsigned key_byte(const Key& key, unsigned b) {
    return static_cast<unsigned>(key[b >> 3] >> (56 - 8 * (b & 7))) & 0xFF;
}

// Sorts keys that agree on every byte before `byte`.
void sort_keys_from(Key* first, Key* last, unsigned byte) {
    const std::size_t size = static_cast<std::size_t>(last - first);
    if (size < RADIX_MIN_KEYS) {
        std::sort(first, last, KeyLess());
        return;
    }
    // The first byte, from `byte` on, in which the keys differ.
    Key differ{};
    for (const Key* key = first; key != last; ++key)
        for (unsigned w = 0; w < 4; ++w)
            differ[w] |= (*key)[w] ^ (*first)[w];
    while (byte < 32 && key_byte(differ, byte) == 0)
        ++byte;
    if (byte == 32)
        return; // all equal
    // American flag sort on that byte: count, then swap each key into its bucket.
    std::array<std::size_t, 257> start{};
    for (const Key* key = first; key != last; ++key)
        ++start[key_byte(*key, byte) + 1];
    for (unsigned b = 0; b < 256; ++b)
        start[b + 1] += start[b];
    std::array<std::size_t, 256> next;
    std::copy(start.begin(), start.end() - 1, next.begin());
    for (unsigned b = 0; b < 256; ++b) {
        while (next[b] < start[b + 1]) {
            const unsigned home = key_byte(first[next[b]], byte);
            if (home == b)
                ++next[b];
            else
                std::swap(first[next[b]], first[next[home]++]);
        }
    }
    if (byte == 31)
        return;
    for (unsigned b = 0; b < 256; ++b)
        if (start[b + 1] - start[b] > 1)
            sort_keys_from(first + start[b], first + start[b + 1], byte + 1);
}

} // namespace

void sort_keys(std::span<Key> keys) { sort_keys_from(keys.data(), keys.data() + keys.size(), 0); }

} // namespace quarry::storage
