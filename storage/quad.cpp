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

// Ranges this short are finished by insertion.
constexpr std::size_t RADIX_MIN_KEYS = 64;

// The eight bits of `key`, read as 256 bits, most significant first, that start at bit
// `bit` (past the end: zeros).
unsigned key_digit(const Key& key, unsigned bit) {
    const unsigned word = bit / 64, offset = bit % 64;
    std::uint64_t bits = key[word] << offset;
    if (offset > 56 && word < 3)
        bits |= key[word + 1] >> (64 - offset);
    return static_cast<unsigned>(bits >> 56);
}

// Sorts keys by a radix sort, most significant digit first, in place (American flag):
// each range is split on the eight bits that start at the first bit in which its keys
// differ, so that no pass is spent on bits every key shares (ids use few of their 64).
void sort_keys_from(Key* first, Key* last) {
    const std::size_t size = static_cast<std::size_t>(last - first);
    if (size < RADIX_MIN_KEYS) {
        for (Key* key = first + 1; key < last; ++key) {
            const Key moving = *key;
            Key* to = key;
            for (; to != first && KeyLess()(moving, to[-1]); --to)
                *to = to[-1];
            *to = moving;
        }
        return;
    }
    Key differ{};
    for (const Key* key = first; key != last; ++key)
        for (unsigned w = 0; w < 4; ++w)
            differ[w] |= (*key)[w] ^ (*first)[w];
    unsigned word = 0;
    while (word < 4 && differ[word] == 0)
        ++word;
    if (word == 4)
        return; // all equal
    const unsigned bit = word * 64 + static_cast<unsigned>(std::countl_zero(differ[word]));
    std::array<std::size_t, 257> start{};
    for (const Key* key = first; key != last; ++key)
        ++start[key_digit(*key, bit) + 1];
    for (unsigned d = 0; d < 256; ++d)
        start[d + 1] += start[d];
    std::array<std::size_t, 256> next;
    std::copy(start.begin(), start.end() - 1, next.begin());
    for (unsigned d = 0; d < 256; ++d) {
        while (next[d] < start[d + 1]) {
            const unsigned home = key_digit(first[next[d]], bit);
            if (home == d)
                ++next[d];
            else
                std::swap(first[next[d]], first[next[home]++]);
        }
    }
    if (bit + 8 >= 256)
        return; // the digit reached the last bit: each range holds equal keys
    for (unsigned d = 0; d < 256; ++d)
        if (start[d + 1] - start[d] > 1)
            sort_keys_from(first + start[d], first + start[d + 1]);
}

} // namespace

void sort_keys(std::span<Key> keys) { sort_keys_from(keys.data(), keys.data() + keys.size()); }

} // namespace quarry::storage
