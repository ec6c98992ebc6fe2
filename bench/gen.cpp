// bench/gen: writes one of the graphs of bench/graphs.hpp as N-Quads.
//
//   quarry-gen [--kind news|skewed] [--quads N] [--seed S] [--output FILE]
//
// The kind defaults to news; N accepts k and M suffixes (default 1M); S defaults to 1;
// without --output the quads go to standard output. The same kind, N and S give the same
// bytes on every machine.

#include "bench/graphs.hpp"
#include "bench/newsgraph.hpp"

#include "bench/command_line.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    std::string kind_text = "news", quads_text = "1M", seed_text = "1", output;
    po::options_description described(
        "usage: quarry-gen [--kind news|skewed] [--quads N] [--seed S] [--output FILE]\n"
        "Writes a deterministic knowledge graph as N-Quads: the news-event graph (names as\n"
        "entities) or the skewed one (IRIs, Zipf 1.1 degrees, predicates of very different\n"
        "sizes, lines shuffled)");
    described.add_options()
        ("help,h", "this text")
        ("kind", po::value(&kind_text), "news (default) or skewed")
        ("quads", po::value(&quads_text), "how many quads (default 1M; k and M suffixes accepted)")
        ("seed", po::value(&seed_text), "the seed (default 1): the same kind, N and S give the same bytes anywhere")
        ("output,o", po::value(&output), "the file (default: standard output)");
    std::uint64_t quads = 0, seed = 0;
    auto kind = quarry::bench::GraphKind::NEWS;
    if (const auto status = quarry::bench::parse_command_line(argc, argv, "quarry-gen", described, [&] {
            kind = quarry::bench::parse_graph_kind(kind_text);
            quads = quarry::bench::parse_count(quads_text);
            seed = quarry::bench::parse_count(seed_text);
        }))
        return *status;
    std::ios::sync_with_stdio(false);
    if (output.empty()) {
        quarry::bench::generate_graph(kind, std::cout, quads, seed);
        std::cout.flush();
        return std::cout ? 0 : 1;
    }
    // Written beside the target and renamed over it, so an interrupted run leaves no
    // truncated file that a later run would take for complete.
    const std::string partial = output + ".partial";
    {
        std::ofstream out(partial, std::ios::binary | std::ios::trunc);
        if (!out) {
            fmt::print(stderr, "quarry-gen: cannot write {}\n", partial);
            return 1;
        }
        quarry::bench::generate_graph(kind, out, quads, seed);
        out.flush();
        if (!out) {
            fmt::print(stderr, "quarry-gen: writing {} failed\n", partial);
            return 1;
        }
    }
    if (std::rename(partial.c_str(), output.c_str()) != 0) {
        fmt::print(stderr, "quarry-gen: cannot rename {} to {}\n", partial, output);
        return 1;
    }
    return 0;
}
