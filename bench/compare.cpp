// The side-by-side benchmark behind bench/run: loads one N-Quads file into Quarry, SQLite
// and (with --duckdb) DuckDB, runs the same questions on each, checks that they agree, and
// prints one table.
//
//   quarry-compare --data FILE --kind news|skewed --quads N [--seed S] [--runs R] [--dir DIR]
//                  [--duckdb PEER.mjs] [--only SYSTEM]
//
// The kind, N and S must be those the file was generated with (bench/gen): the questions
// name entities of that graph (a busy city, a big organisation, random people). Each system
// runs in a process of its own, so peak RSS is its own. Latencies are medians over R warm
// runs (after one unmeasured run), parsing/preparing and planning included, every value of
// every row read. The unmeasured run also gives the answer each system is checked on: its
// number of rows, the value of a single cell, and a checksum of every row's text.
//
// SQLite gets the schema a competent user would write by hand: a terms table (id, the
// N-Triples text, and the value of integers and dates, indexed) and an integer quads
// table, clustered on (s, p, o, g) with covering indexes on (p, o, s, g), (o, s, p, g)
// and (g, s, p, o); loaded in one transaction with prepared statements, indexes built
// after the rows, then ANALYZE. A three-element Quarry pattern matches a triple once
// whatever its contexts, so the SQL reads such patterns with SELECT DISTINCT s, o.
//
// DuckDB runs in node (bench/duckdb/peer.mjs, through @duckdb/node-api): this program
// writes the quads as a TSV of N-Triples terms and a plan (the SQL of every question, the
// same text SQLite runs) as JSON; the script loads the TSV into the same schema, measures,
// and writes its figures as JSON, which are read back here.

#include "bench/command_line.hpp"
#include "bench/graphs.hpp"
#include "bench/newsgraph.hpp"
#include "quarry/database.hpp"
#include "engine/io/nquads_reader.hpp"
#include "engine/io/rdf_terms.hpp"
#include "engine/terms.hpp"

#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
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

std::vector<Question> questions(const quarry::bench::Vocabulary& v) {
    // The SQL id of a constant.
    const auto id = [](const quarry::bench::Constant& c) {
        return fmt::format("(SELECT id FROM terms WHERE term = '{}')", c.ntriples);
    };
    const auto distinct = [&](const quarry::bench::Constant& predicate) {
        return fmt::format("(SELECT DISTINCT s, o FROM quads WHERE p = {})", id(predicate));
    };
    const auto dates = [&](const std::string& label, const std::string& from, const std::string& to) {
        return Question{
            label,
            fmt::format("match (?m, {}, ?d) where ?d >= {} and ?d < {} return ?m, ?d", v.date.quarry, from, to),
            fmt::format("SELECT tm.term, td.term FROM (SELECT DISTINCT q.s, q.o FROM quads q "
                        "JOIN terms t ON t.id = q.o WHERE q.p = {} AND t.value >= '{}' "
                        "AND t.value < '{}') x JOIN terms tm ON tm.id = x.s JOIN terms td ON td.id = x.o",
                        id(v.date), from, to)};
    };
    return {
        {"point lookup (subject bound)", "match ({}, ?p, ?o)",
         "SELECT tp.term, tob.term FROM (SELECT DISTINCT p, o FROM quads WHERE s = "
         "(SELECT id FROM terms WHERE term = '{}')) q "
         "JOIN terms tp ON tp.id = q.p JOIN terms tob ON tob.id = q.o",
         true},
        {"who met whom in " + v.busy_city_label, fmt::format("match (?a, {}, ?b, {})", v.met.quarry, v.busy_city.quarry),
         fmt::format("SELECT ta.term, tb.term FROM quads q JOIN terms ta ON ta.id = q.s "
                     "JOIN terms tb ON tb.id = q.o WHERE q.p = {} AND q.g = {}",
                     id(v.met), id(v.busy_city))},
        {"2-hop chain (met, member_of)",
         fmt::format("match (?a, {}, ?b), (?b, {}, ?org) return count(*)", v.met.quarry, v.member_of.quarry),
         fmt::format("SELECT count(*) FROM {} m JOIN {} mo ON mo.s = m.o", distinct(v.met), distinct(v.member_of))},
        {"2-hop chain to one org, distinct ?a",
         fmt::format("match (?a, {}, ?b), (?b, {}, {}) return distinct ?a", v.met.quarry, v.member_of.quarry,
                     v.big_organisation.quarry),
         fmt::format("SELECT ta.term FROM (SELECT DISTINCT m.s FROM quads m JOIN quads mo ON mo.s = m.o "
                     "WHERE m.p = {} AND mo.p = {} AND mo.o = {}) x JOIN terms ta ON ta.id = x.s",
                     id(v.met), id(v.member_of), id(v.big_organisation))},
        {"star (born_in, role)",
         fmt::format("match (?x, {}, ?c), (?x, {}, ?r) return ?x, ?c, ?r", v.born_in.quarry, v.role.quarry),
         fmt::format("SELECT tx.term, tc.term, tr.term FROM {} b JOIN {} r ON r.s = b.s "
                     "JOIN terms tx ON tx.id = b.s JOIN terms tc ON tc.id = b.o JOIN terms tr ON tr.id = r.o",
                     distinct(v.born_in), distinct(v.role))},
        {"star (role, born_in), distinct ?x",
         fmt::format("match (?x, {}, ?r), (?x, {}, ?c) return distinct ?x", v.role.quarry, v.born_in.quarry),
         fmt::format("SELECT tx.term FROM (SELECT DISTINCT r.s FROM quads r JOIN quads b ON b.s = r.s "
                     "WHERE r.p = {} AND b.p = {}) x JOIN terms tx ON tx.id = x.s",
                     id(v.role), id(v.born_in))},
        {"triangle count (met)",
         fmt::format("match (?a, {0}, ?b), (?b, {0}, ?c), (?c, {0}, ?a) return count(*)", v.met.quarry),
         fmt::format("WITH m AS MATERIALIZED {} SELECT count(*) FROM m m1 JOIN m m2 ON m2.s = m1.o "
                     "JOIN m m3 ON m3.s = m2.o AND m3.o = m1.s",
                     distinct(v.met))},
        {"facts per predicate", "match (?s, ?p, ?o, ?g) return ?p, count(*)",
         "SELECT t.term, c FROM (SELECT p, count(*) AS c FROM quads GROUP BY p) JOIN terms t ON t.id = p"},
        dates("date range (one quarter)", "2020-01-01", "2020-04-01"),
        dates(fmt::format("date range ({} .. {})", v.dates_from, v.dates_to), v.dates_from, v.dates_to),
        {"located_in+ closure", fmt::format("match (?place, {}+, ?region) return count(*)", v.located_in.quarry),
         fmt::format("WITH RECURSIVE l(s, o) AS {}, c(a, b) AS (SELECT s, o FROM l UNION "
                     "SELECT c.a, l.o FROM c JOIN l ON l.s = c.b) SELECT count(*) FROM c",
                     distinct(v.located_in))},
        {"count of everything", "match (?s, ?p, ?o, ?g) return count(*)", "SELECT count(*) FROM quads"},
    };
}

// The text of the question to run: the point query's instance for subject `who`.
std::string instance(const Question& question, bool quarry_language, const quarry::bench::Constant& who) {
    return fmt::format(fmt::runtime(quarry_language ? question.quarry : question.sql),
                       quarry_language ? who.quarry : who.ntriples);
}

// The subjects of the point look-ups, the same seeded ones on every system.
std::vector<quarry::bench::Constant> point_subjects(const quarry::bench::Vocabulary& v, std::uint64_t seed, int n) {
    quarry::bench::Random random(seed * 7919 + 17);
    std::vector<quarry::bench::Constant> out;
    for (int i = 0; i < n; ++i)
        out.push_back(v.person(random.below(v.people)));
    return out;
}

// The checksum of an answer: the sum of a 32-bit FNV-1a hash of each row, a row being its
// cells' text joined by the byte 0x1f, a cell being a term's N-Triples text, an integer
// ("7"^^<…#integer>, or a count of SQL's) in decimal, nothing when unbound.
// bench/duckdb/peer.mjs computes the same.
class Checksum {
public:
    void begin_row() { hash_ = 0x811c9dc5u, first_ = true; }
    void cell(std::string_view text) {
        if (!first_)
            byte(0x1f);
        first_ = false;
        constexpr std::string_view INTEGER = "\"^^<http://www.w3.org/2001/XMLSchema#integer>";
        if (text.size() > INTEGER.size() && text.front() == '"' && text.ends_with(INTEGER))
            text = text.substr(1, text.size() - 1 - INTEGER.size());
        for (const char c : text)
            byte(static_cast<unsigned char>(c));
    }
    void end_row() { sum_ += hash_; }
    std::uint64_t sum() const { return sum_; }
private:
    void byte(unsigned char b) { hash_ = (hash_ ^ b) * 0x01000193u; }
    std::uint32_t hash_ = 0;
    bool first_ = true;
    std::uint64_t sum_ = 0;
};

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
    // Runs `text`, reading every value of every row, and adds the rows to `checksum` when
    // given (a cell's text: a number in decimal, a term in N-Triples, nothing when unbound).
    virtual Answer ask(const std::string& text, Checksum* checksum = nullptr) = 0;
};

class QuarrySystem : public System {
public:
    explicit QuarrySystem(fs::path path) : path_(std::move(path)) {}
    void load(const fs::path& data) override {
        {
            quarry::Database db(path_);
            db.load(data, quarry::LoadOptions{});
        }
        db_ = std::make_unique<quarry::Database>(path_, quarry::DatabaseOptions{.read_only = true});
    }
    std::uint64_t facts() override { return db_->statistics().facts; }
    std::uint64_t file_bytes() override { return fs::file_size(path_); }
    Answer ask(const std::string& text, Checksum* checksum) override {
        Answer answer;
        auto rows = db_->query(text);
        std::size_t bytes = 0;
        quarry::Row row;
        while (rows->read(row)) {
            ++answer.rows;
            for (const auto& value : row)
                if (value)
                    bytes += value->text().size();
            if (answer.rows == 1 && row.size() == 1 && row[0])
                answer.value = quarry::format_term(*row[0]);
            if (checksum) {
                checksum->begin_row();
                for (const auto& value : row)
                    checksum->cell(value ? quarry::engine::io::write_ntriples_term(quarry::engine::io::to_rdf(*value))
                                         : std::string());
                checksum->end_row();
            }
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
    Answer ask(const std::string& text, Checksum* checksum = nullptr) override {
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
            if (checksum) {
                checksum->begin_row();
                for (int c = 0; c < columns; ++c) {
                    const auto* cell = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
                    checksum->cell(cell ? std::string_view(cell, static_cast<std::size_t>(sqlite3_column_bytes(statement, c)))
                                        : std::string_view());
                }
                checksum->end_row();
            }
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
    quarry::bench::GraphKind kind = quarry::bench::GraphKind::NEWS;
    std::uint64_t quads = 0, seed = 1;
    int runs = 5;
    int point_subjects = 200;  // different subjects per run of the point query
    double budget = 30;        // seconds per question before fewer runs are taken
    fs::path dir;
    fs::path duckdb;           // bench/duckdb/peer.mjs, or empty: no DuckDB
    std::vector<std::string> systems;
};

// What one system measured; sent from its process as text lines (Quarry, SQLite) or JSON
// (DuckDB).
struct Measurement {
    std::string version; // DuckDB's, from the peer
    double load_seconds = 0;
    std::uint64_t facts = 0, file_bytes = 0, rss_after_load = 0, rss_peak = 0;
    struct Result {
        double median = 0;
        std::uint64_t rows = 0;
        std::string value;
        std::uint64_t checksum = 0;
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

    const auto subjects =
        point_subjects(quarry::bench::vocabulary(options.kind, options.quads), options.seed, options.point_subjects);
    for (const auto& question : questions) {
        const std::string& text = quarry_language ? question.quarry : question.sql;
        Measurement::Result result;
        std::vector<double> samples;
        if (question.point) {
            // The same seeded subjects on every system; rows and checksums add up over the
            // first (unmeasured) round.
            for (int run = 0; run <= options.runs; ++run) {
                Checksum checksum;
                std::uint64_t rows = 0;
                for (const auto& who : subjects) {
                    const auto text_for = instance(question, quarry_language, who);
                    const auto began = Clock::now();
                    rows += system.ask(text_for, run == 0 ? &checksum : nullptr).rows;
                    if (run > 0)
                        samples.push_back(seconds_since(began));
                }
                if (run == 0) {
                    result.rows = rows;
                    result.checksum = checksum.sum();
                }
            }
        } else {
            Checksum checksum;
            const auto warm = system.ask(text, &checksum); // unmeasured
            result.rows = warm.rows;
            result.value = warm.value;
            result.checksum = checksum.sum();
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
        out += fmt::format("result {} {} {} {} {}\n", r.median, r.rows, r.samples, r.checksum,
                           r.value.empty() ? "-" : r.value);
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
            in >> r.median >> r.rows >> r.samples >> r.checksum >> r.value;
            if (r.value == "-")
                r.value.clear();
            m.results.push_back(r);
        } else {
            throw std::runtime_error("unexpected report from a child: " + word);
        }
    }
    return m;
}

// Runs the child process that `body` is (its exit status its result), with standard output
// sent to standard error, so that only the table goes to standard output; returns what the
// child wrote to the pipe whose write end is the argument of `body`.
template <typename Body>
std::string run_child_process(const std::string& name, Body body) {
    int pipe_fds[2];
    if (::pipe(pipe_fds) != 0)
        throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t child = ::fork();
    if (child < 0)
        throw std::runtime_error("fork failed");
    if (child == 0) {
        ::close(pipe_fds[0]);
        ::dup2(2, 1);
        const int status = body(pipe_fds[1]);
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
    return report;
}

// Runs Quarry or SQLite in a child process and returns what it measured.
Measurement run_child(const std::string& name, const Options& options, const std::vector<Question>& questions) {
    return deserialise(run_child_process(name, [&](int out) {
        try {
            std::unique_ptr<System> system;
            if (name == "quarry")
                system = std::make_unique<QuarrySystem>(options.dir / "quarry.qdb");
            else
                system = std::make_unique<SqliteSystem>(options.dir / "sqlite.db");
            const auto report = serialise(measure(*system, options, questions, name == "quarry"));
            return ::write(out, report.data(), report.size()) == static_cast<ssize_t>(report.size()) ? 0 : 1;
        } catch (const std::exception& error) {
            fmt::print(stderr, "quarry-compare: {}: {}\n", name, error.what());
            return 1;
        }
    }));
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\')
            out += {'\\', c};
        else if (static_cast<unsigned char>(c) < 0x20)
            out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
            out += c;
    }
    return out + '"';
}

// Writes the quads of `data` as a TSV of N-Triples terms (subject, predicate, object,
// graph, the graph empty for the default graph), which DuckDB reads without quoting.
void write_tsv(const fs::path& data, const fs::path& tsv) {
    std::ifstream in(data, std::ios::binary);
    std::ofstream out(tsv, std::ios::binary | std::ios::trunc);
    if (!out)
        throw std::runtime_error("cannot write " + tsv.string());
    quarry::engine::io::NQuadsReader reader(in, data.string(), true);
    quarry::engine::io::RdfQuad quad;
    std::string line;
    const auto term = [&](const quarry::engine::io::RdfTerm& t) {
        const auto text = quarry::engine::io::write_ntriples_term(t);
        if (text.find_first_of("\t\n\r") != std::string::npos)
            throw std::runtime_error(fmt::format("{}:{}: a term holds a tab or a line break, which the TSV for "
                                                 "DuckDB cannot carry: {}",
                                                 data.string(), reader.line(), text));
        line += text;
    };
    while (reader.next(quad)) {
        line.clear();
        term(quad.subject);
        line += '\t';
        term(quad.predicate);
        line += '\t';
        term(quad.object);
        line += '\t';
        if (quad.graph)
            term(*quad.graph);
        line += '\n';
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    out.flush();
    if (!out)
        throw std::runtime_error("writing " + tsv.string() + " failed");
}

// Runs DuckDB through the node script and returns what it measured.
Measurement run_duckdb(const Options& options, const std::vector<Question>& questions) {
    const auto tsv = options.dir / "quads.tsv", database = options.dir / "duckdb.db";
    const auto plan_path = options.dir / "duckdb-plan.json", result_path = options.dir / "duckdb-result.json";
    write_tsv(options.data, tsv);
    warm_up(tsv);

    const auto subjects =
        point_subjects(quarry::bench::vocabulary(options.kind, options.quads), options.seed, options.point_subjects);
    std::string plan = fmt::format("{{\"tsv\": {}, \"database\": {}, \"runs\": {}, \"budget\": {}, \"questions\": [",
                                   json_string(tsv.string()), json_string(database.string()), options.runs,
                                   options.budget);
    for (std::size_t q = 0; q < questions.size(); ++q) {
        std::vector<std::string> texts;
        if (questions[q].point)
            for (const auto& who : subjects)
                texts.push_back(json_string(instance(questions[q], false, who)));
        else
            texts.push_back(json_string(questions[q].sql));
        plan += fmt::format("{}\n{{\"label\": {}, \"point\": {}, \"sql\": [{}]}}", q ? "," : "",
                            json_string(questions[q].label), questions[q].point, fmt::join(texts, ", "));
    }
    plan += "]}\n";
    {
        std::ofstream out(plan_path, std::ios::binary | std::ios::trunc);
        out << plan;
        if (!out.flush())
            throw std::runtime_error("cannot write " + plan_path.string());
    }
    fs::remove(result_path);
    run_child_process("duckdb", [&](int) {
        const std::string script = options.duckdb.string(), plan_arg = plan_path.string(),
                          result_arg = result_path.string();
        ::execlp("node", "node", script.c_str(), plan_arg.c_str(), result_arg.c_str(), static_cast<char*>(nullptr));
        fmt::print(stderr, "quarry-compare: cannot run node: {}\n", std::strerror(errno));
        return 1;
    });

    namespace pt = boost::property_tree;
    pt::ptree result;
    pt::read_json(result_path.string(), result);
    Measurement m;
    m.version = result.get<std::string>("version");
    m.load_seconds = result.get<double>("load_seconds");
    m.facts = result.get<std::uint64_t>("facts");
    m.file_bytes = result.get<std::uint64_t>("file_bytes");
    m.rss_after_load = result.get<std::uint64_t>("rss_after_load");
    m.rss_peak = result.get<std::uint64_t>("rss_peak");
    for (const auto& [key, r] : result.get_child("results")) {
        Measurement::Result out;
        out.median = r.get<double>("median");
        out.rows = r.get<std::uint64_t>("rows");
        out.value = r.get<std::string>("value");
        out.checksum = r.get<std::uint64_t>("checksum");
        out.samples = r.get<int>("samples");
        m.results.push_back(out);
    }
    if (m.results.size() != questions.size())
        throw std::runtime_error(fmt::format("the DuckDB peer answered {} questions of {}", m.results.size(),
                                             questions.size()));
    return m;
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

std::string display_name(const std::string& system) {
    return system == "quarry" ? "Quarry" : system == "sqlite" ? "SQLite" : "DuckDB";
}

} // namespace

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    Options options;
    std::string kind = "news", quads, seed = "1", only;
    int runs = options.runs;
    po::options_description described(
        "usage: quarry-compare --data FILE --kind news|skewed --quads N [options]\n"
        "Loads FILE (written by quarry-gen with that kind, N quads and seed S) into Quarry,\n"
        "SQLite and (with --duckdb) DuckDB, runs the question set on each, checks that every\n"
        "answer agrees and prints medians over warm runs");
    described.add_options()
        ("help,h", "this text")
        ("data", po::value(&options.data)->required(), "the N-Quads file")
        ("kind", po::value(&kind), "the graph it holds: news (default) or skewed")
        ("quads", po::value(&quads)->required(), "the quads it was generated with (k and M suffixes accepted)")
        ("seed", po::value(&seed), "the seed it was generated with (default 1)")
        ("runs", po::value(&runs), "warm runs per question (default 5)")
        ("dir", po::value(&options.dir),
         "where the databases (and DuckDB's TSV, plan and result) go, kept (default: a temporary directory, removed)")
        ("duckdb", po::value(&options.duckdb), "bench/duckdb/peer.mjs: measure DuckDB too, through node")
        ("only", po::value(&only), "quarry, sqlite or duckdb: measure one system alone");
    if (const auto status = quarry::bench::parse_command_line(argc, argv, "quarry-compare", described, [&] {
            options.kind = quarry::bench::parse_graph_kind(kind);
            options.quads = quarry::bench::parse_count(quads);
            options.seed = quarry::bench::parse_count(seed);
            options.runs = std::max(1, runs);
            options.systems = {"quarry", "sqlite"};
            if (!options.duckdb.empty()) {
                if (!fs::exists(options.duckdb))
                    throw std::invalid_argument("no such file: " + options.duckdb.string());
                options.duckdb = fs::absolute(options.duckdb);
                options.systems.push_back("duckdb");
            }
            if (!only.empty()) {
                if (only != "quarry" && only != "sqlite" && only != "duckdb")
                    throw std::invalid_argument("--only takes quarry, sqlite or duckdb, not '" + only + "'");
                if (only == "duckdb" && options.duckdb.empty())
                    throw std::invalid_argument("--only duckdb needs --duckdb");
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
    options.dir = fs::absolute(options.dir);
    for (const auto* file : {"quarry.qdb", "quarry.qdb-lock", "sqlite.db", "sqlite.db-journal"})
        fs::remove(options.dir / file);

    const auto vocabulary = quarry::bench::vocabulary(options.kind, options.quads);
    const auto question_set = questions(vocabulary);
    std::vector<Measurement> measured;
    try {
        for (const auto& system : options.systems) {
            fmt::print(stderr, "quarry-compare: loading {} quads into {} and asking {} questions...\n",
                       with_commas(options.quads), system, question_set.size());
            measured.push_back(system == "duckdb" ? run_duckdb(options, question_set)
                                                  : run_child(system, options, question_set));
        }
    } catch (const std::exception& error) {
        fmt::print(stderr, "quarry-compare: {}\n", error.what());
        return 1;
    }
    if (!keep)
        fs::remove_all(options.dir);

    // Quarry against the best of the peers measured beside it.
    const bool ratios = measured.size() > 1 && options.systems.front() == "quarry";
    const auto header = [&](const std::string& what) {
        std::string line = fmt::format("{:<44}", what);
        for (const auto& system : options.systems)
            line += fmt::format("{:>14}", display_name(system));
        if (ratios)
            line += fmt::format("{:>10}  {:<7} {}", "ratio", "best", "rows");
        return line;
    };
    // `get` gives what the ratio compares (smaller is better); none: no ratio.
    using Get = std::function<double(const Measurement&)>;
    const auto row = [&](const std::string& what, const Get& get, auto&& show, const std::string& rows) {
        std::string line = fmt::format("{:<44}", what);
        for (const auto& m : measured)
            line += fmt::format("{:>14}", show(m));
        if (ratios && get) {
            std::size_t best = 1;
            for (std::size_t i = 2; i < measured.size(); ++i)
                if (get(measured[i]) < get(measured[best]))
                    best = i;
            const double other = get(measured[best]);
            std::string cell;
            if (other > 0) {
                const double r = get(measured[0]) / other;
                cell = r < 0.1 ? fmt::format("{:.2g}", r) : fmt::format("{:.2f}", r);
            }
            line += fmt::format("{:>10}  {:<7} {}", cell, display_name(options.systems[best]), rows);
        }
        fmt::print("{}\n", line);
    };

    fmt::print("\n{} graph: {} quads, seed {}; {} facts stored; medians of up to {} warm runs\n",
               quarry::bench::graph_kind_name(options.kind), with_commas(options.quads), options.seed,
               with_commas(measured.front().facts), options.runs);
    for (std::size_t i = 0; i < measured.size(); ++i)
        if (!measured[i].version.empty())
            fmt::print("duckdb: {} (through @duckdb/node-api in node)\n", measured[i].version);
    if (ratios)
        fmt::print("ratio = Quarry / the best peer: below 1 means Quarry is smaller or faster\n");
    fmt::print("\n{}\n", header(""));
    row("load time", [](const Measurement& m) { return m.load_seconds; },
        [](const Measurement& m) { return fmt::format("{:.2f} s", m.load_seconds); }, "");
    row("load rate (quads/s)", Get(),
        [&](const Measurement& m) { return with_commas(static_cast<std::uint64_t>(options.quads / m.load_seconds)); },
        "");
    const auto per_fact = [](const Measurement& m) { return static_cast<double>(m.file_bytes) / static_cast<double>(m.facts); };
    row("bytes per fact (file)", per_fact, [&](const Measurement& m) { return fmt::format("{:.1f}", per_fact(m)); }, "");
    const auto rss_load = [](const Measurement& m) { return static_cast<double>(m.rss_after_load) / (1 << 20); };
    row("peak RSS, load (MiB)", rss_load, [&](const Measurement& m) { return fmt::format("{:.0f}", rss_load(m)); }, "");
    const auto rss_all = [](const Measurement& m) { return static_cast<double>(m.rss_peak) / (1 << 20); };
    row("peak RSS, load + queries (MiB)", rss_all,
        [&](const Measurement& m) { return fmt::format("{:.0f}", rss_all(m)); }, "");

    bool agree = true;
    for (std::size_t i = 1; i < measured.size(); ++i)
        if (measured[i].facts != measured[0].facts) {
            agree = false;
            fmt::print("MISMATCH: {} stores {} facts, {} {}\n", display_name(options.systems[i]),
                       with_commas(measured[i].facts), display_name(options.systems[0]),
                       with_commas(measured[0].facts));
        }
    for (std::size_t q = 0; q < question_set.size(); ++q) {
        const auto& first = measured[0].results[q];
        std::string rows = with_commas(first.rows);
        if (question_set[q].point)
            rows += fmt::format(" in {} lookups", options.point_subjects);
        else if (!first.value.empty())
            rows = "1 (" + first.value + ")";
        for (std::size_t i = 1; i < measured.size(); ++i) {
            const auto& other = measured[i].results[q];
            if (other.rows != first.rows || other.value != first.value || other.checksum != first.checksum) {
                agree = false;
                rows += fmt::format("  MISMATCH: {} {} rows ({}), checksum {} against {}",
                                    display_name(options.systems[i]), other.rows, other.value, other.checksum,
                                    first.checksum);
            }
        }
        row(question_set[q].label, [q](const Measurement& m) { return m.results[q].median; },
            [q](const Measurement& m) { return latency(m.results[q].median); }, rows);
    }
    if (!agree) {
        fmt::print(stderr, "quarry-compare: the systems disagree (see MISMATCH above)\n");
        return 1;
    }
    return 0;
}
