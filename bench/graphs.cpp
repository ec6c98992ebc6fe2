#include "bench/graphs.hpp"

#include "bench/newsgraph.hpp"

#include <algorithm>
#include <stdexcept>

namespace quarry::bench {

GraphKind parse_graph_kind(const std::string& text) {
    if (text == "news")
        return GraphKind::NEWS;
    if (text == "skewed")
        return GraphKind::SKEWED;
    throw std::invalid_argument("expected a graph kind, news or skewed, not '" + text + "'");
}

std::string_view graph_kind_name(GraphKind kind) { return kind == GraphKind::NEWS ? "news" : "skewed"; }

void generate_graph(GraphKind kind, std::ostream& out, std::uint64_t quads, std::uint64_t seed) {
    if (kind == GraphKind::NEWS)
        generate_news_graph(out, quads, seed);
    else
        generate_skewed_graph(out, quads, seed);
}

Vocabulary vocabulary(GraphKind kind, std::uint64_t quads) {
    return kind == GraphKind::NEWS ? news_vocabulary(quads) : skewed_vocabulary(quads);
}

std::pair<std::string, std::string> dates_from_2020(std::uint64_t days) {
    constexpr std::uint64_t JANUARY_2020 = 1826; // 2015-01-01 + five years, one of them leap
    days = std::clamp<std::uint64_t>(days, 1, DAYS - JANUARY_2020);
    return {date_of(JANUARY_2020), date_of(JANUARY_2020 + days)};
}

} // namespace quarry::bench
