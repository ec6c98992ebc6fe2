#pragma once

// The single definition of the types every grammar translation unit instantiates its
// rules with. The driver must parse with exactly these, or the link fails with a missing
// parse_rule.

#include "parser/error_handler.hpp"
#include "parser/lexer.hpp"

#include <boost/spirit/home/x3.hpp>

#include <functional>

namespace quarry::parser {

// Skips ASCII whitespace and `#` comments, one run per call.
struct skipper_parser : x3::parser<skipper_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const&, RContext&,
               Attribute&) const {
        const auto start = first;
        skip_space(first, last);
        return first != start;
    }
};

inline constexpr skipper_parser skipper{};

using phrase_context_type = x3::phrase_parse_context<skipper_parser>::type;
using context_type = x3::context<x3::error_handler_tag, std::reference_wrapper<ErrorHandler>,
                                 phrase_context_type>;

} // namespace quarry::parser
