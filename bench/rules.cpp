// bench/rules: rules on the news graph (SPEC §10, docs/performance.md): how fast the
// transitive closure of located_in and the symmetric met are materialised, how long one
// add and one remove take that each change 1,000 derived facts, and how long `why` takes
// on a fact 10 steps deep.
//
//   quarry-rules-bench --data FILE.nq [--runs R] [--work-dir DIR] [--no-sync]
//
// Loads FILE (written by quarry-gen) into a database, once, and keeps it beside FILE; each
// measurement starts from a copy. The news graph's places are at most five located_in
// steps deep, so a synthetic hierarchy of known shape is added first: a chain Deep 0 ←
// Deep 1 ← … ← Deep 10 (each located_in the one before), and a subtree, Branch root with
// 90 children, that is not attached (and the `step` chain below). Then:
//   - the two rules of SPEC §10, each timed as one statement (the rule and the
//     materialisation of everything it derives), with the facts each derived;
//   - `add (Branch root, located_in, Deep 10)`: the 91 places of the subtree come to lie
//     in 11 places, 1,001 new facts of which 1,000 derived; then `remove` of the same fact
//     takes the 1,000 away. R of each, alternately; medians;
//   - `why (Deep 10, located_in, Deep 0)`, a fact ten located_in steps from its stored
//     supports, R times; median. The transitive rule joins two located_in facts, so its
//     tree is about log2(10) levels deep; a left-linear rule (reaches along `step`, over a
//     chain Step 0 ← … ← Step 10 of its own) gives `why (Step 10, reaches, Step 0)`, a tree
//     ten levels deep, timed the same way.
// Every write commits (with fsync) as a statement of the shell does, unless --no-sync.

#include "bench/command_line.hpp"
#include "quarry/quarry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int CHAIN = 10;           // Deep 0 … Deep 10: ten located_in steps
constexpr int BRANCH_CHILDREN = 90; // Branch root and its children: 91 places

const char* const TRANSITIVE =
    "rule located_in_transitive: (?a, located_in, ?c) if (?a, located_in, ?b), (?b, located_in, ?c);";
const char* const SYMMETRIC = "rule met_symmetric: (?b, met, ?a, ?ctx) if (?a, met, ?b, ?ctx);";
// Reachability along `step`, one step at a time: a derivation as deep as its chain.
const char* const LINEAR_BASE = "rule reaches_base: (?a, reaches, ?b) if (?a, step, ?b);";
const char* const LINEAR_STEP =
    "rule reaches_step: (?a, reaches, ?c) if (?a, step, ?b), (?b, reaches, ?c);";

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

// "median of N, MIN–MAX UNIT" of samples in seconds, shown times `scale`.
std::string spread(std::vector<double> samples, double scale, const char* unit) {
    std::sort(samples.begin(), samples.end());
    return fmt::format("median of {}, {:.{}f}–{:.{}f} {}", samples.size(), samples.front() * scale,
                       scale > 1e3 ? 0 : 1, samples.back() * scale, scale > 1e3 ? 0 : 1, unit);
}

std::uint64_t count(quarry::Database& db, const std::string& query) {
    auto rows = db.query(query);
    const auto row = rows->next();
    return static_cast<std::uint64_t>((*row)[0]->integer_value());
}

// The facts of `predicate` that hold, stored or derived, in every context.
std::uint64_t facts_of(quarry::Database& db, const std::string& predicate) {
    return count(db, "match (?s, " + predicate + ", ?o, ?c) return count(*)");
}

// The figures are counted by queries; a statement's own count of derived and retracted
// facts that disagrees is reported.
void check_reported(const std::string& statement, std::size_t reported, std::uint64_t counted) {
    if (reported != counted)
        fmt::print(stderr, "quarry-rules-bench: {} reported {} derived facts changed, {} counted\n",
                   statement, reported, counted);
}

std::string with_commas(std::uint64_t n) {
    std::string digits = std::to_string(n), out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

// The levels of a why tree: its lines are indented two spaces a level.
std::size_t depth_of(const std::vector<std::string>& lines) {
    std::size_t deepest = 0;
    for (const std::string& line : lines)
        deepest = std::max(deepest, line.find_first_not_of(' ') / 2 + 1);
    return deepest;
}

void remove_database(const fs::path& path) {
    fs::remove(path);
    fs::remove(path.string() + "-lock");
}

// Everything a statement printed, its message and its rows, as lines.
std::vector<std::string> output_lines(quarry::StatementResult& result) {
    std::vector<std::string> lines;
    std::string text = result.message;
    for (std::size_t from = 0; from < text.size();) {
        const auto end = std::min(text.find('\n', from), text.size());
        lines.push_back(text.substr(from, end - from));
        from = end + 1;
    }
    if (result.rows)
        while (auto row = result.rows->next()) {
            std::string line;
            for (std::size_t i = 0; i < row->size(); ++i)
                line +=
                    (i ? " | " : "") + ((*row)[i] ? quarry::text_of(*(*row)[i]) : std::string());
            lines.push_back(line);
        }
    return lines;
}

} // namespace

int run(int argc, char** argv) {
    namespace po = boost::program_options;
    std::string data, work_dir;
    unsigned runs = 11;
    bool no_sync = false;
    po::options_description described(
        "usage: quarry-rules-bench --data FILE.nq [--runs R] [--work-dir DIR] [--no-sync]\n"
        "Rules on the news graph: materialisation, incremental add and remove, why");
    described.add_options()("help,h", "this text")("data", po::value(&data)->required(),
                                                   "the N-Quads file (quarry-gen --kind news)")(
        "runs", po::value(&runs),
        "runs of each add, remove and why; medians are shown (default 11)")(
        "work-dir", po::value(&work_dir), "where the databases go (default: beside FILE)")(
        "no-sync", po::bool_switch(&no_sync),
        "commit without fsync, to tell the rules' work from the disk's");
    if (const auto status =
            quarry::bench::parse_command_line(argc, argv, "quarry-rules-bench", described, [&] {
                if (runs == 0)
                    throw std::invalid_argument("--runs must be at least 1");
            }))
        return *status;
    const fs::path nquads = data;
    const fs::path dir = work_dir.empty() ? nquads.parent_path() : fs::path(work_dir);
    fs::create_directories(dir);

    // The loaded graph with the synthetic hierarchy, made once and copied for each run.
    const fs::path base = dir / (nquads.stem().string() + "-rules.qdb");
    double load_seconds = 0;
    if (!fs::exists(base)) {
        const fs::path partial = base.string() + ".partial";
        remove_database(partial);
        {
            quarry::Database db(partial);
            fmt::print(stderr, "quarry-rules-bench: loading {}\n", nquads.string());
            const auto start = Clock::now();
            db.load(nquads, quarry::LoadOptions{});
            load_seconds = seconds_since(start);
            std::string chain = "add ";
            for (int i = 1; i <= CHAIN; ++i)
                chain +=
                    fmt::format("{}(Deep {}, located_in, Deep {})", i > 1 ? ", " : "", i, i - 1);
            for (int i = 0; i < BRANCH_CHILDREN; ++i)
                chain += fmt::format(", (Branch leaf {}, located_in, Branch root)", i);
            for (int i = 1; i <= CHAIN; ++i)
                chain += fmt::format(", (Step {}, step, Step {})", i, i - 1);
            db.execute(chain + ";");
        }
        fs::rename(partial, base);
        fs::remove(partial.string() + "-lock");
    }
    const fs::path path = dir / (nquads.stem().string() + "-rules-run.qdb");
    remove_database(path);
    fs::copy_file(base, path);
    quarry::Database db(path, quarry::DatabaseOptions{.no_sync = no_sync});
    const auto stats = db.statistics();

    struct Line {
        std::string step, facts, time, rate;
    };
    std::vector<Line> table;
    if (load_seconds > 0)
        table.push_back(
            {"load", with_commas(stats.facts), fmt::format("{:.2f} s", load_seconds), ""});

    // Materialisation: each rule as one statement, before which every fact of its
    // predicate is stored.
    for (const auto& [rule, predicate] :
         {std::pair{TRANSITIVE, "located_in"}, std::pair{SYMMETRIC, "met"}}) {
        const std::uint64_t stored = facts_of(db, predicate);
        const auto start = Clock::now();
        auto results = db.execute(rule);
        const double seconds = seconds_since(start);
        const std::uint64_t derived = facts_of(db, predicate) - stored;
        check_reported(rule, results[0].derived, derived);
        const std::string name = std::string(rule).substr(5, std::string(rule).find(':') - 5);
        table.push_back({"rule " + name + fmt::format(" ({} stored)", with_commas(stored)),
                         with_commas(derived), fmt::format("{:.2f} s", seconds),
                         fmt::format("{} derived/s",
                                     with_commas(static_cast<std::uint64_t>(derived / seconds)))});
    }

    // One add and one remove, each changing 1,000 derived facts, alternately.
    const std::string attach = "(Branch root, located_in, Deep 10)";
    std::vector<double> adds, removes;
    std::uint64_t added = 0, removed = 0;
    for (unsigned run = 0; run < runs; ++run) {
        const std::uint64_t before = facts_of(db, "located_in");
        auto start = Clock::now();
        auto results = db.execute("add " + attach + ";");
        adds.push_back(seconds_since(start));
        const std::uint64_t attached = facts_of(db, "located_in");
        added = attached - before - 1; // the stored fact is no derived one
        check_reported("add", results[0].derived, added);
        start = Clock::now();
        results = db.execute("remove " + attach + ";");
        removes.push_back(seconds_since(start));
        removed = attached - facts_of(db, "located_in") - 1;
        check_reported("remove", results[0].retracted, removed);
    }
    table.push_back({"add " + attach, with_commas(added),
                     fmt::format("{:.1f} ms", median(adds) * 1e3), spread(adds, 1e3, "ms")});
    table.push_back({"remove " + attach, with_commas(removed),
                     fmt::format("{:.1f} ms", median(removes) * 1e3), spread(removes, 1e3, "ms")});

    // why on a fact ten steps from its stored supports: under the transitive rule, whose
    // tree halves the chain at each level; and under a left-linear rule over a chain of its
    // own, whose tree is ten levels deep.
    db.execute(LINEAR_BASE);
    db.execute(LINEAR_STEP);
    std::vector<std::pair<std::string, std::vector<std::string>>> explanations;
    for (const std::string& fact : {fmt::format("(Deep {}, located_in, Deep 0)", CHAIN),
                                    fmt::format("(Step {}, reaches, Step 0)", CHAIN)}) {
        const std::string why = "why " + fact + ";";
        std::vector<double> whys;
        std::vector<std::string> explanation;
        for (unsigned run = 0; run <= runs; ++run) {
            const auto start = Clock::now();
            auto results = db.execute(why);
            explanation = output_lines(results[0]);
            if (run > 0) // the first run warms up
                whys.push_back(seconds_since(start));
        }
        table.push_back({"why " + fact, fmt::format("depth {}", depth_of(explanation)),
                         fmt::format("{:.0f} µs", median(whys) * 1e6),
                         spread(whys, 1e6, "µs") + fmt::format(", {} lines", explanation.size())});
        explanations.emplace_back("why " + fact, std::move(explanation));
    }

    fmt::print("{} facts before the rules, {} after (the database's statistics)\n",
               with_commas(stats.facts), with_commas(db.statistics().facts));
    std::size_t widths[3] = {4, 13, 4};
    for (const Line& line : table) {
        widths[0] = std::max(widths[0], line.step.size());
        widths[1] = std::max(widths[1], line.facts.size());
        widths[2] = std::max(widths[2], line.time.size());
    }
    fmt::print("{:<{}}  {:>{}}  {:>{}}  {}\n", "step", widths[0], "derived facts", widths[1],
               "time", widths[2], "");
    for (const Line& line : table)
        fmt::print("{:<{}}  {:>{}}  {:>{}}  {}\n", line.step, widths[0], line.facts, widths[1],
                   line.time, widths[2], line.rate);
    for (const auto& [why, explanation] : explanations) {
        fmt::print("\n{}:\n", why);
        for (const std::string& line : explanation)
            fmt::print("  {}\n", line);
    }
    remove_database(path);
    return 0;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& error) {
        fmt::print(stderr, "quarry-rules-bench: {}\n", error.what());
        return 1;
    }
}
