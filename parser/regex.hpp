#pragma once

// The regular expressions of matches() and replace() (SPEC §2): ECMAScript syntax, with
// flags `i` (ignore case) and `m` (multi-line: ^ and $ also match at line breaks). The
// validator checks constant patterns with it, and the engine compiles them with it once.

#include <regex>
#include <stdexcept>
#include <string_view>

namespace quarry::parser {

class RegexError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws RegexError saying what is wrong with the pattern or the flags.
std::regex compile_regex(std::string_view pattern, std::string_view flags = {});

} // namespace quarry::parser
