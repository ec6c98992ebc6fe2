#include "parser/regex.hpp"

#include <string>

namespace quarry::parser {

std::regex compile_regex(std::string_view pattern, std::string_view flags) {
    auto options = std::regex::ECMAScript;
    for (const char flag : flags) {
        if (flag == 'i')
            options |= std::regex::icase;
        else if (flag == 'm')
            options |= std::regex::multiline;
        else
            throw RegexError("unknown regex flag '" + std::string(1, flag) +
                             "' (the flags are i and m)");
    }
    try {
        return std::regex(pattern.begin(), pattern.end(), options);
    } catch (const std::regex_error& e) {
        throw RegexError("invalid regular expression \"" + std::string(pattern) +
                         "\": " + e.what());
    }
}

} // namespace quarry::parser
