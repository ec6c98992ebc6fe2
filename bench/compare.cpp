// The side-by-side benchmark behind bench/run: loads one N-Quads file into Quarry and into
// SQLite, runs the same questions on both, checks that they agree, and prints one table.
//
//   quarry-compare --data FILE --quads N [--seed S] [--runs R] [--dir DIR] [--only SYSTEM]
//
// N and S must be those the file was generated with (bench/gen): the questions name
// entities of that graph (a busy city, random people). Each system runs in a child process
// of its own, so peak RSS is its own. Latencies are medians over R warm runs (after one
// unmeasured run), parsing/preparing and planning included, every value of every row read.
//
// SQLite gets the schema a competent user would write by hand: a terms table (id, the
// N-Triples text, and the value of integers and dates, indexed) and an integer quads
// table, clustered on (s, p, o, g) with covering indexes on (p, o, s, g), (o, s, p, g)
// and (g, s, p, o); loaded in one transaction with prepared statements, indexes built
// after the rows, then ANALYZE. A three-element Quarry pattern matches a triple once
// whatever its contexts, so the SQL reads such patterns with SELECT DISTINCT s, o.

#include "bench/command_line.hpp"
#include "bench/newsgraph.hpp"
#include "engine/database.hpp"
#include "engine/io/nquads_reader.hpp"
#include "engine/io/rdf_terms.hpp"
#include "engine/terms.hpp"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <vector>
#include <sys/wait.h>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

using quarry::bench::GraphShape;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// The peak resident set of this process so far, in bytes (VmHWM).
std::uint64_t peak_rss() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stoull(line.substr(6)) * 1024;
    return 0;
}

// One question, in both languages. `{}` in a point query stands for the subject.
struct Question {
    std::string label;
    std::string quarry;
    std::string sql;
    bool point = false;
};

// The N-Triples text of a name, as the SQLite loader stores it.
std::string name_term(const std::string& name) {
    using namespace quarry::engine::io;
    return write_ntriples_term(to_rdf(quarry::storage::Term::name(name)));
}

// The SQL id of a name.
std::string id_of(const std::string& name) {
    return fmt::format("(SELECT id FROM terms WHERE term = '{}')", name_term(name));
}

std::vector<Question> questions(const GraphShape& shape) {
    const std::string city = quarry::bench::city_name(quarry::bench::busiest_city(shape));
    const auto distinct = [](const std::string& predicate) {
        return fmt::format("(SELECT DISTINCT s, o FROM quads WHERE p = {})", id_of(predicate));
    };
    return {
        {"point lookup (subject bound)", "match ({}, ?p, ?o)",
         "SELECT tp.term, tob.term FROM (SELECT DISTINCT p, o FROM quads WHERE s = "
         "(SELECT id FROM terms WHERE term = '{}')) q "
         "JOIN terms tp ON tp.id = q.p JOIN terms tob ON tob.id = q.o",
         true},
        {"who met whom in " + city, fmt::format("match (?a, met, ?b, {})", city),
         fmt::format("SELECT ta.term, tb.term FROM quads q JOIN terms ta ON ta.id = q.s "
                     "JOIN terms tb ON tb.id = q.o WHERE q.p = {} AND q.g = {}",
                     id_of("met"), id_of(city))},
        {"2-hop chain (met, member_of)", "match (?a, met, ?b), (?b, member_of, ?org) return count(*)",
         fmt::format("SELECT count(*) FROM {} m JOIN {} mo ON mo.s = m.o", distinct("met"), distinct("member_of"))},
        {"star (born_in, role)", "match (?x, born_in, ?c), (?x, role, ?r) return ?x, ?c, ?r",
         fmt::format("SELECT tx.term, tc.term, tr.term FROM {} b JOIN {} r ON r.s = b.s "
                     "JOIN terms tx ON tx.id = b.s JOIN terms tc ON tc.id = b.o JOIN terms tr ON tr.id = r.o",
                     distinct("born_in"), distinct("role"))},
        {"triangle count (met)", "match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a) return count(*)",
         fmt::format("WITH m AS MATERIALIZED {} SELECT count(*) FROM m m1 JOIN m m2 ON m2.s = m1.o "
                     "JOIN m m3 ON m3.s = m2.o AND m3.o = m1.s",
                     distinct("met"))},
        {"facts per predicate", "match (?s, ?p, ?o, ?g) return ?p, count(*)",
         "SELECT t.term, c FROM (SELECT p, count(*) AS c FROM quads GROUP BY p) JOIN terms t ON t.id = p"},
        {"date range (one quarter)",
         "match (?m, date, ?d) where ?d >= 2020-01-01 and ?d < 2020-04-01 return ?m, ?d",
         fmt::format("SELECT tm.term, td.term FROM (SELECT DISTINCT q.s, q.o FROM quads q "
                     "JOIN terms t ON t.id = q.o WHERE q.p = {} AND t.value >= '2020-01-01' "
                     "AND t.value < '2020-04-01') x JOIN terms tm ON tm.id = x.s JOIN terms td ON td.id = x.o",
                     id_of("date"))},
        {"located_in+ closure", "match (?place, located_in+, ?region) return count(*)",
         fmt::format("WITH RECURSIVE l(s, o) AS {}, c(a, b) AS (SELECT s, o FROM l UNION "
                     "SELECT c.a, l.o FROM c JOIN l ON l.s = c.b) SELECT count(*) FROM c",
                     distinct("located_in"))},
        {"count of everything", "match (?s, ?p, ?o, ?g) return count(*)", "SELECT count(*) FROM quads"},
    };
}

// What running a question once gave: its rows, and the value when it is a single cell.
struct Answer {
    std::uint64_t rows = 0;
    std::string value;
};

class System {
public:
    virtual ~System() = default;
    virtual void load(const fs::path& data) = 0;
    virtual std::uint64_t facts() = 0;
    virtual std::uint64_t file_bytes() = 0;
    virtual Answer ask(const std::string& text) = 0;
};

class QuarrySystem : public System {
public:
    explicit QuarrySystem(fs::path path) : path_(std::move(path)) {}
    void load(const fs::path& data) override {
        {
            quarry::Database db(path_);
            db.load(data, quarry::engine::io::LoadOptions{});
        }
        db_ = std::make_unique<quarry::Database>(path_, quarry::DatabaseOptions{.read_only = true});
    }
    std::uint64_t facts() override { return db_->statistics().facts; }
    std::uint64_t file_bytes() override { return fs::file_size(path_); }
    Answer ask(const std::string& text) override {
        Answer answer;
        auto rows = db_->query(text);
        std::size_t bytes = 0;
        quarry::engine::Row row;
        while (rows->read(row)) {
            ++answer.rows;
            for (const auto& value : row)
                if (value)
                    bytes += value->text().size();
            if (answer.rows == 1 && row.size() == 1 && row[0])
                answer.value = quarry::engine::format_term(*row[0]);
        }
        if (answer.rows != 1)
            answer.value.clear();
        sink_ += bytes;
        return answer;
    }
private:
    fs::path path_;
    std::unique_ptr<quarry::Database> db_;
    std::size_t sink_ = 0; // keeps the reads of values from being optimised away
};

class SqliteSystem : public System {
public:
    explicit SqliteSystem(fs::path path) : path_(std::move(path)) {
        check(sqlite3_open(path_.c_str(), &db_), "open");
        exec("PRAGMA cache_size = -262144"); // 256 MiB of page cache
    }
    ~SqliteSystem() override { sqlite3_close(db_); }

    void load(const fs::path& data) override {
        exec("CREATE TABLE terms(id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE, value ANY)");
        exec("CREATE TABLE quads(s INTEGER NOT NULL, p INTEGER NOT NULL, o INTEGER NOT NULL, "
             "g INTEGER NOT NULL, PRIMARY KEY (s, p, o, g)) WITHOUT ROWID");
        exec("BEGIN");
        Statement find(*this, "SELECT id FROM terms WHERE term = ?1");
        Statement insert_term(*this, "INSERT INTO terms(term, value) VALUES (?1, ?2)");
        Statement insert_quad(*this, "INSERT OR IGNORE INTO quads VALUES (?1, ?2, ?3, ?4)");
        const auto id = [&](const quarry::engine::io::RdfTerm& term) -> sqlite3_int64 {
            const std::string text = quarry::engine::io::write_ntriples_term(term);
            sqlite3_bind_text(find, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
            const int found = sqlite3_step(find);
            if (found == SQLITE_ROW) {
                const auto existing = sqlite3_column_int64(find, 0);
                sqlite3_reset(find);
                return existing;
            }
            sqlite3_reset(find);
            sqlite3_bind_text(insert_term, 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
            const std::string xsd = quarry::engine::io::XSD;
            if (term.kind == quarry::engine::io::RdfTerm::LITERAL && term.datatype == xsd + "integer")
                sqlite3_bind_int64(insert_term, 2, std::stoll(term.value));
            else if (term.kind == quarry::engine::io::RdfTerm::LITERAL && term.datatype == xsd + "date")
                sqlite3_bind_text(insert_term, 2, term.value.data(), static_cast<int>(term.value.size()),
                                  SQLITE_STATIC);
            else
                sqlite3_bind_null(insert_term, 2);
            step_done(insert_term);
            return sqlite3_last_insert_rowid(db_);
        };
        std::ifstream in(data, std::ios::binary);
        quarry::engine::io::NQuadsReader reader(in, data.string(), true);
        quarry::engine::io::RdfQuad quad;
        while (reader.next(quad)) {
            sqlite3_bind_int64(insert_quad, 1, id(quad.subject));
            sqlite3_bind_int64(insert_quad, 2, id(quad.predicate));
            sqlite3_bind_int64(insert_quad, 3, id(quad.object));
            sqlite3_bind_int64(insert_quad, 4, quad.graph ? id(*quad.graph) : 0); // 0: the default graph
            step_done(insert_quad);
        }
        exec("CREATE INDEX quads_posg ON quads(p, o, s, g)");
        exec("CREATE INDEX quads_ospg ON quads(o, s, p, g)");
        exec("CREATE INDEX quads_gspo ON quads(g, s, p, o)");
        exec("CREATE INDEX terms_value ON terms(value) WHERE value IS NOT NULL");
        exec("COMMIT");
        exec("ANALYZE");
    }
    std::uint64_t facts() override { return std::stoull(ask("SELECT count(*) FROM quads").value); }
    std::uint64_t file_bytes() override { return fs::file_size(path_); }
    Answer ask(const std::string& text) override {
        Answer answer;
        Statement statement(*this, text);
        std::size_t bytes = 0;
        int status;
        while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
            ++answer.rows;
            const int columns = sqlite3_column_count(statement);
            for (int c = 0; c < columns; ++c) {
                sqlite3_column_text(statement, c);
                bytes += static_cast<std::size_t>(sqlite3_column_bytes(statement, c));
            }
            if (answer.rows == 1 && columns == 1)
                answer.value = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
        check(status == SQLITE_DONE ? SQLITE_OK : status, "step");
        if (answer.rows != 1)
            answer.value.clear();
        sink_ += bytes;
        return answer;
    }

private:
    class Statement {
    public:
        Statement(SqliteSystem& system, const std::string& sql) {
            system.check(sqlite3_prepare_v2(system.db_, sql.c_str(), static_cast<int>(sql.size()), &statement_, nullptr),
                         "prepare");
        }
        ~Statement() { sqlite3_finalize(statement_); }
        Statement(const Statement&) = delete;
        Statement& operator=(const Statement&) = delete;
        operator sqlite3_stmt*() const { return statement_; }
    private:
        sqlite3_stmt* statement_ = nullptr;
    };
    void check(int status, const char* what) const {
        if (status != SQLITE_OK)
            throw std::runtime_error(fmt::format("sqlite {}: {}", what, sqlite3_errmsg(db_)));
    }
    void exec(const std::string& sql) { check(sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr), sql.c_str()); }
    void step_done(sqlite3_stmt* statement) {
        const int status = sqlite3_step(statement);
        check(status == SQLITE_DONE ? SQLITE_OK : status, "step");
        sqlite3_reset(statement);
    }

    fs::path path_;
    sqlite3* db_ = nullptr;
    std::size_t sink_ = 0;
};

struct Options {
    fs::path data;
    std::uint64_t quads = 0, seed = 1;
    int runs = 5;
    int point_subjects = 200;  // different subjects per run of the point query
    double budget = 30;        // seconds per question before fewer runs are taken
    fs::path dir;
    std::vector<std::string> systems = {"quarry", "sqlite"};
};

// What one system measured; sent from its child process as text lines.
struct Measurement {
    double load_seconds = 0;
    std::uint64_t facts = 0, file_bytes = 0, rss_after_load = 0, rss_peak = 0;
    struct Result {
        double median = 0;
        std::uint64_t rows = 0;
        std::string value;
        int samples = 0;
    };
    std::vector<Result> results;
};

double median(std::vector<double> samples) {
    std::sort(samples.begin(), samples.end());
    const auto n = samples.size();
    return n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
}

// Reads `file` through once, so that each system's load starts with it in the page cache
// rather than with whatever the previous run left there.
void warm_up(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> block(std::size_t{1} << 20);
    while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0) {
    }
}

Measurement measure(System& system, const Options& options, const std::vector<Question>& questions,
                    bool quarry_language) {
    Measurement m;
    warm_up(options.data);
    const auto start = Clock::now();
    system.load(options.data);
    m.load_seconds = seconds_since(start);
    m.rss_after_load = peak_rss();
    m.facts = system.facts();
    m.file_bytes = system.file_bytes();

    const GraphShape shape(options.quads);
    for (const auto& question : questions) {
        const std::string& text = quarry_language ? question.quarry : question.sql;
        Measurement::Result result;
        std::vector<double> samples;
        if (question.point) {
            // The same seeded subjects on both systems; rows are counted per run.
            for (int run = 0; run <= options.runs; ++run) {
                quarry::bench::Random random(options.seed * 7919 + 17);
                std::uint64_t rows = 0;
                for (int i = 0; i < options.point_subjects; ++i) {
                    const auto who = quarry::bench::person_name(random.below(shape.people));
                    const std::string instance =
                        quarry_language ? fmt::format(fmt::runtime(text), who) : fmt::format(fmt::runtime(text), name_term(who));
                    const auto began = Clock::now();
                    rows += system.ask(instance).rows;
                    if (run > 0)
                        samples.push_back(seconds_since(began));
                }
                result.rows = rows;
            }
        } else {
            const auto warm = system.ask(text); // unmeasured
            result.rows = warm.rows;
            result.value = warm.value;
            double spent = 0;
            for (int run = 0; run < options.runs && (run == 0 || spent < options.budget); ++run) {
                const auto began = Clock::now();
                const auto answer = system.ask(text);
                samples.push_back(seconds_since(began));
                spent += samples.back();
            }
        }
        result.samples = static_cast<int>(samples.size());
        result.median = median(samples);
        m.results.push_back(result);
    }
    m.rss_peak = peak_rss();
    return m;
}

std::string serialise(const Measurement& m) {
    std::string out = fmt::format("load {} {} {} {} {}\n", m.load_seconds, m.facts, m.file_bytes, m.rss_after_load,
                                  m.rss_peak);
    for (const auto& r : m.results)
        out += fmt::format("result {} {} {} {}\n", r.median, r.rows, r.samples, r.value.empty() ? "-" : r.value);
    return out;
}

Measurement deserialise(const std::string& text) {
    Measurement m;
    std::istringstream in(text);
    std::string word;
    while (in >> word) {
        if (word == "load") {
            in >> m.load_seconds >> m.facts >> m.file_bytes >> m.rss_after_load >> m.rss_peak;
        } else if (word == "result") {
            Measurement::Result r;
            in >> r.median >> r.rows >> r.samples >> r.value;
            if (r.value == "-")
                r.value.clear();
            m.results.push_back(r);
        } else {
            throw std::runtime_error("unexpected report from a child: " + word);
        }
    }
    return m;
}

// Runs `system` in a child process and returns what it measured.
Measurement run_child(const std::string& name, const Options& options, const std::vector<Question>& questions) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0)
        throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error("fork failed");
    if (child == 0) {
        ::close(pipe_fds[0]);
        int status = 0;
        try {
            std::unique_ptr<System> system;
            if (name == "quarry")
                system = std::make_unique<QuarrySystem>(options.dir / "quarry.qdb");
            else
                system = std::make_unique<SqliteSystem>(options.dir / "sqlite.db");
            const auto report = serialise(measure(*system, options, questions, name == "quarry"));
            if (::write(pipe_fds[1], report.data(), report.size()) != static_cast<ssize_t>(report.size()))
                status = 1;
        } catch (const std::exception& error) {
            fmt::print(stderr, "quarry-compare: {}: {}\n", name, error.what());
            status = 1;
        }
        ::close(pipe_fds[1]);
        std::_Exit(status);
    }
    ::close(pipe_fds[1]);
    std::string report;
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0)
        report.append(buffer, static_cast<std::size_t>(n));
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(name + " failed");
    return deserialise(report);
}

std::string latency(double seconds) {
    if (seconds < 1e-3)
        return fmt::format("{:.1f} µs", seconds * 1e6);
    if (seconds < 1)
        return fmt::format("{:.2f} ms", seconds * 1e3);
    return fmt::format("{:.2f} s", seconds);
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

} // namespace

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    Options options;
    std::string quads, seed = "1", only;
    int runs = options.runs;
    po::options_description described(
        "usage: quarry-compare --data FILE --quads N [options]\n"
        "Loads FILE (written by quarry-gen with N quads and seed S) into Quarry and SQLite,\n"
        "runs the question set on both and prints medians over warm runs");
    described.add_options()
        ("help,h", "this text")
        ("data", po::value(&options.data)->required(), "the N-Quads file")
        ("quads", po::value(&quads)->required(), "the quads it was generated with (k and M suffixes accepted)")
        ("seed", po::value(&seed), "the seed it was generated with (default 1)")
        ("runs", po::value(&runs), "warm runs per question (default 5)")
        ("dir", po::value(&options.dir), "where the databases go, kept (default: a temporary directory, removed)")
        ("only", po::value(&only), "quarry or sqlite: measure one system alone");
    if (const auto status = quarry::bench::parse_command_line(argc, argv, "quarry-compare", described, [&] {
            options.quads = quarry::bench::parse_count(quads);
            options.seed = quarry::bench::parse_count(seed);
            options.runs = std::max(1, runs);
            if (!only.empty()) {
                if (only != "quarry" && only != "sqlite")
                    throw std::invalid_argument("--only takes quarry or sqlite, not '" + only + "'");
                options.systems = {only};
            }
            if (!fs::exists(options.data))
                throw std::invalid_argument("no such file: " + options.data.string());
        }))
        return *status;
    const bool keep = !options.dir.empty();
    if (options.dir.empty())
        options.dir = fs::temp_directory_path() / fmt::format("quarry-compare-{}", ::getpid());
    fs::create_directories(options.dir);
    fs::remove(options.dir / "quarry.qdb");
    fs::remove(options.dir / "quarry.qdb-lock");
    fs::remove(options.dir / "sqlite.db");
    fs::remove(options.dir / "sqlite.db-journal");

    const auto question_set = questions(GraphShape(options.quads));
    std::vector<Measurement> measured;
    try {
        for (const auto& system : options.systems) {
            fmt::print(stderr, "quarry-compare: loading {} quads into {} and asking {} questions...\n",
                       with_commas(options.quads), system, question_set.size());
            measured.push_back(run_child(system, options, question_set));
        }
    } catch (const std::exception& error) {
        fmt::print(stderr, "quarry-compare: {}\n", error.what());
        return 1;
    }
    if (!keep)
        fs::remove_all(options.dir);

    const bool both = measured.size() == 2;
    const auto header = [&](const std::string& what) {
        std::string line = fmt::format("{:<36}", what);
        for (const auto& system : options.systems)
            line += fmt::format("{:>14}", system == "quarry" ? "Quarry" : "SQLite");
        if (both)
            line += fmt::format("{:>10}  {}", "ratio", "rows");
        return line;
    };
    const auto row = [&](const std::string& what, const std::vector<std::string>& cells, const std::string& ratio,
                         const std::string& rows) {
        std::string line = fmt::format("{:<36}", what);
        for (const auto& cell : cells)
            line += fmt::format("{:>14}", cell);
        if (both)
            line += fmt::format("{:>10}  {}", ratio, rows);
        fmt::print("{}\n", line);
    };
    const auto ratio = [&](double quarry, double other) {
        if (!both || other <= 0)
            return std::string();
        const double r = quarry / other;
        return r < 0.1 ? fmt::format("{:.2g}", r) : fmt::format("{:.2f}", r);
    };
    const auto each = [&](auto&& cell) {
        std::vector<std::string> cells;
        for (const auto& m : measured)
            cells.push_back(cell(m));
        return cells;
    };
    const auto value = [&](std::size_t i, auto&& get) { return i < measured.size() ? get(measured[i]) : 0.0; };

    fmt::print("\nnews graph: {} quads, seed {}; {} facts stored; medians of up to {} warm runs\n",
               with_commas(options.quads), options.seed, with_commas(measured.front().facts), options.runs);
    fmt::print("ratio = Quarry / SQLite: for times and sizes, below 1 means Quarry is smaller or faster\n\n");
    fmt::print("{}\n", header(""));
    const auto load_time = [](const Measurement& m) { return m.load_seconds; };
    row("load time", each([](const Measurement& m) { return fmt::format("{:.2f} s", m.load_seconds); }),
        ratio(value(0, load_time), value(1, load_time)), "");
    row("load rate (quads/s)",
        each([&](const Measurement& m) { return with_commas(static_cast<std::uint64_t>(options.quads / m.load_seconds)); }),
        "", "");
    const auto per_fact = [](const Measurement& m) { return static_cast<double>(m.file_bytes) / static_cast<double>(m.facts); };
    row("bytes per fact (file)", each([&](const Measurement& m) { return fmt::format("{:.1f}", per_fact(m)); }),
        ratio(value(0, per_fact), value(1, per_fact)), "");
    const auto rss_load = [](const Measurement& m) { return static_cast<double>(m.rss_after_load) / (1 << 20); };
    row("peak RSS, load (MiB)", each([&](const Measurement& m) { return fmt::format("{:.0f}", rss_load(m)); }),
        ratio(value(0, rss_load), value(1, rss_load)), "");
    const auto rss_all = [](const Measurement& m) { return static_cast<double>(m.rss_peak) / (1 << 20); };
    row("peak RSS, load + queries (MiB)", each([&](const Measurement& m) { return fmt::format("{:.0f}", rss_all(m)); }),
        ratio(value(0, rss_all), value(1, rss_all)), "");

    bool agree = true;
    for (std::size_t q = 0; q < question_set.size(); ++q) {
        const auto get = [q](const Measurement& m) { return m.results[q].median; };
        std::string rows = with_commas(measured[0].results[q].rows);
        if (question_set[q].point)
            rows += fmt::format(" in {} lookups", options.point_subjects);
        else if (!measured[0].results[q].value.empty())
            rows = "1 (" + measured[0].results[q].value + ")";
        if (both && (measured[0].results[q].rows != measured[1].results[q].rows ||
                     measured[0].results[q].value != measured[1].results[q].value)) {
            agree = false;
            rows += fmt::format("  MISMATCH: SQLite {} ({})", measured[1].results[q].rows, measured[1].results[q].value);
        }
        row(question_set[q].label, each([&](const Measurement& m) { return latency(get(m)); }),
            ratio(value(0, get), value(1, get)), rows);
    }
    if (!agree) {
        fmt::print(stderr, "quarry-compare: the systems disagree (see MISMATCH above)\n");
        return 1;
    }
    return 0;
}
