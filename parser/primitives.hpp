#pragma once

// Primitive parsers: tokens scanned by hand (lexer.hpp) inside the X3 grammar. Each
// carries the words an error message uses for it ("expected a subject").

#include "parser/ast.hpp"
#include "parser/error_handler.hpp"
#include "parser/lexer.hpp"

#include <boost/spirit/home/x3.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

namespace quarry::parser {

namespace detail {
template <typename Context>
void tag(Context const& context, ast::Node& node, iterator_type first, iterator_type last) {
    x3::get<x3::error_handler_tag>(context).get().tag(node, first, last);
}
} // namespace detail

// A term in one of the four contexts of lexer.hpp.
struct term_parser : x3::parser<term_parser> {
    using attribute_type = ast::Term;
    static bool const has_attribute = true;

    constexpr term_parser(TermContext context, const char* description)
        : context(context), description(description) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext&,
               Attribute& attribute) const {
        x3::skip_over(first, last, ctx);
        ast::Term term;
        auto p = first;
        if (!scan_term(p, last, context, term))
            return false;
        detail::tag(ctx, term, first, p);
        x3::traits::move_to(std::move(term), attribute);
        first = p;
        return true;
    }

    TermContext context;
    const char* description;
};

// A keyword, in any case, not followed by a word character.
struct keyword_parser : x3::parser<keyword_parser> {
    using attribute_type = x3::unused_type;
    static bool const has_attribute = false;

    constexpr explicit keyword_parser(std::string_view word) : word(word) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext&,
               Attribute&) const {
        x3::skip_over(first, last, ctx);
        auto p = first;
        for (char expected : word) {
            if (p == last)
                return false;
            char c = *p;
            if (c >= 'A' && c <= 'Z')
                c = static_cast<char>(c - 'A' + 'a');
            if (c != expected)
                return false;
            ++p;
        }
        if (p != last && is_word_byte(static_cast<unsigned char>(*p)))
            return false;
        first = p;
        return true;
    }

    std::string_view word; // lower case
};

constexpr keyword_parser kw(std::string_view word) { return keyword_parser(word); }

// A token read by one of the lexer's scan functions, named `description` in errors.
template <typename Attribute, bool (*Scan)(iterator_type&, iterator_type, Attribute&)>
struct scanned_parser : x3::parser<scanned_parser<Attribute, Scan>> {
    using attribute_type = Attribute;
    static bool const has_attribute = true;

    constexpr explicit scanned_parser(const char* description) : description(description) {}

    template <typename Iterator, typename Context, typename RContext, typename ActualAttribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext&,
               ActualAttribute& attribute) const {
        x3::skip_over(first, last, ctx);
        Attribute value;
        if (!Scan(first, last, value))
            return false;
        x3::traits::move_to(std::move(value), attribute);
        return true;
    }

    const char* description;
};

// A "string" (file names in load and export).
using string_parser = scanned_parser<std::string, scan_string>;
// <iri> or prefix:local.
using iri_parser = scanned_parser<ast::IriRef, scan_iri_ref>;
// The `ex:` of a prefix declaration; the attribute is the name without ':'.
using prefix_name_parser = scanned_parser<std::string, scan_prefix_name>;

// An identifier: a function name, a format, an alias (with or without a leading '?').
struct identifier_parser : x3::parser<identifier_parser> {
    using attribute_type = std::string;
    static bool const has_attribute = true;

    constexpr explicit identifier_parser(const char* description, bool allow_question_mark = false)
        : description(description), allow_question_mark(allow_question_mark) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext&,
               Attribute& attribute) const {
        x3::skip_over(first, last, ctx);
        auto p = first;
        if (allow_question_mark && p != last && *p == '?')
            ++p;
        const auto start = p;
        if (p == last || (*p >= '0' && *p <= '9') || !is_identifier_byte(static_cast<unsigned char>(*p)))
            return false;
        while (p != last && is_identifier_byte(static_cast<unsigned char>(*p)))
            ++p;
        x3::traits::move_to(std::string(start, p), attribute);
        first = p;
        return true;
    }

    const char* description;
    bool allow_question_mark;
};

// A path modifier as read: '+', '*', '?', or '{' for bounds {m,n}, {n}, {m,} or {,n}.
struct PathModifier {
    char kind = '+';
    std::uint64_t min = 0;
    std::optional<std::uint64_t> max;
};

namespace detail {
// Reads the decimal digits at `p` (none: p stays) into `value`; true if they overflow 64 bits.
template <typename Iterator>
bool scan_digits(Iterator& p, Iterator last, std::uint64_t& value) {
    value = 0;
    bool overflow = false;
    while (p != last && *p >= '0' && *p <= '9') {
        const std::uint64_t digit = static_cast<std::uint64_t>(*p - '0');
        overflow = overflow || value > (UINT64_MAX - digit) / 10;
        value = value * 10 + digit;
        ++p;
    }
    return overflow;
}
// Reads the digits at `p` into `value`; false if there are none. Overflow is an error.
inline bool scan_bound(iterator_type& p, iterator_type last, std::uint64_t& value) {
    const auto start = p;
    if (scan_digits(p, last, value))
        throw LexicalError(start, "path bound out of range (at most 18446744073709551615)");
    return p != start;
}
inline void skip_blanks(iterator_type& p, iterator_type last) {
    while (p != last && (*p == ' ' || *p == '\t'))
        ++p;
}
} // namespace detail

// A path modifier + * ? or bounds {m,n}; a '?' that starts a variable (?y) is not one.
// Bounds are scanned by hand, so that the grammar gains no rules (and compile time):
// after '{' anything but a bound is an error here.
struct path_modifier_parser : x3::parser<path_modifier_parser> {
    using attribute_type = PathModifier;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext&,
               Attribute& attribute) const {
        x3::skip_over(first, last, ctx);
        if (first == last || (*first != '+' && *first != '*' && *first != '?' && *first != '{'))
            return false;
        if (*first == '?' && first + 1 != last &&
            is_identifier_byte(static_cast<unsigned char>(first[1])))
            return false;
        PathModifier modifier;
        modifier.kind = *first;
        if (*first != '{') {
            x3::traits::move_to(modifier, attribute);
            ++first;
            return true;
        }
        auto p = first + 1;
        detail::skip_blanks(p, last);
        const bool has_min = detail::scan_bound(p, last, modifier.min);
        detail::skip_blanks(p, last);
        const bool comma = p != last && *p == ',';
        if (comma) {
            ++p;
            detail::skip_blanks(p, last);
            std::uint64_t max = 0;
            if (detail::scan_bound(p, last, max))
                modifier.max = max;
            else if (!has_min)
                throw LexicalError(p, "expected a bound: {m,n}, {n}, {m,} or {,n}");
            detail::skip_blanks(p, last);
        } else if (has_min) {
            modifier.max = modifier.min;
        } else {
            throw LexicalError(p, "expected a bound: {m,n}, {n}, {m,} or {,n}");
        }
        if (p == last || *p != '}')
            throw LexicalError(p, !comma || modifier.max
                                      ? (comma ? "expected '}'" : "expected ',' or '}'")
                                      : "expected a number or '}'");
        first = p + 1;
        x3::traits::move_to(modifier, attribute);
        return true;
    }
};

// A non-negative 64-bit count (limit, offset); overflow is an error, not a mismatch.
struct count_parser : x3::parser<count_parser> {
    using attribute_type = std::uint64_t;
    static bool const has_attribute = true;

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext&,
               Attribute& attribute) const {
        x3::skip_over(first, last, ctx);
        auto p = first;
        std::uint64_t value = 0;
        const bool overflow = detail::scan_digits(p, Iterator(last), value);
        if (p == first || (p != last && is_word_byte(static_cast<unsigned char>(*p))))
            return false;
        if (overflow)
            throw LexicalError(first, "number out of range (at most 18446744073709551615)");
        x3::traits::move_to(value, attribute);
        first = p;
        return true;
    }
};

// annotated[p]: parses p, then tags the enclosing rule's attribute (its _val) with the
// range p matched. annotate_on_success cannot: X3 hands it `unused` for rules built by
// semantic actions, which most of ours are.
template <typename Subject>
struct annotate_directive : x3::unary_parser<Subject, annotate_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, annotate_directive<Subject>>;
    static bool const is_pass_through_unary = true;

    constexpr explicit annotate_directive(Subject const& subject) : base_type(subject) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext& rcontext,
               Attribute& attribute) const {
        x3::skip_over(first, last, ctx);
        const Iterator start = first;
        if (!this->subject.parse(first, last, ctx, rcontext, attribute))
            return false;
        if constexpr (std::is_base_of_v<x3::position_tagged, RContext>)
            x3::get<x3::error_handler_tag>(ctx).get().tag(rcontext, start, first);
        return true;
    }
};

struct annotate_generator {
    template <typename Subject>
    constexpr annotate_directive<typename x3::extension::as_parser<Subject>::value_type>
    operator[](Subject const& subject) const {
        return annotate_directive<typename x3::extension::as_parser<Subject>::value_type>(
            x3::as_parser(subject));
    }
};

inline constexpr annotate_generator annotated{};

// described("what")[p]: p, named for error messages ("expected what") when p is a
// composite that has no rule (and so no name) of its own.
template <typename Subject>
struct described_directive : x3::unary_parser<Subject, described_directive<Subject>> {
    using base_type = x3::unary_parser<Subject, described_directive<Subject>>;
    static bool const is_pass_through_unary = true;

    constexpr described_directive(Subject const& subject, const char* description)
        : base_type(subject), description(description) {}

    template <typename Iterator, typename Context, typename RContext, typename Attribute>
    bool parse(Iterator& first, Iterator const& last, Context const& ctx, RContext& rcontext,
               Attribute& attribute) const {
        return this->subject.parse(first, last, ctx, rcontext, attribute);
    }

    const char* description;
};

struct described {
    constexpr explicit described(const char* description) : description(description) {}
    template <typename Subject>
    constexpr described_directive<typename x3::extension::as_parser<Subject>::value_type>
    operator[](Subject const& subject) const {
        return {x3::as_parser(subject), description};
    }
    const char* description;
};

} // namespace quarry::parser

namespace boost::spirit::x3 {
// What an action or an annotated parser expects is what its subject expects.
template <typename Subject, typename Action>
struct get_info<action<Subject, Action>> {
    using result_type = std::string;
    std::string operator()(action<Subject, Action> const& p) const { return what(p.subject); }
};
template <typename Subject>
struct get_info<quarry::parser::described_directive<Subject>> {
    using result_type = std::string;
    std::string operator()(quarry::parser::described_directive<Subject> const& p) const {
        return p.description;
    }
};
template <typename Subject>
struct get_info<quarry::parser::annotate_directive<Subject>> {
    using result_type = std::string;
    std::string operator()(quarry::parser::annotate_directive<Subject> const& p) const {
        return what(p.subject);
    }
};
template <>
struct get_info<quarry::parser::term_parser> {
    using result_type = std::string;
    std::string operator()(quarry::parser::term_parser const& p) const { return p.description; }
};
template <>
struct get_info<quarry::parser::keyword_parser> {
    using result_type = std::string;
    std::string operator()(quarry::parser::keyword_parser const& p) const {
        return "'" + std::string(p.word) + "'";
    }
};
template <typename Attribute, bool (*Scan)(quarry::parser::iterator_type&, quarry::parser::iterator_type, Attribute&)>
struct get_info<quarry::parser::scanned_parser<Attribute, Scan>> {
    using result_type = std::string;
    std::string operator()(quarry::parser::scanned_parser<Attribute, Scan> const& p) const {
        return p.description;
    }
};
template <>
struct get_info<quarry::parser::identifier_parser> {
    using result_type = std::string;
    std::string operator()(quarry::parser::identifier_parser const& p) const {
        return p.description;
    }
};
template <>
struct get_info<quarry::parser::count_parser> {
    using result_type = std::string;
    std::string operator()(quarry::parser::count_parser const&) const {
        return "a non-negative integer";
    }
};
template <>
struct get_info<quarry::parser::path_modifier_parser> {
    using result_type = std::string;
    std::string operator()(quarry::parser::path_modifier_parser const&) const {
        return "'+', '*', '?' or {m,n}";
    }
};
// What a sequence expects is what its first part expects; an alternative expects any of
// its branches; an expectation point expects its subject.
template <typename Left, typename Right>
struct get_info<sequence<Left, Right>> {
    using result_type = std::string;
    std::string operator()(sequence<Left, Right> const& p) const { return what(p.left); }
};
template <typename Left, typename Right>
struct get_info<alternative<Left, Right>> {
    using result_type = std::string;
    std::string operator()(alternative<Left, Right> const& p) const {
        return what(p.left) + " or " + what(p.right);
    }
};
template <typename Subject>
struct get_info<expect_directive<Subject>> {
    using result_type = std::string;
    std::string operator()(expect_directive<Subject> const& p) const { return what(p.subject); }
};
} // namespace boost::spirit::x3
