#pragma once

// A deterministic news-event knowledge graph, written as N-Quads: the data of bench/run.
//
// People, organisations, a place hierarchy (districts in cities in provinces in countries
// in regions, for closures), meetings with dates and source documents. Predicates: met,
// visited, invited, member_of, part_of, located_in, role, born_in, said, date, founded.
// Objects include integers (founded), dates (date) and language-tagged strings (role,
// said). Contexts are cities or source documents (IRIs); static facts sit in the default
// graph. Who acts and who is met or visited follow Zipf-skewed degrees (with separate
// rankings, so the busiest subjects are not the most met), mixed with a uniform share so
// that a typical person is the subject of about a dozen facts.
//
// The same quad count and seed give the same bytes on every machine: the generator uses
// its own random numbers (splitmix64) and its own distributions, never <random>'s.
//
// Names become Quarry names (IRIs under urn:quarry:name:), so queries write them bare:
// `match (Amira Kalemo, ?p, ?o)`.

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::bench {

// How many entities of each kind a graph of `quads` quads has.
struct GraphShape {
    explicit GraphShape(std::uint64_t quads);
    std::uint64_t quads;
    std::uint64_t regions, countries, provinces, cities, districts;
    std::uint64_t organisations, people, documents;
};

// Deterministic random numbers (splitmix64).
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next();
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; } // [0, 1)
private:
    std::uint64_t state_;
};

// Ranks 0..n-1 drawn with probability proportional to 1 / (rank + 1)^exponent, mapped to
// entity indexes by a fixed permutation (`salt` picks it), so rank 0 is not entity 0.
class Zipf {
public:
    Zipf(std::uint64_t n, double exponent, std::uint64_t salt);
    std::uint64_t operator()(Random& random) const; // an entity index
    std::uint64_t entity_of_rank(std::uint64_t rank) const;
private:
    std::vector<double> cumulative_;
    std::uint64_t multiplier_, offset_;
};

// The names of entity `i` of each kind (all distinct from each other).
std::string person_name(std::uint64_t i);
std::string organisation_name(std::uint64_t i);
std::string region_name(std::uint64_t i);
std::string country_name(std::uint64_t i);
std::string province_name(std::uint64_t i);
std::string city_name(std::uint64_t i);
std::string district_name(std::uint64_t i);
std::string meeting_name(std::uint64_t i);
std::string document_iri(std::uint64_t i);

// The city that the "who met whom in a given context" query asks about: the one most
// often used as a context.
std::uint64_t busiest_city(const GraphShape& shape);

// Writes N-Quads lines, one a call, until `budget` lines are written (later calls do nothing).
class Writer {
public:
    Writer(std::ostream& out, std::uint64_t budget);
    Writer(std::function<void(const std::string&)> emit, std::uint64_t budget)
        : emit_(std::move(emit)), left_(budget) {}
    bool full() const { return left_ == 0; }
    // `graph` empty: the default graph.
    void quad(const std::string& s, const std::string& p, const std::string& o,
              const std::string& graph = {});
private:
    std::function<void(const std::string&)> emit_;
    std::uint64_t left_;
    std::string line_;
};

// N-Triples pieces shared by the generators.
std::string escape_literal(std::string_view text);                        // " and \ escaped
std::string string_literal(std::string_view text, std::string_view lang); // "text"@lang
std::string typed_literal(const std::string& lexical,
                          std::string_view type); // "lexical"^^<xsd:type>
std::string name_iri(const std::string& name); // <urn:quarry:name:…>, what a Quarry name is in RDF

// Dates run over ten years, 2015-01-01 .. 2024-12-31: day `day` of them, as YYYY-MM-DD.
constexpr std::uint64_t DAYS = 3653;
std::string date_of(std::uint64_t day);

// A count written as digits with an optional k or M suffix: 100k, 1M, 2500000.
// Throws std::invalid_argument otherwise.
std::uint64_t parse_count(const std::string& text);

// Writes exactly `quads` lines of N-Quads to `out` (some may repeat a fact, as real
// extractions do; a store keeps each fact once).
void generate_news_graph(std::ostream& out, std::uint64_t quads, std::uint64_t seed);

} // namespace quarry::bench
