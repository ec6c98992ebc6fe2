#pragma once

#include <stdexcept>
#include <string>

// The error hierarchy shared by every layer that may include storage/ (the engine and the
// shell). The parser may include neither storage/ nor engine/, so its ParseError derives
// from std::runtime_error directly; the engine maps it into this hierarchy.
namespace quarry {

// Base of every error Quarry throws on purpose. Catch it at boundaries only.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A failure of the store: an LMDB call, an unreadable or foreign database file, corrupt
// records. `code()` is the LMDB or errno code when there is one, else 0.
class StorageError : public Error {
public:
    explicit StorageError(const std::string& message, int code = 0)
        : Error(message), code_(code) {}
    int code() const noexcept { return code_; }

private:
    int code_;
};

// A value that is not a valid term of its kind: a month 13, a NaN decimal, invalid UTF-8.
class TermError : public Error {
public:
    using Error::Error;
};

// A broken invariant: a bug in Quarry, never the user's fault.
class InternalError : public Error {
public:
    using Error::Error;
};

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
