// The skewed graph of bench/graphs.hpp: IRIs as entities, Zipf 1.1 degrees, predicates of
// very different sizes, lines shuffled.

#include "bench/graphs.hpp"
#include "bench/newsgraph.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace quarry::bench {

namespace {

constexpr double EXPONENT = 1.1;
constexpr std::uint64_t REGIONS = 8, ROLES = 40, PROPERTIES = 400;

// How many entities of each kind a skewed graph of `quads` quads has.
struct SkewedShape {
    explicit SkewedShape(std::uint64_t quads)
        : countries(std::clamp<std::uint64_t>(quads / 20'000, 20, 300)),
          cities(std::max<std::uint64_t>(200, quads / 800)),
          organisations(std::max<std::uint64_t>(100, quads / 500)),
          people(std::max<std::uint64_t>(1'000, quads / 20)),
          documents(std::max<std::uint64_t>(100, quads / 50)) {}
    std::uint64_t countries, cities, organisations, people, documents;
    // Quads written before the events: the place hierarchy, the organisations' seats, and
    // (on average) each person's born_in and role.
    double static_quads() const {
        return static_cast<double>(countries + cities + organisations) + 0.85 * static_cast<double>(people) +
               0.4 * static_cast<double>(people);
    }
};

// The percentage of event quads that are `date` facts (see the event loop).
constexpr std::uint64_t DATE_PERCENT = 8;

// Salts of the Zipf permutations, one per role an entity plays, so that the most met person
// is not the one who meets most, nor the one most mentioned.
enum Salt : std::uint64_t {
    MET_SUBJECT = 11, MET_OBJECT = 12, CITY = 13, ORGANISATION = 14, DOCUMENT = 15, MENTIONED = 16,
    MEMBER = 17, PROPERTY = 18, PROPERTY_SUBJECT = 19, ROLE = 20, CONTEXT_CITY = 21
};

const std::string BASE = "http://skewed.example/";

std::string iri(std::string_view kind, std::uint64_t i) {
    return "<" + BASE + std::string(kind) + "/" + std::to_string(i) + ">";
}
std::string predicate(std::string_view name) { return "<" + BASE + "p/" + std::string(name) + ">"; }

Zipf context_cities(const SkewedShape& shape) { return Zipf(shape.cities, EXPONENT, CONTEXT_CITY); }
Zipf member_organisations(const SkewedShape& shape) { return Zipf(shape.organisations, EXPONENT, ORGANISATION); }

Constant constant_iri(const std::string& text) { return {text, text}; }

} // namespace

void generate_skewed_graph(std::ostream& out, std::uint64_t quads, std::uint64_t seed) {
    const SkewedShape shape(quads);
    Random random(seed);
    // Every line is kept, then written in a shuffled order.
    std::string text;
    std::vector<std::pair<std::size_t, std::size_t>> lines; // offset, length
    lines.reserve(quads);
    Writer w(
        [&](const std::string& line) {
            lines.emplace_back(text.size(), line.size());
            text += line;
        },
        quads);

    const std::string located_in = predicate("located_in"), born_in = predicate("born_in"),
                      role = predicate("role"), member_of = predicate("member_of"), met = predicate("met"),
                      mentions = predicate("mentions"), date = predicate("date");
    const auto person = [](std::uint64_t i) { return iri("person", i); };
    const auto city = [](std::uint64_t i) { return iri("city", i); };
    const auto organisation = [](std::uint64_t i) { return iri("organisation", i); };
    const auto document = [](std::uint64_t i) { return iri("document", i); };

    for (std::uint64_t i = 0; i < shape.countries; ++i)
        w.quad(iri("country", i), located_in, iri("region", random.below(REGIONS)));
    for (std::uint64_t i = 0; i < shape.cities; ++i)
        w.quad(city(i), located_in, iri("country", random.below(shape.countries)));
    const Zipf cities(shape.cities, EXPONENT, CITY);
    for (std::uint64_t i = 0; i < shape.organisations; ++i)
        w.quad(organisation(i), located_in, city(cities(random)));

    const Zipf roles(ROLES, EXPONENT, ROLE);
    const auto role_literal = [&] { return string_literal("occupation " + std::to_string(roles(random)), "en"); };
    for (std::uint64_t i = 0; i < shape.people; ++i) {
        if (random.below(100) < 85)
            w.quad(person(i), born_in, city(cities(random)));
        if (random.below(100) < 40)
            w.quad(person(i), role, role_literal());
    }

    const Zipf met_subjects(shape.people, EXPONENT, MET_SUBJECT), met_objects(shape.people, EXPONENT, MET_OBJECT);
    const Zipf mentioned(shape.people, EXPONENT, MENTIONED), members(shape.people, EXPONENT, MEMBER);
    const Zipf documents(shape.documents, EXPONENT, DOCUMENT), context_city = context_cities(shape);
    const Zipf organisations = member_organisations(shape);
    const Zipf properties(PROPERTIES, EXPONENT, PROPERTY), property_subjects(shape.people, EXPONENT, PROPERTY_SUBJECT);
    std::uint64_t events = 0;
    while (!w.full()) {
        const auto kind = random.below(100);
        if (kind < 40) {
            const auto who = met_subjects(random), whom = met_objects(random);
            w.quad(person(who), met, person(whom),
                   random.below(2) == 0 ? city(context_city(random)) : document(documents(random)));
        } else if (kind < 60) {
            w.quad(document(documents(random)), mentions, person(mentioned(random)));
        } else if (kind < 64) {
            w.quad(person(members(random)), member_of, organisation(organisations(random)),
                   document(documents(random)));
        } else if (kind < 66) {
            w.quad(person(members(random)), role, role_literal(), document(documents(random)));
        } else if (kind < 66 + DATE_PERCENT) {
            w.quad(iri("event", events++), date, typed_literal(date_of(random.below(DAYS)), "date"),
                   document(documents(random)));
        } else {
            // The long tail: attribute predicates whose sizes fall off as Zipf 1.1.
            const auto k = properties(random);
            const auto subject = person(property_subjects(random));
            const auto name = predicate("attribute" + std::to_string(k));
            switch (k % 3) {
            case 0:
                w.quad(subject, name, typed_literal(std::to_string(random.below(1'000'000)), "integer"));
                break;
            case 1:
                w.quad(subject, name, string_literal("value " + std::to_string(random.below(10'000)), "en"));
                break;
            default:
                w.quad(subject, name, organisation(organisations(random)));
                break;
            }
        }
    }

    // Fisher–Yates with the generator's own random numbers.
    for (std::size_t i = lines.size(); i > 1; --i)
        std::swap(lines[i - 1], lines[random.below(i)]);
    for (const auto& [offset, length] : lines)
        out.write(text.data() + offset, static_cast<std::streamsize>(length));
}

Vocabulary skewed_vocabulary(std::uint64_t quads) {
    const SkewedShape shape(quads);
    Vocabulary v;
    v.met = constant_iri(predicate("met"));
    v.member_of = constant_iri(predicate("member_of"));
    v.role = constant_iri(predicate("role"));
    v.born_in = constant_iri(predicate("born_in"));
    v.date = constant_iri(predicate("date"));
    v.located_in = constant_iri(predicate("located_in"));
    const auto busy = context_cities(shape).entity_of_rank(0);
    v.busy_city = constant_iri(iri("city", busy));
    v.busy_city_label = "city/" + std::to_string(busy);
    v.big_organisation = constant_iri(iri("organisation", member_organisations(shape).entity_of_rank(0)));
    v.people = shape.people;
    v.person = [](std::uint64_t i) { return constant_iri(iri("person", i)); };
    const double per_day =
        DATE_PERCENT / 100.0 * std::max(0.0, static_cast<double>(quads) - shape.static_quads()) / static_cast<double>(DAYS);
    std::tie(v.dates_from, v.dates_to) =
        dates_from_2020(per_day > 0 ? static_cast<std::uint64_t>(1000.0 / per_day + 0.5) : DAYS);
    return v;
}

} // namespace quarry::bench
