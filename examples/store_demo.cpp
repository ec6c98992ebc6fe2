// A tour of the storage engine on facts from the Astana article
// (../shared/seed/article.txt): stores them, then answers a few questions with pattern
// scans and prints the statistics the planner will use.
//
//   quarry-store-demo [DB]     DB defaults to a temporary file, removed at exit

#include "storage/store.hpp"
#include "engine/terms.hpp"

#include <fmt/format.h>
#include <fmt/std.h>

#include <cstdio>
#include <unistd.h>
#include <filesystem>
#include <string>
#include <vector>

using namespace quarry::storage;
using quarry::engine::format_term;

namespace {

struct Fact {
    Term subject, predicate, object, context;
};

Term n(const char* text) { return Term::name(text); }

std::vector<Fact> article_facts() {
    const Term none = Term::default_context();
    const Term astana = n("Astana"), riyadh = n("Riyadh"), tehran = n("Tehran");
    return {
        {n("Ali Asghar Khaji"), n("role"), n("senior adviser to the foreign minister"), none},
        {n("Ali Asghar Khaji"), n("works_for"), n("Iran"), none},
        {n("Ali Asghar Khaji"), n("met"), n("Syrian delegation"), astana},
        {n("Ali Asghar Khaji"), n("met"), n("chief negotiator of Syria"), astana},
        {n("Iranian delegation"), n("met"), n("Syrian delegation"), astana},
        {n("Iranian delegation"), n("met"), n("Russian delegation"), astana},
        {n("Iranian delegation"), n("met"), n("Turkish delegation"), astana},
        {n("Syrian delegation"), n("part_of"), n("Syria"), none},
        {n("chief negotiator of Syria"), n("part_of"), n("Syrian delegation"), none},
        {n("22nd Astana meeting"), n("date"), Term::date(2024, 11, 12), astana},
        {n("22nd Astana meeting"), n("part_of"), n("Astana talks"), none},
        {n("Astana talks"), n("round"), Term::integer(22), none},
        {n("Astana talks"), n("launched"), Term::integer(2017), none},
        {n("Astana talks"), n("guarantor"), n("Iran"), none},
        {n("Astana talks"), n("guarantor"), n("Türkiye"), none},
        {n("Astana talks"), n("guarantor"), n("Russia"), none},
        {n("Astana talks"), n("goal"), Term::string("resolve the Syrian civil war", "en"), none},
        {n("Syrian civil war"), n("began"), Term::integer(2011), none},
        {n("Astana"), n("capital_of"), n("Kazakhstan"), none},
        {n("Astana"), n("located_in"), n("Kazakhstan"), none},
        {n("Kazakhstan"), n("located_in"), n("Central Asia"), none},
        {n("Riyadh"), n("capital_of"), n("Saudi Arabia"), none},
        {n("Riyadh"), n("located_in"), n("Saudi Arabia"), none},
        {n("Tehran"), n("capital_of"), n("Iran"), none},
        {n("Tehran"), n("located_in"), n("Iran"), none},
        {n("Damascus"), n("capital_of"), n("Syria"), none},
        {n("Saudi Arabia"), n("located_in"), n("Middle East"), none},
        {n("Iran"), n("located_in"), n("Middle East"), none},
        {n("Syria"), n("located_in"), n("Middle East"), none},
        {n("IRNA"), n("kind"), n("state news agency"), none},
        {n("IRNA"), n("based_in"), n("Iran"), none},
        {n("IRNA"), n("reported"), n("22nd Astana meeting"), none},
        {n("Mohammad Reza Aref"), n("role"), n("Vice-President"), none},
        {n("Mohammad Reza Aref"), n("works_for"), n("Iran"), none},
        {n("Mohammad Reza Aref"), n("invited"), n("Mohammed bin Salman"), riyadh},
        {n("Mohammad Reza Aref"), n("met"), n("Mohammed bin Salman"), riyadh},
        {n("Mohammad Reza Aref"), n("said"),
         Term::string("There is no doubt that the benefits of this deepening of relations will "
                      "not only include Iran and Saudi Arabia",
                      "en"),
         riyadh},
        {n("Mohammed bin Salman"), n("role"), n("Crown Prince"), none},
        {n("Mohammed bin Salman"), n("works_for"), n("Saudi Arabia"), none},
        {n("Mohammed bin Salman"), n("invited_to"), tehran, none},
        {n("Organization of Islamic Cooperation"), n("held"), n("extraordinary meeting"), riyadh},
        {n("Arab League"), n("held"), n("extraordinary meeting"), riyadh},
        {n("Iran"), n("reconciled_with"), n("Saudi Arabia"), none},
        {n("Iran"), n("met"), n("Iraqi officials"), tehran},
        {n("Al-Akhbar"), n("kind"), n("newspaper"), none},
        {n("Al-Akhbar"), n("based_in"), n("Lebanon"), none},
        {n("Al-Akhbar"), n("affiliated_with"), n("Hezbollah"), none},
        {n("Iraq"), n("plans"), n("Arab summit"), none},
        {n("Al-Akhbar"), n("reported"), n("Arab summit"), none},
    };
}

// Prints the facts matching (s, p, o, c), where an empty optional is an open position.
void show(const Store& store, const lmdb::Txn& txn, const char* question,
          std::array<std::optional<Term>, 4> pattern_terms) {
    QuadPattern pattern;
    std::string shown;
    for (unsigned pos = 0; pos < 4; ++pos) {
        shown += pos ? ", " : "(";
        if (!pattern_terms[pos]) {
            shown += "?";
            continue;
        }
        shown += format_term(*pattern_terms[pos]);
        const auto id = store.find(txn, *pattern_terms[pos]);
        if (!id) {
            fmt::print("{} nothing: {} is not stored\n\n", question,
                       format_term(*pattern_terms[pos]));
            return;
        }
        pattern.terms[pos] = *id;
    }
    const Permutation perm = choose_permutation(pattern.bound_mask());
    fmt::print("{}\n  pattern {}) → index {}, estimate {}\n", question, shown,
               permutation_name(perm), store.estimate(txn, pattern));
    QuadScan scan = store.scan(txn, pattern);
    std::size_t rows = 0;
    while (auto quad = scan.next()) {
        fmt::print("  {} | {} | {} | {}\n", format_term(store.resolve(txn, (*quad)[S])),
                   format_term(store.resolve(txn, (*quad)[P])),
                   format_term(store.resolve(txn, (*quad)[O])),
                   format_term(store.resolve(txn, (*quad)[C])));
        ++rows;
    }
    fmt::print("  {} {}\n\n", rows, rows == 1 ? "fact" : "facts");
}

int run(const std::filesystem::path& path) {
    Store store(path);
    const auto facts = article_facts();
    const AddResult result = store.write([&](lmdb::WriteTxn& txn) {
        std::vector<Quad> quads;
        for (const Fact& fact : facts)
            quads.push_back({store.intern(txn, fact.subject), store.intern(txn, fact.predicate),
                             store.intern(txn, fact.object), store.intern(txn, fact.context)});
        return store.add(txn, quads);
    });
    fmt::print("Quarry storage demo: {}\n", path.string());
    fmt::print("Stored the Astana article: {} facts added, {} already present.\n\n",
               result.added, result.already_present);

    auto txn = store.begin_read();
    show(store, txn, "Who met whom in Astana?", {std::nullopt, n("met"), std::nullopt, n("Astana")});
    show(store, txn, "What do we know about Mohammad Reza Aref?",
         {n("Mohammad Reza Aref"), std::nullopt, std::nullopt, std::nullopt});
    show(store, txn, "Who are the guarantors of the Astana talks?",
         {n("Astana talks"), n("guarantor"), std::nullopt, std::nullopt});
    show(store, txn, "What happened in Riyadh?",
         {std::nullopt, std::nullopt, std::nullopt, n("Riyadh")});
    show(store, txn, "What is related to Iran as an object?",
         {std::nullopt, std::nullopt, n("Iran"), std::nullopt});

    fmt::print("Statistics: {} facts, {} dictionary terms\n", store.fact_count(txn),
               store.dictionary().size(txn));
    fmt::print("  {:<20} {:>6} {:>9} {:>8}\n", "predicate", "facts", "subjects", "objects");
    store.statistics().for_each_predicate(txn, [&](TermId id, const PredicateStats& stats) {
        fmt::print("  {:<20} {:>6} {:>9} {:>8}\n", format_term(store.resolve(txn, id)),
                   stats.facts, stats.distinct_subjects, stats.distinct_objects);
    });
    fmt::print("  {:<20} {:>6}\n", "context", "facts");
    store.statistics().for_each_context(txn, [&](TermId id, std::uint64_t count) {
        fmt::print("  {:<20} {:>6}\n", format_term(store.resolve(txn, id)), count);
    });
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc > 2 || (argc == 2 && (std::string(argv[1]) == "-h" || std::string(argv[1]) == "--help"))) {
        std::fprintf(stderr, "usage: quarry-store-demo [DB]\n"
                             "Stores facts from the Astana article in DB (default: a temporary "
                             "file) and queries them.\n");
        return argc == 2 ? 0 : 2;
    }
    std::filesystem::path temp_dir;
    std::filesystem::path path;
    if (argc == 2) {
        path = argv[1];
    } else {
        temp_dir = std::filesystem::temp_directory_path() /
                   fmt::format("quarry-demo-{}", static_cast<unsigned>(::getpid()));
        std::filesystem::create_directories(temp_dir);
        path = temp_dir / "astana.qdb";
    }
    int status = 1;
    try {
        status = run(path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "quarry-store-demo: %s\n", e.what());
    }
    if (!temp_dir.empty())
        std::filesystem::remove_all(temp_dir);
    return status;
}
