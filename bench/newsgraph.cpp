#include "bench/newsgraph.hpp"

#include "bench/graphs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace quarry::bench {

namespace {

constexpr std::array<std::string_view, 8> REGIONS = {
    "Western Asia", "Central Asia", "South Asia", "Caucasus",
    "Levant", "Gulf", "North Africa", "Eastern Europe"};

constexpr std::array<std::string_view, 40> FIRST_NAMES = {
    "Ali", "Amira", "Hassan", "Leyla", "Omar", "Nadia", "Reza", "Samira", "Yusuf", "Zeynep",
    "Karim", "Farah", "Timur", "Aigerim", "Dmitri", "Irina", "Mehmet", "Elif", "Tariq", "Huda",
    "Nurlan", "Dana", "Sergei", "Olga", "Faisal", "Rania", "Bakhyt", "Saule", "Murat", "Ayse",
    "Javad", "Maryam", "Walid", "Salma", "Arman", "Madina", "Kemal", "Selin", "Idris", "Noor"};

constexpr std::array<std::string_view, 6> ORGANISATION_KINDS = {
    "Institute", "Agency", "Council", "Party", "Foundation", "Union"};

constexpr std::array<std::string_view, 24> ROLES = {
    "foreign minister", "deputy foreign minister", "senior adviser", "special envoy",
    "ambassador", "spokesperson", "president", "prime minister", "defence minister",
    "chief negotiator", "secretary general", "party leader", "governor", "mayor",
    "trade minister", "energy minister", "journalist", "analyst", "general", "diplomat",
    "economist", "researcher", "director", "chairman"};

constexpr std::array<std::string_view, 16> TOPICS = {
    "the ceasefire", "border security", "trade routes", "energy prices", "the refugee return",
    "the constitutional committee", "sanctions", "reconstruction", "water rights", "the elections",
    "the prisoner exchange", "humanitarian access", "the grain corridor", "regional stability",
    "the nuclear file", "transit fees"};

constexpr std::array<std::string_view, 8> VERBS = {
    "discussed", "welcomed progress on", "raised concerns about", "called for talks on",
    "rejected the proposal on", "praised the agreement on", "stressed the importance of",
    "announced a plan for"};

// "X said" in French and Arabic, so strings carry other tags and non-ASCII text.
constexpr std::array<std::string_view, 4> FRENCH = {
    "les deux parties ont discuté de", "la délégation a salué", "le ministre a rejeté",
    "les garants ont examiné"};
constexpr std::array<std::string_view, 4> ARABIC = {
    "ناقش الجانبان", "رحب الوفد بـ", "رفض الوزير", "بحث الضامنون"};

constexpr std::array<std::string_view, 20> CONSONANTS = {
    "b", "d", "f", "g", "h", "j", "k", "l", "m", "n",
    "p", "r", "s", "t", "v", "z", "sh", "kh", "ch", "y"};
constexpr std::array<std::string_view, 5> VOWELS = {"a", "e", "i", "o", "u"};

// A capitalised word of consonant–vowel syllables that spells `i` (a bijection with
// at least `min_syllables` syllables), e.g. 0 → "Baba", 123 → "Lidaba".
std::string word(std::uint64_t i, int min_syllables) {
    constexpr std::uint64_t SYLLABLES = CONSONANTS.size() * VOWELS.size();
    std::string out;
    for (int n = 0; n < min_syllables || i > 0; ++n) {
        const auto s = i % SYLLABLES;
        i /= SYLLABLES;
        out += CONSONANTS[s / VOWELS.size()];
        out += VOWELS[s % VOWELS.size()];
    }
    out[0] = static_cast<char>(out[0] - 'a' + 'A');
    return out;
}

// Salts of the Zipf permutations, one per role an entity plays.
enum Salt : std::uint64_t { ACTOR = 1, MET = 2, CITY = 3, ORGANISATION = 4, DOCUMENT = 5 };

} // namespace

std::string name_iri(const std::string& name) {
    std::string out = "<urn:quarry:name:";
    for (const char c : name) {
        if (c == ' ')
            out += "%20";
        else
            out += c;
    }
    out += '>';
    return out;
}

Writer::Writer(std::ostream& out, std::uint64_t budget)
    : Writer([&out](const std::string& line) { out.write(line.data(), static_cast<std::streamsize>(line.size())); },
             budget) {}

void Writer::quad(const std::string& s, const std::string& p, const std::string& o, const std::string& graph) {
    if (left_ == 0)
        return;
    --left_;
    line_.clear();
    line_ += s;
    line_ += ' ';
    line_ += p;
    line_ += ' ';
    line_ += o;
    if (!graph.empty()) {
        line_ += ' ';
        line_ += graph;
    }
    line_ += " .\n";
    emit_(line_);
}

std::string escape_literal(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

std::string string_literal(std::string_view text, std::string_view lang) {
    return "\"" + escape_literal(text) + "\"@" + std::string(lang);
}

std::string typed_literal(const std::string& lexical, std::string_view type) {
    return "\"" + lexical + "\"^^<http://www.w3.org/2001/XMLSchema#" + std::string(type) + ">";
}

std::string date_of(std::uint64_t day) {
    static constexpr std::array<int, 12> MONTH_DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int year = 2015;
    auto days = static_cast<int>(day);
    for (;;) {
        const bool leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        const int length = leap ? 366 : 365;
        if (days < length) {
            int month = 0;
            for (;; ++month) {
                const int in_month = MONTH_DAYS[month] + (month == 1 && leap ? 1 : 0);
                if (days < in_month)
                    break;
                days -= in_month;
            }
            return fmt::format("{:04}-{:02}-{:02}", year, month + 1, days + 1);
        }
        days -= length;
        ++year;
    }
}

GraphShape::GraphShape(std::uint64_t quads_)
    : quads(quads_),
      regions(REGIONS.size()),
      countries(std::clamp<std::uint64_t>(quads_ / 25'000, 40, 400)),
      provinces(countries * 5),
      cities(std::max<std::uint64_t>(provinces * 3, quads_ / 1'000)),
      districts(cities * 2),
      organisations(std::max<std::uint64_t>(100, quads_ / 400)),
      people(std::max<std::uint64_t>(1'000, quads_ / 25)),
      documents(std::max<std::uint64_t>(100, quads_ / 100)) {}

std::uint64_t Random::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Zipf::Zipf(std::uint64_t n, double exponent, std::uint64_t salt) : cumulative_(n) {
    double sum = 0;
    for (std::uint64_t rank = 0; rank < n; ++rank) {
        sum += 1.0 / std::pow(static_cast<double>(rank + 1), exponent);
        cumulative_[rank] = sum;
    }
    for (auto& c : cumulative_)
        c /= sum;
    // rank → (rank · multiplier + offset) mod n is a permutation when the multiplier is
    // coprime with n: pick one near n·φ.
    Random random(salt);
    multiplier_ = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(static_cast<double>(n) * 0.6180339887) | 1);
    while (std::gcd(multiplier_, n) != 1)
        multiplier_ += 2;
    offset_ = random.below(n);
}

std::uint64_t Zipf::operator()(Random& random) const {
    const double u = random.unit();
    const auto rank = static_cast<std::uint64_t>(
        std::lower_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin());
    return entity_of_rank(std::min<std::uint64_t>(rank, cumulative_.size() - 1));
}

std::uint64_t Zipf::entity_of_rank(std::uint64_t rank) const {
    const std::uint64_t n = cumulative_.size();
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(rank) * multiplier_ + offset_) % n);
}

std::string person_name(std::uint64_t i) {
    std::string name(FIRST_NAMES[i % FIRST_NAMES.size()]);
    const std::uint64_t family = i / FIRST_NAMES.size();
    if (family % 5 == 3) { // some people have a middle name
        name += ' ';
        name += FIRST_NAMES[(family / 5) % FIRST_NAMES.size()];
    }
    return name + " " + word(family, 2);
}

std::string organisation_name(std::uint64_t i) {
    return word(i, 2) + " " + std::string(ORGANISATION_KINDS[i % ORGANISATION_KINDS.size()]);
}

std::string region_name(std::uint64_t i) { return std::string(REGIONS[i % REGIONS.size()]); }
std::string country_name(std::uint64_t i) { return word(i, 2) + "stan"; }
std::string province_name(std::uint64_t i) { return word(i, 2) + " Province"; }
std::string city_name(std::uint64_t i) { return word(i, 3); }
std::string district_name(std::uint64_t i) { return word(i, 2) + " District"; }
std::string meeting_name(std::uint64_t i) { return "meeting " + std::to_string(i + 1); }
std::string document_iri(std::uint64_t i) { return "<http://news.example/doc/" + std::to_string(i) + ">"; }

namespace {

Zipf city_picker(const GraphShape& shape) { return Zipf(shape.cities, 1.0, CITY); }
Zipf organisation_picker(const GraphShape& shape) { return Zipf(shape.organisations, 1.0, ORGANISATION); }

// The percentage of event quads that are `date` facts (see the event loop).
constexpr std::uint64_t DATE_PERCENT = 10;

} // namespace

std::uint64_t parse_count(const std::string& text) {
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    const std::string suffix = text.substr(digits);
    const std::uint64_t scale = suffix.empty() ? 1 : suffix == "k" || suffix == "K" ? 1'000 : suffix == "M" ? 1'000'000 : 0;
    if (digits == 0 || digits > 12 || scale == 0)
        throw std::invalid_argument("expected a count such as 100000, 100k or 1M, not '" + text + "'");
    return std::stoull(text.substr(0, digits)) * scale;
}

std::uint64_t busiest_city(const GraphShape& shape) { return city_picker(shape).entity_of_rank(0); }

void generate_news_graph(std::ostream& out, std::uint64_t quads, std::uint64_t seed) {
    const GraphShape shape(quads);
    Random random(seed);
    Writer w(out, quads);

    const std::string located_in = name_iri("located_in"), part_of = name_iri("part_of"),
                      founded = name_iri("founded"), born_in = name_iri("born_in"),
                      role = name_iri("role"), member_of = name_iri("member_of"), met = name_iri("met"),
                      visited = name_iri("visited"), invited = name_iri("invited"),
                      said = name_iri("said"), date = name_iri("date");
    const auto city = [&](std::uint64_t i) { return name_iri(city_name(i)); };
    const auto person = [&](std::uint64_t i) { return name_iri(person_name(i)); };
    const auto organisation = [&](std::uint64_t i) { return name_iri(organisation_name(i)); };

    // The place hierarchy: district ⊂ city ⊂ province ⊂ country ⊂ region.
    for (std::uint64_t i = 0; i < shape.countries; ++i)
        w.quad(name_iri(country_name(i)), located_in, name_iri(region_name(random.below(shape.regions))));
    for (std::uint64_t i = 0; i < shape.provinces; ++i)
        w.quad(name_iri(province_name(i)), located_in, name_iri(country_name(random.below(shape.countries))));
    for (std::uint64_t i = 0; i < shape.cities; ++i)
        w.quad(city(i), located_in, name_iri(province_name(random.below(shape.provinces))));
    for (std::uint64_t i = 0; i < shape.districts; ++i)
        w.quad(name_iri(district_name(i)), located_in, city(i / 2));

    const Zipf cities = city_picker(shape);
    const Zipf organisations = organisation_picker(shape);
    for (std::uint64_t i = 0; i < shape.organisations; ++i) {
        w.quad(organisation(i), located_in, city(cities(random)));
        if (i > 0 && random.below(2) == 0)
            w.quad(organisation(i), part_of, organisation(random.below(i)));
        w.quad(organisation(i), founded, typed_literal(std::to_string(1900 + random.below(125)), "integer"));
    }

    const auto role_literal = [&](std::uint64_t r) {
        return string_literal(ROLES[r % ROLES.size()], "en");
    };
    for (std::uint64_t i = 0; i < shape.people; ++i) {
        w.quad(person(i), born_in, city(cities(random)));
        if (random.below(10) < 7)
            w.quad(person(i), role, role_literal(random.below(ROLES.size())));
        w.quad(person(i), member_of, organisation(organisations(random)));
    }

    // Events until the budget is spent: who acts is half uniform, half Zipf-skewed.
    const Zipf actors(shape.people, 1.0, ACTOR), met_people(shape.people, 1.0, MET);
    const Zipf documents(shape.documents, 0.8, DOCUMENT);
    const auto actor = [&] { return random.below(2) == 0 ? random.below(shape.people) : actors(random); };
    const auto counterpart = [&] {
        return random.below(2) == 0 ? random.below(shape.people) : met_people(random);
    };
    const auto document = [&] { return document_iri(documents(random)); };
    std::uint64_t meetings = 0, quotes = 0;
    while (!w.full()) {
        const auto kind = random.below(100);
        if (kind < 35) {
            const auto who = actor(), whom = counterpart();
            w.quad(person(who), met, person(whom), random.below(2) == 0 ? city(cities(random)) : document());
        } else if (kind < 47) {
            const auto who = actor();
            w.quad(person(who), visited, city(cities(random)), document());
        } else if (kind < 57) {
            const auto who = actor(), whom = counterpart();
            w.quad(person(who), invited, person(whom), document());
        } else if (kind < 72) {
            const auto who = actor();
            const auto topic = TOPICS[random.below(TOPICS.size())];
            const auto language = random.below(20);
            std::string text;
            if (language < 14)
                text = string_literal(std::string(VERBS[random.below(VERBS.size())]) + " " + std::string(topic) +
                                          " (statement " + std::to_string(++quotes) + ")",
                                      "en");
            else if (language < 17)
                text = string_literal(std::string(FRENCH[random.below(FRENCH.size())]) + " " +
                                          std::string(topic) + " (déclaration " + std::to_string(++quotes) + ")",
                                      "fr");
            else
                text = string_literal(std::string(ARABIC[random.below(ARABIC.size())]) + " " +
                                          std::to_string(++quotes),
                                      "ar");
            w.quad(person(who), said, text, document());
        } else if (kind < 72 + DATE_PERCENT) {
            w.quad(name_iri(meeting_name(meetings++)), date, typed_literal(date_of(random.below(DAYS)), "date"),
                   document());
        } else if (kind < 92) {
            const auto who = actor();
            w.quad(person(who), member_of, organisation(organisations(random)), document());
        } else {
            const auto who = actor();
            w.quad(person(who), role, role_literal(random.below(ROLES.size())), document());
        }
    }
}

Vocabulary news_vocabulary(std::uint64_t quads) {
    const GraphShape shape(quads);
    const auto name = [](const std::string& text) { return Constant{text, name_iri(text)}; };
    Vocabulary v;
    v.met = name("met");
    v.member_of = name("member_of");
    v.role = name("role");
    v.born_in = name("born_in");
    v.date = name("date");
    v.located_in = name("located_in");
    v.busy_city_label = city_name(busiest_city(shape));
    v.busy_city = name(v.busy_city_label);
    v.big_organisation = name(organisation_name(organisation_picker(shape).entity_of_rank(0)));
    v.people = shape.people;
    v.person = [name](std::uint64_t i) { return name(person_name(i)); };
    // Quads before the events: the places, each organisation's two or three facts, each
    // person's two or three.
    const double static_quads = static_cast<double>(shape.countries + shape.provinces + shape.cities + shape.districts) +
                                2.5 * static_cast<double>(shape.organisations) + 2.7 * static_cast<double>(shape.people);
    const double per_day =
        DATE_PERCENT / 100.0 * std::max(0.0, static_cast<double>(quads) - static_quads) / static_cast<double>(DAYS);
    std::tie(v.dates_from, v.dates_to) =
        dates_from_2020(per_day > 0 ? static_cast<std::uint64_t>(1000.0 / per_day + 0.5) : DAYS);
    return v;
}

} // namespace quarry::bench
