// Micro-benchmarks of the C++ API (Google Benchmark): point queries (parsed each time, and
// prepared), a full scan, the result stage's operators alone and in queries (distinct,
// grouping, top-N), dictionary look-ups and batched adds, on a news-like graph of about 200k facts
// over 20k people. Not part of ctest: run by hand; any Google Benchmark flag works, e.g.
//
//   quarry-micro-bench --benchmark_filter=Add --benchmark_min_time=2
//
// The query and dictionary benchmarks share one database, built on first use and kept
// until exit (a function-local static: Google Benchmark calls each benchmark function
// several times, and building the graph once per call would dominate the run). Everything
// lives in one temporary directory, removed at exit.

#include "engine/internals.hpp"
#include "engine/op/aggregate.hpp"
#include "engine/op/distinct.hpp"
#include "engine/op/order.hpp"
#include "quarry/database.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <unistd.h>
#include <vector>

using quarry::Database;
using quarry::DatabaseOptions;
using quarry::Fact;
using quarry::Term;

namespace {

// The shape of the graph. Each person has FACTS_PER_PERSON facts: MEETINGS `met` facts
// (each in the context of the article reporting it) and one each of role, born_in,
// member_of (names), born_on (a date) and age (an integer), all in the default context.
constexpr std::uint64_t PEOPLE = 20'000;
constexpr std::uint64_t MEETINGS = 5;
constexpr std::uint64_t FACTS_PER_PERSON = MEETINGS + 5;
constexpr std::uint64_t ARTICLES = 5'000;
constexpr std::uint64_t ORGANISATIONS = 1'000;
constexpr std::uint64_t PLACES = 500;
constexpr std::uint64_t ROLES = 50;
// Large enough that neither the fixture nor an add run grows the map while timed.
constexpr std::size_t MAP_SIZE = std::size_t{1} << 30;

Term numbered(std::string_view kind, std::uint64_t n) {
    return Term::name(fmt::format("{} {}", kind, n));
}

// Appends the facts of one person, named `subject`, to `out`.
void append_person(std::vector<Fact>& out, const Term& subject, std::mt19937_64& random) {
    static const Term met = Term::name("met"), role = Term::name("role"),
                      born_in = Term::name("born_in"), member_of = Term::name("member_of"),
                      born_on = Term::name("born_on"), age = Term::name("age");
    for (std::uint64_t meeting_idx = 0; meeting_idx < MEETINGS; ++meeting_idx)
        out.push_back({subject, met, numbered("person", random() % PEOPLE),
                       numbered("article", random() % ARTICLES)});
    out.push_back({subject, role, numbered("role", random() % ROLES)});
    out.push_back({subject, born_in, numbered("city", random() % PLACES)});
    out.push_back({subject, member_of, numbered("organisation", random() % ORGANISATIONS)});
    const std::uint64_t day = random();
    out.push_back({subject, born_on,
                   Term::date(1940 + static_cast<std::int64_t>(day % 65),
                              static_cast<unsigned>(1 + day / 65 % 12),
                              static_cast<unsigned>(1 + day / 780 % 28))});
    out.push_back({subject, age, Term::integer(static_cast<std::int64_t>(18 + random() % 70))});
}

// A temporary directory, removed with everything in it when destroyed.
class ScratchDir {
public:
    ScratchDir()
        : path_(std::filesystem::temp_directory_path() /
                fmt::format("quarry-micro-bench-{}", ::getpid())) {
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ignored; // a destructor never throws; a leftover dir is harmless
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const noexcept { return path_; }

private:
    std::filesystem::path path_;
};

const ScratchDir& scratch_dir() {
    static const ScratchDir dir;
    return dir;
}

// The shared read-mostly database. Constructed after scratch_dir(), so destroyed before
// it: the database closes before its directory goes.
class Fixture {
public:
    Fixture() {
        const auto start = std::chrono::steady_clock::now();
        db_ = std::make_unique<Database>(scratch_dir().path() / "graph.qdb",
                                         DatabaseOptions{.map_size = MAP_SIZE, .no_sync = true});
        std::mt19937_64 random(42);
        std::vector<Fact> facts;
        facts.reserve(PEOPLE * FACTS_PER_PERSON);
        for (std::uint64_t person = 0; person < PEOPLE; ++person)
            append_person(facts, numbered("person", person), random);
        db_->add(facts);
        const auto stats = db_->statistics();
        fmt::print(stderr, "fixture: {} facts, {} terms, {:.1f} MB, built in {:.2f} s\n",
                   stats.facts, stats.terms, static_cast<double>(stats.file_bytes) / 1e6,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());

        // Terms for the dictionary benchmarks: every dictionary term of the graph.
        for (std::uint64_t n = 0; n < PEOPLE; ++n)
            terms_.push_back(numbered("person", n));
        for (std::uint64_t n = 0; n < ARTICLES; ++n)
            terms_.push_back(numbered("article", n));
        for (std::uint64_t n = 0; n < ORGANISATIONS; ++n)
            terms_.push_back(numbered("organisation", n));
        for (std::uint64_t n = 0; n < PLACES; ++n)
            terms_.push_back(numbered("city", n));
        for (std::uint64_t n = 0; n < ROLES; ++n)
            terms_.push_back(numbered("role", n));
    }

    Database& db() noexcept { return *db_; }
    // Every dictionary term of the graph except the predicates, in no useful order.
    const std::vector<Term>& terms() const noexcept { return terms_; }

private:
    std::unique_ptr<Database> db_;
    std::vector<Term> terms_;
};

Fixture& fixture() {
    static Fixture instance;
    return instance;
}

// How many distinct inputs a benchmark cycles through: enough to defeat the CPU caches'
// favouritism for one key, few enough to prepare in a blink.
constexpr std::size_t SAMPLES = 1 << 14;

// The subjects the point queries ask about: random people, the same for every benchmark.
std::vector<Term> point_subjects() {
    std::mt19937_64 random(7);
    std::vector<Term> subjects;
    subjects.reserve(SAMPLES);
    for (std::size_t sample_idx = 0; sample_idx < SAMPLES; ++sample_idx)
        subjects.push_back(numbered("person", random() % PEOPLE));
    return subjects;
}

// Reads every row into `row`; returns how many there were.
std::int64_t read_all(quarry::Rows& rows, quarry::Row& row) {
    std::int64_t count = 0;
    while (rows.read(row)) {
        benchmark::DoNotOptimize(row);
        ++count;
    }
    return count;
}

// Items: queries, and the rows each read.
void report_queries(benchmark::State& state, std::int64_t rows_seen) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.counters["rows/query"] =
        static_cast<double>(rows_seen) / static_cast<double>(state.iterations());
}

// match (<subject>, ?p, ?o) for a random person, every row read; parsing and planning
// included. Items: queries.
void BM_PointQuery(benchmark::State& state) {
    Database& db = fixture().db();
    std::vector<std::string> queries;
    queries.reserve(SAMPLES);
    for (const Term& subject : point_subjects())
        queries.push_back(fmt::format("match ({}, ?p, ?o)", quarry::format_term(subject)));

    std::size_t query_idx = 0;
    std::int64_t rows_seen = 0;
    for (auto _ : state) {
        auto rows = db.query(queries[query_idx++ % SAMPLES]);
        quarry::Row row;
        rows_seen += read_all(*rows, row);
    }
    report_queries(state, rows_seen);
}
BENCHMARK(BM_PointQuery);

// The same queries through one prepared query, match ($s, ?p, ?o): parsed once, planned
// once, each run given its subject. Items: queries.
void BM_PointQueryPrepared(benchmark::State& state) {
    Database& db = fixture().db();
    const std::vector<Term> subjects = point_subjects();
    const auto query = db.prepare("match ($s, ?p, ?o)");
    std::vector<Term> values(1);
    quarry::Row row;
    std::size_t query_idx = 0;
    std::int64_t rows_seen = 0;
    for (auto _ : state) {
        values[0] = subjects[query_idx++ % SAMPLES];
        auto rows = query->run(values);
        rows_seen += read_all(*rows, row);
    }
    report_queries(state, rows_seen);
}
BENCHMARK(BM_PointQueryPrepared);

// match (?s, ?p, ?o, ?g), every row read. Items: rows.
void BM_FullScan(benchmark::State& state) {
    Database& db = fixture().db();
    std::int64_t rows_seen = 0;
    for (auto _ : state) {
        auto rows = db.query("match (?s, ?p, ?o, ?g)");
        quarry::Row row;
        rows_seen += read_all(*rows, row);
    }
    state.SetItemsProcessed(rows_seen);
    state.counters["rows/scan"] =
        static_cast<double>(rows_seen) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_FullScan)->Unit(benchmark::kMillisecond);

// Random existing terms (names of people, articles, organisations, places, roles).
std::vector<Term> sample_terms(std::uint64_t seed) {
    const std::vector<Term>& terms = fixture().terms();
    std::mt19937_64 random(seed);
    std::vector<Term> out;
    out.reserve(SAMPLES);
    for (std::size_t sample_idx = 0; sample_idx < SAMPLES; ++sample_idx)
        out.push_back(terms[random() % terms.size()]);
    return out;
}

// Dictionary term → id, all in one read transaction. Items: look-ups.
void BM_DictionaryFind(benchmark::State& state) {
    const quarry::storage::Store& store = quarry::engine::store_of(fixture().db());
    const std::vector<Term> terms = sample_terms(11);
    const auto txn = store.begin_read();
    std::size_t term_idx = 0;
    for (auto _ : state) {
        auto id = store.find(txn, terms[term_idx++ % SAMPLES]);
        if (!id) {
            state.SkipWithError("a term of the graph is missing from the dictionary");
            break;
        }
        benchmark::DoNotOptimize(id);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_DictionaryFind);

// Dictionary id → term, all in one read transaction. Items: look-ups.
void BM_DictionaryResolve(benchmark::State& state) {
    const quarry::storage::Store& store = quarry::engine::store_of(fixture().db());
    const auto txn = store.begin_read();
    std::vector<quarry::storage::TermId> ids;
    ids.reserve(SAMPLES);
    for (const Term& term : sample_terms(13))
        ids.push_back(store.find(txn, term).value());
    std::size_t id_idx = 0;
    for (auto _ : state) {
        Term term = store.resolve(txn, ids[id_idx++ % SAMPLES]);
        benchmark::DoNotOptimize(term);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_DictionaryResolve);

// db.add(batch) of state.range(0) new facts per iteration, each batch in its own
// transaction, into a database opened with no_sync. The facts are new people of the
// fixture's shape, meeting its people in its articles. Each call starts from a copy of the
// fixture's file: the cost of a batch depends on how many index blocks it rewrites, which
// grows with the database, so a run from an empty file would mostly time a small one.
// Building the batch is not timed. Items: facts added.
void BM_AddBatch(benchmark::State& state) {
    const auto batch_size = static_cast<std::size_t>(state.range(0));
    // The fixture's file is safe to copy: nothing writes to it after it is built.
    const std::filesystem::path& base = fixture().db().path();
    static int run_idx = 0; // a fresh file per call of this function
    const auto path = scratch_dir().path() / fmt::format("add-{}.qdb", run_idx++);
    std::filesystem::copy_file(base, path);
    std::int64_t added = 0;
    {
        Database db(path, DatabaseOptions{.map_size = MAP_SIZE, .no_sync = true});
        std::mt19937_64 random(17);
        std::uint64_t next_person = 0;
        std::vector<Fact> batch;
        batch.reserve(batch_size + FACTS_PER_PERSON);
        for (auto _ : state) {
            state.PauseTiming();
            batch.clear();
            while (batch.size() < batch_size)
                append_person(batch, numbered("new person", next_person++), random);
            batch.resize(batch_size);
            state.ResumeTiming();
            added += static_cast<std::int64_t>(db.add(batch).added);
        }
    }
    std::filesystem::remove(path);
    std::filesystem::remove(path.string() + "-lock");
    state.SetItemsProcessed(added);
}
BENCHMARK(BM_AddBatch)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

// The result stage alone: Distinct, HashAggregate and a top-N Order over 1M rows of two
// ids, replayed from memory, so that the time is the operator's and nothing else's.
// Argument: the number of distinct values of the first column. Items: input rows, so
// the time per item is the cost per input row.
constexpr std::size_t STAGE_ROWS = 1 << 20;

// Emits prepared batches, as a join would.
class Replay : public quarry::engine::Operator {
public:
    explicit Replay(const std::vector<quarry::engine::RowBatch>& batches) : batches_(batches) {}
    struct State : quarry::engine::OperatorState {
        std::size_t next = 0;
    };
    quarry::engine::StatePtr make_state() const override { return std::make_unique<State>(); }
    void reset(quarry::engine::OperatorState& state, const quarry::engine::TermId*) const override {
        static_cast<State&>(state).next = 0;
    }
    std::string describe() const override { return "Replay"; }
    std::vector<const Operator*> inputs() const override { return {}; }

protected:
    bool produce(quarry::engine::ExecContext&, quarry::engine::OperatorState& base,
                 quarry::engine::RowBatch& out) const override {
        State& state = static_cast<State&>(base);
        if (state.next >= batches_.size())
            return false;
        out.ids = batches_[state.next++].ids;
        return true;
    }

private:
    const std::vector<quarry::engine::RowBatch>& batches_;
};

// Rows (value, other): `distinct` values in the first column, inline integers (ids only),
// in random order; the second column unique.
std::vector<quarry::engine::RowBatch> stage_input(std::size_t distinct) {
    std::mt19937_64 random(7);
    std::vector<quarry::engine::RowBatch> batches;
    for (std::size_t row = 0; row < STAGE_ROWS; ++row) {
        if (row % quarry::engine::BATCH_ROWS == 0)
            batches.push_back({2, {}});
        const quarry::engine::TermId ids[2] = {
            quarry::storage::inline_integer_id(static_cast<std::int64_t>(random() % distinct)),
            quarry::storage::inline_integer_id(static_cast<std::int64_t>(row))};
        batches.back().push(ids);
    }
    return batches;
}

// Runs `op` to the end (a run of its own) in a context on an empty store; returns the rows
// it gave.
std::int64_t drain(const quarry::engine::Operator& op, std::size_t width) {
    static quarry::storage::Store store(scratch_dir().path() / "stage.qdb");
    static const std::atomic<bool> cancelled{false};
    auto txn = store.begin_read();
    quarry::engine::ExecContext context(store, txn, cancelled);
    const std::vector<quarry::engine::TermId> input(width, quarry::engine::UNBOUND);
    const quarry::engine::StatePtr state = op.make_state();
    op.reset(*state, input.data());
    quarry::engine::RowBatch out{width, {}};
    std::int64_t rows = 0;
    while (op.next(context, *state, out))
        rows += static_cast<std::int64_t>(out.size());
    return rows;
}

quarry::engine::Expression slot_expression(std::size_t slot) {
    quarry::engine::Expression e;
    e.slot = slot;
    return e;
}

void report_stage(benchmark::State& state, std::int64_t rows_out) {
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * STAGE_ROWS));
    state.counters["rows out"] = static_cast<double>(rows_out);
}

void BM_StageDistinct(benchmark::State& state) {
    const auto batches = stage_input(static_cast<std::size_t>(state.range(0)));
    quarry::engine::Distinct op(std::make_unique<Replay>(batches), 1);
    std::int64_t rows_out = 0;
    for (auto _ : state)
        rows_out = drain(op, 2);
    report_stage(state, rows_out);
}
BENCHMARK(BM_StageDistinct)->Arg(1'000)->Arg(100'000)->Unit(benchmark::kMillisecond);

// Grouped by the first column: count(*), count(distinct) of the second.
void BM_StageGroupCount(benchmark::State& state) {
    const auto batches = stage_input(static_cast<std::size_t>(state.range(0)));
    using quarry::engine::Expression;
    Expression count_star, count_distinct;
    count_star.op = count_distinct.op = quarry::parser::ast::ExprOp::AGGREGATE;
    count_star.function = count_distinct.function = "count";
    count_star.star = true;
    count_distinct.distinct = true;
    count_distinct.args = {slot_expression(1)};
    const bool with_distinct = state.range(1) != 0;
    std::vector<Expression> aggregates{count_star};
    if (with_distinct)
        aggregates.push_back(count_distinct);
    quarry::engine::HashAggregate op(std::make_unique<Replay>(batches), 2, {slot_expression(0)},
                                     aggregates, "");
    std::int64_t rows_out = 0;
    for (auto _ : state)
        rows_out = drain(op, op.output_width());
    report_stage(state, rows_out);
}
BENCHMARK(BM_StageGroupCount)
    ->ArgsProduct({{1'000, 100'000}, {0, 1}})
    ->ArgNames({"groups", "count_distinct"})
    ->Unit(benchmark::kMillisecond);

// order by the first column, then the second, limit 10.
void BM_StageTopN(benchmark::State& state) {
    const auto batches = stage_input(100'000);
    quarry::engine::Order op(std::make_unique<Replay>(batches), {{0, true}, {1, false}}, 10, "");
    std::int64_t rows_out = 0;
    for (auto _ : state)
        rows_out = drain(op, 2);
    report_stage(state, rows_out);
}
BENCHMARK(BM_StageTopN)->Unit(benchmark::kMillisecond);

// The same through the whole engine: the 100k `met` facts' objects, distinct (about 20k
// of them) or grouped, against the plain scan. Items: input rows.
void query_rows(benchmark::State& state, const char* text) {
    Database& db = fixture().db();
    std::int64_t rows_seen = 0;
    for (auto _ : state) {
        auto rows = db.query(text);
        quarry::Row row;
        rows_seen = read_all(*rows, row);
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * PEOPLE * MEETINGS));
    state.counters["rows out"] = static_cast<double>(rows_seen);
}
void BM_QueryScanMet(benchmark::State& state) {
    query_rows(state, "match (?s, met, ?o) return ?o");
}
void BM_QueryDistinctMet(benchmark::State& state) {
    query_rows(state, "match (?s, met, ?o) return distinct ?o");
}
void BM_QueryGroupMet(benchmark::State& state) {
    query_rows(state, "match (?s, met, ?o) return ?o, count(*)");
}
void BM_QueryCountMet(benchmark::State& state) {
    query_rows(state, "match (?s, met, ?o) return count(distinct ?o)");
}
BENCHMARK(BM_QueryScanMet)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryDistinctMet)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryGroupMet)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueryCountMet)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
