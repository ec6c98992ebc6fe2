// Engine measurements on a random graph: a triangle count and a 2-hop chain, with and
// without the worst-case-optimal (leapfrog) join; and a star of two large predicates
// joined by seeks or by hashing, at several values of PlannerOptions::seek_cost. Not part of ctest: run by hand. Point
// queries per second are measured by quarry-micro-bench, the comparison with SQLite by
// bench/run.
//
//   quarry-engine-bench [--facts N] [--nodes N] [--dir DIR]
//   quarry-engine-bench --db DB --query TEXT [--runs R]
//
// With --db, runs one query on an existing database with each join choice of this round
// switched off in turn (PlannerOptions::count_join, leapfrog_hash, merge_seek, dense_closure,
// dense_triangle) and with all on,
// interleaved, and prints each one's median time: a paired comparison of the choices.

#include "quarry/database.hpp"

#include <fmt/format.h>

#include <algorithm>
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
    return quarry::format_term(*(*row)[0]);
}

// Runs `query` with each choice off in turn and all on, interleaved, reading every row.
int compare_choices(const std::string& path, const std::string& query, int runs) {
    struct Variant {
        std::string name;
        quarry::PlannerOptions options;
        std::vector<double> times;
        std::uint64_t rows = 0;
    };
    std::vector<Variant> variants(6);
    variants[0].name = "all on";
    variants[1].name = "count_join off";
    variants[1].options.count_join = false;
    variants[2].name = "leapfrog_hash off";
    variants[2].options.leapfrog_hash = false;
    variants[3].name = "merge_seek off";
    variants[3].options.merge_seek = false;
    variants[4].name = "dense_closure off";
    variants[4].options.dense_closure = false;
    variants[5].name = "dense_triangle off";
    variants[5].options.dense_triangle = false;
    std::vector<std::unique_ptr<quarry::Database>> dbs;
    for (const Variant& v : variants)
        dbs.push_back(std::make_unique<quarry::Database>(
            path, quarry::DatabaseOptions{.read_only = true, .planner = v.options}));
    for (int run = 0; run <= runs; ++run)
        for (std::size_t i = 0; i < variants.size(); ++i) {
            const auto start = Clock::now();
            auto rows = dbs[i]->query(query);
            quarry::Row row;
            std::uint64_t n = 0;
            while (rows->read(row))
                ++n;
            const double t = seconds_since(start);
            if (run > 0) // the first run warms up
                variants[i].times.push_back(t);
            variants[i].rows = n;
        }
    for (Variant& v : variants) {
        std::sort(v.times.begin(), v.times.end());
        fmt::print("{:<20} {:>10.2f} ms median ({:.2f}..{:.2f}), {} rows\n", v.name, v.times[v.times.size() / 2] * 1e3,
                   v.times.front() * 1e3, v.times.back() * 1e3, v.rows);
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    std::size_t facts = 1'000'000;
    std::size_t nodes = 100'000;
    std::filesystem::path dir = std::filesystem::temp_directory_path() / fmt::format("quarry-engine-bench-{}", ::getpid());
    std::string db_path, query_text;
    int runs = 7;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--facts" && i + 1 < argc)
            facts = std::stoull(argv[++i]);
        else if (arg == "--nodes" && i + 1 < argc)
            nodes = std::stoull(argv[++i]);
        else if (arg == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else if (arg == "--db" && i + 1 < argc)
            db_path = argv[++i];
        else if (arg == "--query" && i + 1 < argc)
            query_text = argv[++i];
        else if (arg == "--runs" && i + 1 < argc)
            runs = std::stoi(argv[++i]);
        else {
            fmt::print(stderr, "usage: quarry-engine-bench [--facts N] [--nodes N] [--dir DIR]\n"
                               "       quarry-engine-bench --db DB --query TEXT [--runs R]\n");
            return 2;
        }
    }
    if (!db_path.empty())
        return compare_choices(db_path, query_text, runs);
    std::filesystem::create_directories(dir);
    const auto path = dir / "graph.qdb";
    std::filesystem::remove(path);
    {
        quarry::Database db(path, quarry::DatabaseOptions{.no_sync = true});
        std::mt19937_64 random(7);
        std::vector<quarry::Fact> batch;
        const auto start = Clock::now();
        for (std::size_t i = 0; i < facts; ++i)
            batch.push_back({quarry::Term::integer(static_cast<std::int64_t>(random() % nodes)),
                             quarry::Term::name("knows"),
                             quarry::Term::integer(static_cast<std::int64_t>(random() % nodes))});
        const auto added = db.add(batch);
        fmt::print("loaded {} facts over {} nodes in {:.2f} s\n", added.added, nodes, seconds_since(start));
    }
    const std::string triangle =
        "match (?a, knows, ?b), (?b, knows, ?c), (?c, knows, ?a) return count(*)";
    const std::string chain = "match (?a, knows, ?b), (?b, knows, ?c) return count(*)";
    for (bool leapfrog : {true, false}) {
        quarry::PlannerOptions planner;
        planner.leapfrog = leapfrog;
        quarry::Database db(path, quarry::DatabaseOptions{.read_only = true, .planner = planner});
        double t_triangle = 0, t_chain = 0;
        const std::string triangles = count_of(db, triangle, t_triangle);
        const std::string paths = count_of(db, chain, t_chain);
        fmt::print("{:<28} triangles {} in {:.2f} s; 2-hop paths {} in {:.2f} s\n",
                   leapfrog ? "with the leapfrog join:" : "without (nested loops/hash):", triangles,
                   t_triangle, paths, t_chain);
    }
    // A star of two large predicates sharing their subjects: every person has a role, and
    // born_in for half of them. The first tuple's rows either seek the second's facts one
    // by one, or probe a table of them built by one scan.
    const auto star_path = dir / "star.qdb";
    std::filesystem::remove(star_path);
    {
        quarry::Database db(star_path, quarry::DatabaseOptions{.no_sync = true});
        std::mt19937_64 random(11);
        std::vector<quarry::Fact> batch;
        const std::size_t people = nodes * 2;
        for (std::size_t i = 0; i < people; ++i) {
            const auto person = quarry::Term::name(fmt::format("person {}", i));
            batch.push_back({person, quarry::Term::name("role"),
                             quarry::Term::name(fmt::format("role {}", random() % 50))});
            if (random() % 2)
                batch.push_back({person, quarry::Term::name("born_in"),
                                 quarry::Term::name(fmt::format("city {}", random() % 500))});
        }
        db.add(batch);
    }
    const std::string star = "match (?x, role, ?r), (?x, born_in, ?c) return count(distinct ?x)";
    for (const double seek_cost : {0.0, 2.0, 8.0, 32.0}) {
        quarry::PlannerOptions planner;
        planner.seek_cost = seek_cost;
        quarry::Database db(star_path, quarry::DatabaseOptions{.read_only = true, .planner = planner});
        double best = 1e9;
        std::string people;
        for (int run = 0; run < 3; ++run) {
            double t = 0;
            people = count_of(db, star, t);
            best = std::min(best, t);
        }
        auto results = db.execute("explain " + star);
        std::string join;
        while (auto row = results.at(0).rows->next())
            if ((*row)[0]->text().find("Join") != std::string::npos && join.empty())
                join = (*row)[0]->text().substr((*row)[0]->text().find_first_not_of(' '), 9);
        fmt::print("star, seek_cost {:>4}: {} people in {:.1f} ms ({})\n", seek_cost, people, best * 1e3, join);
        if (std::getenv("QUARRY_BENCH_EXPLAIN")) {
            auto analyzed = db.execute("explain analyze " + star);
            while (auto row = analyzed.at(0).rows->next())
                fmt::print("  {}\n", (*row)[0]->text());
        }
    }
    std::filesystem::remove_all(dir);
    return 0;
}
