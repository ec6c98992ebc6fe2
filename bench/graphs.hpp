#pragma once

// The graphs bench/run measures, and what its questions need to know of each.
//
// news (bench/newsgraph.hpp): names as entities, a dozen predicates of similar sizes,
// degrees half Zipf-skewed, half uniform, written in generation order.
//
// skewed (generate_skewed_graph): the same kinds of facts with IRIs as entities
// (<http://skewed.example/person/17>), degrees drawn from Zipf distributions with exponent
// 1.1 (no uniform share: a few people take a large part of every edge), predicates of very
// different sizes (met about 40% of the quads, then mentions, then a long tail of 400
// attribute predicates whose sizes fall off as Zipf 1.1 too, the smallest with a handful of
// facts), and the N-Quads lines shuffled, so no subject's facts are adjacent in the file.
//
// Both are deterministic: the same kind, quad count and seed give the same bytes anywhere.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace quarry::bench {

enum class GraphKind { NEWS, SKEWED };

// "news" or "skewed"; throws std::invalid_argument otherwise.
GraphKind parse_graph_kind(const std::string& text);
std::string_view graph_kind_name(GraphKind kind);

// Writes exactly `quads` lines of N-Quads of the graph of that kind.
void generate_graph(GraphKind kind, std::ostream& out, std::uint64_t quads, std::uint64_t seed);
void generate_skewed_graph(std::ostream& out, std::uint64_t quads, std::uint64_t seed);

// A term as a Quarry query writes it, and as its N-Triples text (what the file holds).
struct Constant {
    std::string quarry;
    std::string ntriples;
};

// What the question set names in a graph: the predicates that play the same part in both
// graphs, and constants picked so that each question means the same on both.
struct Vocabulary {
    Constant met, member_of, role, born_in, date, located_in;
    Constant busy_city;         // the city most often the context of `met`
    std::string busy_city_label; // how the table names it
    Constant big_organisation;  // the organisation most often the object of `member_of`
    std::uint64_t people = 0;   // point look-ups ask about person(i), i < people
    std::function<Constant(std::uint64_t)> person;
    // A range of dates [from, to) that holds about a thousand `date` facts.
    std::string dates_from, dates_to;
};

Vocabulary news_vocabulary(std::uint64_t quads);
Vocabulary skewed_vocabulary(std::uint64_t quads);
Vocabulary vocabulary(GraphKind kind, std::uint64_t quads);

// [from, to) of `days` days from 2020-01-01, as ISO dates.
std::pair<std::string, std::string> dates_from_2020(std::uint64_t days);

} // namespace quarry::bench
