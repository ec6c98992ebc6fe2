// `"text" + std::string&&`: correct code that GCC 12 at -O3 reports as a memcpy of 2^63
// overlapping bytes (-Wrestrict) unless cmake/QuarryWarnings.cmake turns that warning off.
#include <string>
#include <string_view>

std::string quoted(std::string_view word) {
    return "'" + std::string(word) + "'";
}
std::string parenthesised(const std::string& text) {
    return "(" + text + ")";
}
std::string inverse(const std::string& path) {
    return "^" + std::string(path);
}
