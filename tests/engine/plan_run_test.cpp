// A plan is immutable once made, and each run has its own context and operator state: one
// plan, run by two threads at once, gives each thread the rows a run alone gives.

#include "engine/internals.hpp"
#include "engine/statements.hpp"
#include "parser/validate.hpp"
#include "tests/support/rows_text.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <atomic>
#include <random>
#include <thread>

using namespace quarry;
using quarry::testing::TempDir;

namespace {

void fill(Database& db) {
    std::mt19937_64 random(29);
    const auto person = [&] {
        const std::uint64_t a = random() % 400, b = random() % 400;
        return Term::name(fmt::format("person {}", std::min(a, b)));
    };
    std::vector<Fact> facts;
    for (int i = 0; i < 4000; ++i)
        facts.push_back({person(), Term::name("met"), person(),
                         Term::name(fmt::format("city {}", random() % 4))});
    for (int i = 0; i < 800; ++i) {
        facts.push_back(
            {person(), Term::name("member_of"), Term::name(fmt::format("org {}", random() % 12))});
        facts.push_back(
            {person(), Term::name("age"), Term::integer(static_cast<std::int64_t>(random() % 90))});
    }
    for (int i = 0; i < 200; ++i)
        facts.push_back({Term::name(fmt::format("place {}", i)), Term::name("located_in"),
                         Term::name(fmt::format("place {}", i / 3))});
    db.add(facts);
}

// A plan of `text` made in its own read transaction (parameters take the first slots).
std::shared_ptr<const engine::QueryPlan> plan(Database& db,
                                              const parser::ParsedStatements& parsed) {
    const storage::Store& store = engine::store_of(db);
    const auto txn = store.begin_read();
    static const std::atomic<bool> cancelled{false};
    engine::ExecContext context(store, txn, cancelled);
    const parser::ast::Query& query = *parsed.statements()[0].statement->query;
    return engine::plan_query(context, query, engine::load_prefixes(store, txn), {},
                              parser::parameters(query));
}

// The rows of one run of `plan`, in a transaction and context of its own, the first slot
// holding `parameter` if given.
std::vector<std::string> run(Database& db, const std::shared_ptr<const engine::QueryPlan>& plan,
                             const std::optional<Term>& parameter) {
    const storage::Store& store = engine::store_of(db);
    auto txn = std::make_shared<storage::lmdb::ReadTxn>(store.begin_read());
    static const std::atomic<bool> cancelled{false};
    auto context = std::make_unique<engine::ExecContext>(store, *txn, cancelled);
    std::vector<engine::TermId> inputs;
    if (parameter) {
        inputs.assign(plan->width, engine::UNBOUND);
        const auto id = context->find(*parameter);
        inputs[0] = id ? *id : context->unstored_id(*parameter);
    }
    engine::QueryRun rows(plan, std::move(context), txn, inputs);
    return quarry::testing::rows_text(rows);
}

} // namespace

TEST_CASE("one plan run by two threads at once gives each the rows of a run alone",
          "[engine][plan]") {
    TempDir dir;
    Database db(dir.file("graph.qdb"), DatabaseOptions{.no_sync = true});
    fill(db);
    struct Case {
        std::string text;
        std::optional<Term> parameter;
    };
    const std::vector<Case> cases = {
        {"match (?a, met, ?b), (?b, member_of, ?o) return ?o, count(*), count(distinct ?a) order by ?o",
         {}},
        {"match (?a, met, ?b), (?b, met, ?c), (?c, met, ?a) return count(*)", {}},
        {"match (?a, met, ?b) return distinct ?b order by ?b limit 50", {}},
        {"match (?a, age, ?n), optional (?a, member_of, ?o) where ?n > 40 return ?a, ?o order by ?a, ?o",
         {}},
        {"match (?a, met, ?b) where not exists { (?b, member_of, ?o) } return ?b, count(*) order by ?b",
         {}},
        {"match (?p, located_in+, ?q) return count(*)", {}},
        {"match ($who, met, ?b) or ($who, member_of, ?b), (?b, met, ?c) return ?b order by ?b",
         Term::name("person 3")},
        {"match (?a, met, ?b), (?b, met, ?c) return ?c, count(*) order by ?c", {}},
        {"match (?a, met, ?b) where ?b in (match (?x, member_of, `org 3`) return ?x) "
         "return ?a, count(*) order by ?a",
         {}},
        {"match (?a, age, ?n) where ?n > (match (?x, age, ?m) return avg(?m)) return count(*)", {}},
        {"match (?a, met/met, ?b, ?c) return ?c, count(*) order by ?c", {}},
        {"match (`place 40`, located_in{1,2}, ?q) return ?q order by ?q", {}},
    };
    for (const Case& c : cases) {
        INFO(c.text);
        const parser::ParsedStatements parsed = parser::parse(c.text);
        REQUIRE(!parsed.first_error());
        const auto shared = plan(db, parsed);
        const std::vector<std::string> alone = run(db, shared, c.parameter);
        REQUIRE(!alone.empty());
        // The same rows as the plan the database makes itself.
        if (!c.parameter)
            CHECK(alone == quarry::testing::rows_text(db, c.text));
        std::vector<std::string> first, second;
        std::atomic<int> ready{0};
        const auto repeat = [&](std::vector<std::string>& out) {
            ++ready;
            while (ready < 2) {
            }
            for (int i = 0; i < 5; ++i) {
                out = run(db, shared, c.parameter);
                if (out != alone)
                    return;
            }
        };
        std::thread a(repeat, std::ref(first));
        std::thread b(repeat, std::ref(second));
        a.join();
        b.join();
        CHECK(first == alone);
        CHECK(second == alone);
    }
}
