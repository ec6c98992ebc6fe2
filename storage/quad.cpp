#include "storage/quad.hpp"

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

} // namespace quarry::storage
