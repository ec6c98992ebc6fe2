#pragma once

// The grammar's error handling, modelled on x3::error_handler: it owns nothing but refers
// to the position cache of the ParsedStatements being built, tags AST nodes with their
// source range (annotate_on_success calls tag()), and records the first expectation
// failure instead of printing it. The driver (parse.cpp) turns that into a ParseError.

#include "parser/lexer.hpp"

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/utility/annotate_on_success.hpp>

#include <optional>
#include <string>
#include <vector>

namespace quarry::parser {

namespace x3 = boost::spirit::x3;

// The positions of annotated nodes (two per node). Room for a typical statement's from the
// start, rather than growing from one.
struct Positions : std::vector<iterator_type> {
    Positions() { reserve(64); }
};
using position_cache = x3::position_cache<Positions>;

class ErrorHandler {
public:
    explicit ErrorHandler(position_cache& positions) : positions_(positions) {}

    template <typename Node>
    void tag(Node& node, iterator_type first, iterator_type last) {
        positions_.annotate(node, first, last);
    }

    // Records an expectation failure at `where`; `expected` is what the grammar wanted.
    void fail(iterator_type where, std::string expected) {
        if (!failure_)
            failure_ = Failure{where, std::move(expected)};
    }

    struct Failure {
        iterator_type where;
        std::string expected;
    };
    const std::optional<Failure>& failure() const { return failure_; }

private:
    position_cache& positions_;
    std::optional<Failure> failure_;
};

// Rule IDs that handle expectation failures derive from this (only the statement rule).
struct error_handler_base {
    template <typename Iterator, typename Exception, typename Context>
    x3::error_handler_result on_error(Iterator&, Iterator const&, Exception const& x,
                                      Context const& context) {
        x3::get<x3::error_handler_tag>(context).get().fail(x.where(), x.which());
        return x3::error_handler_result::fail;
    }
};

} // namespace quarry::parser
