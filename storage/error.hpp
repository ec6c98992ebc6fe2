#pragma once

// The errors (quarry/error.hpp, public) and the invariant checks every layer below the
// shell uses.

#include "quarry/error.hpp"

#include <string>

namespace quarry {

namespace detail {
[[noreturn]] void throw_internal_error(const char* condition, const char* file, int line,
                                       const std::string& message);
} // namespace detail

} // namespace quarry

// Always-on invariant check: throws InternalError naming the condition, file and line.
#define QUARRY_ASSERT(condition, message)                                                  \
    do {                                                                                   \
        if (!(condition)) [[unlikely]]                                                     \
            ::quarry::detail::throw_internal_error(#condition, __FILE__, __LINE__, message); \
    } while (false)

// Checked in debug builds only, for checks too costly for hot paths.
#ifdef NDEBUG
#define QUARRY_DEBUG_ASSERT(condition, message)                                            \
    do {                                                                                   \
    } while (false)
#else
#define QUARRY_DEBUG_ASSERT(condition, message) QUARRY_ASSERT(condition, message)
#endif
