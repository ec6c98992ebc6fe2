// Storage engine measurements: bulk add in one transaction, single-fact transactions,
// and bytes per fact on a news-like graph. Not part of ctest: run by hand.
//
//   quarry-storage-bench [--facts N] [--single N] [--dir DIR]

#include "storage/store.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

using namespace quarry::storage;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Zipf-like draw in [0, n): small indexes are much more frequent, as entity degrees are.
class Zipf {
public:
    Zipf(std::size_t n, double s) : cdf_(n) {
        double sum = 0;
        for (std::size_t i = 0; i < n; ++i)
            cdf_[i] = sum += 1.0 / std::pow(static_cast<double>(i + 1), s);
        for (double& value : cdf_)
            value /= sum;
    }
    std::size_t operator()(std::mt19937_64& random) const {
        const double u = std::uniform_real_distribution<double>(0, 1)(random);
        return static_cast<std::size_t>(std::lower_bound(cdf_.begin(), cdf_.end(), u) -
                                        cdf_.begin());
    }

private:
    std::vector<double> cdf_;
};

struct NewsGraph {
    std::size_t entities;
    std::mt19937_64 random{42};
    Zipf entity;
    Zipf predicate{12, 1.0};
    Zipf context{5000, 1.1};

    explicit NewsGraph(std::size_t facts) : entities(facts / 5), entity(facts / 5, 0.9) {}

    Term name(std::size_t i) const {
        static const char* const WORDS[] = {"Iran", "delegation", "Syrian", "minister", "talks",
                                            "Astana", "council", "Saudi", "crown", "prince",
                                            "league", "Arab", "summit", "foreign", "office"};
        return Term::name(fmt::format("{} {} {}", WORDS[i % 15], WORDS[(i / 15) % 15], i));
    }

    // One fact: (entity, predicate, object, context) with objects that are entities,
    // integers, dates or strings depending on the predicate, as in bench/gen.
    std::array<Term, 4> fact() {
        static const char* const PREDICATES[] = {"met",  "visited", "invited", "member_of",
                                                 "part_of", "located_in", "role", "born_in",
                                                 "said", "date", "count", "mentions"};
        const std::size_t p = predicate(random);
        Term object;
        switch (p) {
        case 8: object = Term::string(fmt::format("statement {}", random() % 1000000), "en"); break;
        case 9: object = Term::date_from_days(19000 + static_cast<std::int64_t>(random() % 2000)); break;
        case 10: object = Term::integer(static_cast<std::int64_t>(random() % 1000)); break;
        default: object = name(entity(random)); break;
        }
        return {name(entity(random)), Term::name(PREDICATES[p]), object,
                random() % 4 == 0 ? Term::default_context()
                                  : Term::name(fmt::format("source {}", context(random)))};
    }
};

long peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

// Bytes per fact of each table: where the space goes.
void print_table_sizes(Store& store, std::uint64_t facts) {
    auto txn = store.begin_read();
    std::string line = "  bytes/fact by table:";
    for (const char* name : {"spoc", "posc", "ospc", "cspo", "cpos", "cosp", "id2term", "term2id",
                             "pstats", "cstats"}) {
        const auto dbi = lmdb::Dbi::open(txn, name);
        MDB_stat stat;
        lmdb::check(mdb_stat(txn.handle(), dbi->handle(), &stat), "mdb_stat");
        const double bytes = static_cast<double>(
            (stat.ms_branch_pages + stat.ms_leaf_pages + stat.ms_overflow_pages) * stat.ms_psize);
        line += fmt::format(" {} {:.1f}", name, bytes / static_cast<double>(facts));
    }
    fmt::print("{}\n", line);
}

} // namespace

int main(int argc, char** argv) {
    std::size_t facts = 1'000'000;
    std::size_t single = 2000;
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                fmt::format("quarry-bench-{}", ::getpid());
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--facts" && i + 1 < argc)
            facts = std::stoull(argv[++i]);
        else if (arg == "--single" && i + 1 < argc)
            single = std::stoull(argv[++i]);
        else if (arg == "--dir" && i + 1 < argc)
            dir = argv[++i];
        else {
            fmt::print(stderr, "usage: quarry-storage-bench [--facts N] [--single N] [--dir DIR]\n");
            return 2;
        }
    }
    std::filesystem::create_directories(dir);

    // 1. Random facts of ids, one transaction: the index path alone.
    {
        const auto path = dir / "ids.qdb";
        std::filesystem::remove(path);
        Store store(path);
        std::mt19937_64 random(1);
        std::vector<Quad> quads;
        for (std::size_t i = 0; i < facts; ++i)
            quads.push_back({make_id(IdTag::NAME, random() % (facts / 4)),
                             make_id(IdTag::NAME, random() % 64),
                             make_id(IdTag::NAME, random() % (facts / 2)),
                             make_id(IdTag::NAME, random() % 1000)});
        const auto start = Clock::now();
        const AddResult result = store.write([&](lmdb::WriteTxn& txn) { return store.add(txn, quads); });
        const double elapsed = seconds_since(start);
        fmt::print("random id facts, one transaction: {} added in {:.2f} s = {:.0f} facts/s; "
                   "{:.1f} bytes/fact\n",
                   result.added, elapsed, result.added / elapsed,
                   static_cast<double>(std::filesystem::file_size(path)) / result.added);
        print_table_sizes(store, result.added);
    }

    // 2. A news-like graph with named terms, one transaction, dictionary included.
    {
        const auto path = dir / "news.qdb";
        std::filesystem::remove(path);
        Store store(path);
        NewsGraph graph(facts);
        std::vector<std::array<Term, 4>> rows;
        rows.reserve(facts);
        for (std::size_t i = 0; i < facts; ++i)
            rows.push_back(graph.fact());
        const auto start = Clock::now();
        const AddResult result = store.write([&](lmdb::WriteTxn& txn) {
            std::vector<Quad> quads;
            quads.reserve(rows.size());
            for (const auto& row : rows)
                quads.push_back({store.intern(txn, row[0]), store.intern(txn, row[1]),
                                 store.intern(txn, row[2]), store.intern(txn, row[3])});
            return store.add(txn, quads);
        });
        const double elapsed = seconds_since(start);
        auto txn = store.begin_read();
        fmt::print("news-like graph, one transaction with interning: {} added in {:.2f} s = "
                   "{:.0f} facts/s; {} terms; {:.1f} bytes/fact on disk\n",
                   result.added, elapsed, result.added / elapsed, store.dictionary().size(txn),
                   static_cast<double>(std::filesystem::file_size(path)) / result.added);
        txn.abort();
        print_table_sizes(store, result.added);
    }

    // 3. Single-fact transactions, durable (fsync per commit) and not.
    for (bool no_sync : {false, true}) {
        const auto path = dir / "single.qdb";
        std::filesystem::remove(path);
        StoreOptions options;
        options.no_sync = no_sync;
        Store store(path, options);
        const auto start = Clock::now();
        for (std::size_t i = 0; i < single; ++i) {
            const Quad quad{make_id(IdTag::NAME, i), make_id(IdTag::NAME, 1),
                            make_id(IdTag::NAME, i * 7 % 1000), 0};
            store.write([&](lmdb::WriteTxn& txn) { store.add(txn, std::span(&quad, 1)); });
        }
        const double elapsed = seconds_since(start);
        fmt::print("single-fact transactions ({}): {:.0f} commits/s\n",
                   no_sync ? "no fsync" : "fsync on commit", single / elapsed);
    }
    fmt::print("peak RSS {} MB\n", peak_rss_mb());
    std::filesystem::remove_all(dir);
    return 0;
}
