// Engine measurements on a random graph: a triangle count and a 2-hop chain, with and
// without the worst-case-optimal (leapfrog) join. Not part of ctest: run by hand. Point
// queries per second are measured by quarry-micro-bench, the comparison with SQLite by
// bench/run.
//
//   quarry-engine-bench [--facts N] [--nodes N] [--dir DIR]

#include "engine/database.hpp"

#include <fmt/format.h>

#include <chrono>
#include <random>
#include <unistd.h>

using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string count_of(quarry::Database& db, const std::string& query, double& seconds) {
    const auto start = Clock::now();
    auto rows = db.query(query);
    const auto row = rows->next();
    seconds = seconds_since(start);
    return quarry::engine::format_term(*(*row)[0]);
}

} // namespace

int main(int argc, char** argv) {
    std::size_t facts = 1'000'000;
    std::size_t nodes = 100'000;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("quarry-engine-bench-{}", ::getpid());
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--facts" && i + 1 < argc)
            facts = std::stoull(argv[++i]);
        else if (arg == "--nodes" && i + 1 < argc)
            nodes = std::stoull(argv[++i]);
        else if (arg == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else {
            fmt::print(stderr, "usage: quarry-engine-bench [--facts N] [--nodes N] [--dir DIR]\n");
            return 2;
        }
    }
    std::filesystem::create_directories(dir);
    const auto path = dir / "graph.qdb";
    std::filesystem::remove(path);
    {
        quarry::Database db(path, quarry::DatabaseOptions{.no_sync = true});
        std::mt19937_64 random(7);
        std::vector<quarry::Fact> batch;
        const auto start = Clock::now();
        for (std::size_t i = 0; i < facts; ++i)
            batch.push_back({quarry::storage::Term::integer(static_cast<std::int64_t>(random() % nodes)),
                             quarry::storage::Term::name("knows"),
                             quarry::storage::Term::integer(static_cast<std::int64_t>(random() % nodes))});
        const auto added = db.add(batch);
        fmt::print("loaded {} facts over {} nodes in {:.2f} s\n", added.added, nodes, seconds_since(start));
    }
    const std::string triangle =
        "match (?a, knows, ?b), (?b, knows, ?c), (?c, knows, ?a) return count(*)";
    const std::string chain = "match (?a, knows, ?b), (?b, knows, ?c) return count(*)";
    for (bool leapfrog : {true, false}) {
        quarry::engine::PlannerOptions planner;
        planner.leapfrog = leapfrog;
        quarry::Database db(path, quarry::DatabaseOptions{.read_only = true, .planner = planner});
        double t_triangle = 0, t_chain = 0;
        const std::string triangles = count_of(db, triangle, t_triangle);
        const std::string paths = count_of(db, chain, t_chain);
        fmt::print("{:<28} triangles {} in {:.2f} s; 2-hop paths {} in {:.2f} s\n",
                   leapfrog ? "with the leapfrog join:" : "without (nested loops/hash):", triangles,
                   t_triangle, paths, t_chain);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
