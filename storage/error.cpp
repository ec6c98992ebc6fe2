#include "storage/error.hpp"

#include <fmt/format.h>

namespace quarry::detail {

void throw_internal_error(const char* condition, const char* file, int line,
                          const std::string& message) {
    throw InternalError(fmt::format("internal error at {}:{}: {} ({} is false)", file, line,
                                    message, condition));
}

} // namespace quarry::detail
