// bench/gen: writes the news-event graph of bench/newsgraph.hpp as N-Quads.
//
//   quarry-gen [--quads N] [--seed S] [--output FILE]
//
// N accepts k and M suffixes (default 1M); S defaults to 1; without --output the quads go
// to standard output. The same N and S give the same bytes on every machine.

#include "bench/newsgraph.hpp"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <string>

namespace {

constexpr const char* USAGE =
    "usage: quarry-gen [--quads N] [--seed S] [--output FILE]\n"
    "  Writes a deterministic news-event knowledge graph of N quads (default 1M; k and M\n"
    "  suffixes accepted) as N-Quads, from seed S (default 1), to FILE or standard output.\n";

} // namespace

int main(int argc, char** argv) {
    std::uint64_t quads = 1'000'000, seed = 1;
    std::string output;
    try {
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            const bool has_value = i + 1 < argc;
            if (arg == "--help" || arg == "-h") {
                fmt::print("{}", USAGE);
                return 0;
            } else if (arg == "--quads" && has_value) {
                quads = quarry::bench::parse_count(argv[++i]);
            } else if (arg == "--seed" && has_value) {
                seed = quarry::bench::parse_count(argv[++i]);
            } else if ((arg == "--output" || arg == "-o") && has_value) {
                output = argv[++i];
            } else {
                fmt::print(stderr, "quarry-gen: unexpected argument '{}'\n{}", arg, USAGE);
                return 2;
            }
        }
    } catch (const std::invalid_argument& error) {
        fmt::print(stderr, "quarry-gen: {}\n", error.what());
        return 2;
    }
    std::ios::sync_with_stdio(false);
    if (output.empty()) {
        quarry::bench::generate_news_graph(std::cout, quads, seed);
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
        quarry::bench::generate_news_graph(out, quads, seed);
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
