// Tests that need several processes: a writer killed with SIGKILL, and a reader holding a
// snapshot while another process writes. Children never return into Catch: they report
// through pipes and leave with _exit.

#include "storage/store.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <cstring>
#include <random>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace quarry;
using namespace quarry::storage;
using quarry::testing::TempDir;

namespace {

class Pipe {
public:
    Pipe() { REQUIRE(::pipe(fds_) == 0); }
    ~Pipe() {
        close_read();
        close_write();
    }
    void close_read() { close_fd(fds_[0]); }
    void close_write() { close_fd(fds_[1]); }
    void send(std::uint64_t value) {
        // A pipe write of ≤ PIPE_BUF bytes is atomic, so a killed child never leaves half.
        if (::write(fds_[1], &value, sizeof value) != sizeof value)
            _exit(90);
    }
    std::optional<std::uint64_t> receive() {
        std::uint64_t value;
        std::size_t got = 0;
        while (got < sizeof value) {
            const ssize_t n = ::read(fds_[0], reinterpret_cast<char*>(&value) + got, sizeof value - got);
            if (n <= 0)
                return std::nullopt;
            got += static_cast<std::size_t>(n);
        }
        return value;
    }

private:
    static void close_fd(int& fd) {
        if (fd >= 0)
            ::close(fd);
        fd = -1;
    }
    int fds_[2] = {-1, -1};
};

// The facts of the writer's transaction number `n`: three facts, or many for every
// seventh transaction, so that kills land inside large commits too.
std::vector<Quad> facts_of(std::uint64_t n) {
    const std::uint64_t count = n % 7 == 6 ? 20000 : 3;
    std::vector<Quad> quads;
    for (std::uint64_t i = 0; i < count; ++i)
        quads.push_back({make_id(IdTag::NAME, n), make_id(IdTag::NAME, 1000000 + i % 5),
                         make_id(IdTag::INTEGER, i), make_id(IdTag::NAME, 2000000 + n % 3)});
    return quads;
}

[[noreturn]] void run_writer(const std::filesystem::path& path, std::uint64_t first, Pipe& report) {
    try {
        Store store(path);
        for (std::uint64_t n = first;; ++n) {
            const auto quads = facts_of(n);
            store.write([&](lmdb::WriteTxn& txn) {
                store.add(txn, quads);
                store.intern(txn, Term::name("transaction " + std::to_string(n)));
            });
            report.send(n); // only after the commit returned
        }
    } catch (...) {
        _exit(91);
    }
}

} // namespace

TEST_CASE("a writer killed at a random moment leaves exactly its committed transactions",
          "[storage][crash]") {
    TempDir dir;
    const auto path = dir.file("crash.qdb");
    std::mt19937_64 random(std::random_device{}());
    std::set<std::uint64_t> committed;
    std::uint64_t next = 0;
    for (int round = 0; round < 6; ++round) {
        Pipe report;
        const pid_t child = fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            report.close_read();
            run_writer(path, next, report);
        }
        report.close_write();
        // Let the child commit at least once (start-up is slow under sanitizers), then kill
        // it at a random moment.
        if (auto first = report.receive())
            committed.insert(*first);
        const auto delay = std::chrono::milliseconds(random() % 250);
        const auto deadline = std::chrono::steady_clock::now() + delay;
        while (std::chrono::steady_clock::now() < deadline)
            ::usleep(1000);
        ::kill(child, SIGKILL);
        int status = 0;
        ::waitpid(child, &status, 0);
        REQUIRE(WIFSIGNALED(status));
        while (auto n = report.receive())
            committed.insert(*n);

        Store store(path);
        auto txn = store.begin_read();
        INFO("round " << round << ", " << committed.size() << " transactions reported");
        // Every reported transaction is there in full; at most one more (committed but
        // killed before it could report) may be, also in full; nothing else.
        std::uint64_t expected_facts = 0;
        for (std::uint64_t n : committed) {
            for (const Quad& quad : facts_of(n))
                REQUIRE(store.contains(txn, quad));
            REQUIRE(store.find(txn, Term::name("transaction " + std::to_string(n))));
            expected_facts += facts_of(n).size();
        }
        const std::uint64_t after = committed.empty() ? next : *committed.rbegin() + 1;
        const std::uint64_t stored = store.fact_count(txn);
        if (stored != expected_facts) {
            const auto extra = facts_of(after);
            REQUIRE(stored == expected_facts + extra.size());
            for (const Quad& quad : extra)
                REQUIRE(store.contains(txn, quad));
            committed.insert(after);
        }
        const auto problems = store.verify(txn);
        REQUIRE(problems.empty());
        next = committed.empty() ? next : *committed.rbegin() + 1;
    }
    CHECK(committed.size() >= 6); // at least one commit per round
}

TEST_CASE("a reader keeps its snapshot while another process writes", "[storage][concurrency]") {
    TempDir dir;
    const auto path = dir.file("snapshot.qdb");
    auto quads_from = [](TermId first, TermId count) {
        std::vector<Quad> quads;
        for (TermId i = first; i < first + count; ++i)
            quads.push_back({make_id(IdTag::NAME, i), make_id(IdTag::NAME, 1), i, 0});
        return quads;
    };
    {
        Store store(path);
        store.write([&](lmdb::WriteTxn& txn) { store.add(txn, quads_from(0, 1000)); });
    }
    Pipe ready, go, result;
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            Store store(path, StoreOptions{.read_only = true});
            auto count = [&](const lmdb::Txn& txn) {
                std::uint64_t n = 0;
                QuadScan scan = store.scan(txn, QuadPattern{});
                while (scan.next_key())
                    ++n;
                return n;
            };
            {
                auto txn = store.begin_read();
                result.send(count(txn));
                result.send(store.fact_count(txn));
                ready.send(1);
                if (!go.receive())
                    _exit(92);
                result.send(count(txn)); // same transaction: same snapshot
                result.send(store.fact_count(txn));
            }
            auto renewed = store.begin_read();
            result.send(count(renewed));
            result.send(store.fact_count(renewed));
        } catch (...) {
            _exit(93);
        }
        _exit(0);
    }
    REQUIRE(ready.receive() == 1u);
    {
        Store store(path);
        store.write([&](lmdb::WriteTxn& txn) { store.add(txn, quads_from(1000, 500)); });
        store.write([&](lmdb::WriteTxn& txn) { store.remove(txn, quads_from(0, 100)); });
    }
    go.send(1);
    int status = 0;
    ::waitpid(child, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    std::vector<std::uint64_t> counts;
    result.close_write();
    while (auto n = result.receive())
        counts.push_back(*n);
    CHECK(counts == std::vector<std::uint64_t>{1000, 1000, 1000, 1000, 1400, 1400});
}
