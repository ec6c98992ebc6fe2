#include "shell/shell.hpp"


#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <sstream>
#include <unistd.h>

namespace quarry::shell {

namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string seconds_text(double seconds) { return fmt::format("{:.3f} s", seconds); }

// A dot-command: its name, arguments, help, and what it does.
struct Command {
    const char* name;
    const char* arguments;
    const char* help;
    std::size_t min_args, max_args;
    std::function<bool(Shell&, const std::vector<std::string>&, const std::filesystem::path&)> run;
};

} // namespace

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}


std::optional<std::string> nearest_word(const std::string& word, const std::vector<std::string>& words, std::size_t below) {
    std::optional<std::string> nearest;
    for (const std::string& candidate : words)
        if (const std::size_t d = edit_distance(word, candidate); d < below) {
            below = d;
            nearest = candidate;
        }
    return nearest;
}

std::optional<std::string> statement_hint(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto start = lower.find_first_not_of(" \t\r\n");
    if (start == std::string::npos)
        return std::nullopt;
    lower = lower.substr(start);
    const std::string first = lower.substr(0, lower.find_first_of(" \t\r\n("));
    const bool arrows = lower.find(")-[") != std::string::npos || lower.find("]->") != std::string::npos ||
                        lower.find("<-[") != std::string::npos || lower.find(")-->(") != std::string::npos;
    if (first == "insert" || first == "create" || first == "merge")
        return "did you mean add? Facts are added as tuples: add (Khaji, met, Lavrov);";
    if (first == "delete" || first == "detach")
        return "did you mean remove? remove (Khaji, met, Lavrov); removes a fact";
    if (first == "select" || first == "construct" || first == "ask" || first == "describe")
        return "did you mean match? match (?s, met, ?o) return ?s, ?o;";
    if (arrows)
        return "patterns are tuples, not arrows: did you mean match (?a, met, ?b) return ?a, ?b;?";
    if (first == "remove" && lower.find(" where ") != std::string::npos && lower.find(" match ") == std::string::npos)
        return "a remove with a condition needs a match: remove (?s, met, ?o) match (?s, met, ?o) where …;";
    return std::nullopt;
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::optional<std::chrono::milliseconds> parse_milliseconds(const std::string& text) {
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    return std::chrono::milliseconds(std::stol(text));
}

Database& Shell::database() {
    if (!db_)
        throw std::runtime_error("no database is open (.open FILE opens one)");
    return *db_;
}

Shell::~Shell() {
    if (db_ && db_->in_transaction())
        std::cerr << "Warning: a transaction (begin) was left open at exit: its changes were not stored.\n";
    db_.reset();
    if (!temporary_dir_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(temporary_dir_, ignored);
    }
}

void Shell::open(const std::optional<std::filesystem::path>& path) {
    // The new database is opened before the old one is let go: if it cannot be opened,
    // the old one stays open and in use.
    DatabaseOptions options;
    options.read_only = settings_.read_only;
    std::unique_ptr<Database> opened;
    std::filesystem::path temporary;
    if (path) {
        // One process may not hold the same file open twice (LMDB's locks would break):
        // the same database is closed first.
        std::error_code no_file;
        if (db_ && std::filesystem::equivalent(*path, db_->path(), no_file))
            db_.reset();
        opened = std::make_unique<Database>(*path, options);
    } else {
        temporary = std::filesystem::temp_directory_path() / fmt::format("quarry-{}-{}", ::getpid(), ++temporaries_);
        std::filesystem::create_directories(temporary);
        options.read_only = false;
        try {
            opened = std::make_unique<Database>(temporary / "temporary.qdb", options);
        } catch (...) {
            std::error_code ignored;
            std::filesystem::remove_all(temporary, ignored);
            throw;
        }
    }
    opened->set_busy_timeout(settings_.busy_timeout);
    if (settings_.interactive && isatty(STDERR_FILENO))
        opened->on_load_progress([this](const std::string& file, const LoadProgress& now) {
            if (!progress_) {
                std::error_code no_size;
                const auto size = std::filesystem::file_size(file, no_size);
                progress_.emplace(std::cerr, file, no_size ? 0 : size);
            }
            progress_->update(now);
        });
    db_ = std::move(opened);
    if (!temporary_dir_.empty()) {
        std::error_code ignored;
        std::filesystem::remove_all(temporary_dir_, ignored);
    }
    temporary_dir_ = temporary;
    if (!path && settings_.interactive)
        std::cerr << "Connected to a temporary database, removed at exit; .open FILE to use a "
                     "persistent one.\n";
}

void Shell::error(const std::string& message) { std::cerr << message << '\n'; }

void Shell::command_error(const std::string& message) {
    std::cerr << (command_location_.empty() ? std::string("Error: ") : command_location_) << message << '\n';
}

void Shell::print_result(StatementResult& result, std::chrono::steady_clock::time_point start) {
    // Rows are produced as they print: the time runs until the last one is out.
    auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    std::string time = settings_.timer && !result.rows ? " (" + seconds_text(seconds()) + ")" : "";
    if (result.plan) { // explain: the plan's lines as they are
        while (auto row = result.rows->next())
            output() << (*row)[0]->text() << '\n';
        return;
    }
    if (result.rows) {
        RenderOptions options;
        options.width = settings_.width;
        options.headers = settings_.headers;
        options.null_value = settings_.null_value;
        options.max_rows = settings_.max_rows;
        if (settings_.prefixes && settings_.mode == Mode::TABLE)
            options.prefixes = database().prefixes();
        options.stop = &interrupted_;
        const std::size_t count = render(*result.rows, settings_.mode, output(), options);
        output().flush();
        time = settings_.timer ? " (" + seconds_text(seconds()) + ")" : "";
        if (settings_.mode == Mode::TABLE)
            output() << plural(count, "row", "rows")
                     << (settings_.max_rows > 0 && count > settings_.max_rows
                             ? fmt::format(", {} shown (.maxrows)", settings_.max_rows)
                             : std::string())
                     << time << '\n';
        else if (settings_.timer)
            std::cerr << "Run time: " << seconds_text(seconds()) << '\n';
        return;
    }
    const bool counts = result.kind == StatementKind::ADD || result.kind == StatementKind::LOAD ||
                        result.kind == StatementKind::REMOVE;
    // What a rule statement did is its output, in scripts too.
    if (result.kind == StatementKind::RULE || result.kind == StatementKind::DROP_RULE) {
        output() << result.message << time << '\n';
        return;
    }
    // In a script, the statements of a transaction report once, at its commit.
    if (!database().in_transaction() && result.kind != StatementKind::COMMIT)
        pending_ = {};
    if (counts && !settings_.interactive && database().in_transaction()) {
        pending_.added += result.added;
        pending_.already_present += result.already_present;
        pending_.removed += result.removed;
        pending_.derived += result.derived;
        pending_.retracted += result.retracted;
        pending_.kinds |= result.kind == StatementKind::REMOVE ? 2 : 1;
        return;
    }
    Pending done = pending_;
    pending_ = {};
    if (counts) {
        done = {result.added,   result.already_present, result.removed,
                result.derived, result.retracted,       result.kind == StatementKind::REMOVE ? 2u : 1u};
    } else if (result.kind != StatementKind::COMMIT || done.kinds == 0) {
        if (settings_.interactive && !result.message.empty())
            output() << result.message << time << '\n';
        return;
    }
    std::string line;
    if (done.kinds & 1) {
        line = plural(done.added, "fact", "facts") + " added";
        if (done.already_present)
            line += fmt::format(", {} already present", done.already_present);
    }
    if (done.kinds & 2)
        line += (line.empty() ? "" : ", ") + plural(done.removed, "fact", "facts") + " removed";
    std::string by_rules;
    if (done.derived)
        by_rules = plural(done.derived, "fact", "facts") + " derived";
    if (done.retracted)
        by_rules += (by_rules.empty() ? "" : ", ") + plural(done.retracted, "fact", "facts") +
                    " no longer " + (done.retracted == 1 ? "holds" : "hold");
    if (!by_rules.empty())
        line += " (rules: " + by_rules + ")";
    output() << line << time << '\n';
}

bool Shell::run_statements(const std::string& text, std::size_t first_line, const std::string& name,
                           const std::filesystem::path& base_dir) {
    // Blank lines in front keep the statements' line numbers those of the whole script.
    const Script script(std::string(first_line - 1, '\n') + text);
    bool ok = true;
    RunOptions run_options;
    run_options.base_dir = base_dir;
    if (settings_.explain)
        run_options.explain = RunOptions::Explain::PLAN;
    for (std::size_t index = 0; index < script.size(); ++index) {
        const Script::Statement statement = script[index];
        const auto start = std::chrono::steady_clock::now();
        interrupted_.store(false);
        try {
            StatementResult result = database().run(script, index, run_options);
            for (const std::string& note : result.notes)
                error("note: " + note);
            print_result(result, start);
        } catch (const ParseError& e) {
            error(settings_.interactive ? e.render("Error: ") : e.render_in(name));
            if (const auto hint = statement_hint(statement.text))
                error("hint: " + *hint);
            ok = false;
        } catch (const Cancelled&) {
            progress_.reset();
            const bool load = statement.kind == StatementKind::LOAD;
            error(load && !database().in_transaction() ? "Cancelled: nothing of the load was stored." : "Cancelled.");
            ok = false;
        } catch (const std::exception& e) {
            error(fmt::format("{}:{}:{}: {}", name, statement.position.line, statement.position.column, e.what()));
            ok = false;
        }
        progress_.reset();
        output().flush();
        if (once_) {
            once_ = false;
            output_.reset();
        }
        if (!ok && settings_.bail)
            return false;
    }
    return ok;
}

bool Shell::run_source(const std::string& text, const std::string& name, const std::filesystem::path& base_dir) {
    // Dot-commands are lines that start with '.' where no statement is under way.
    bool ok = true;
    std::string pending;
    std::size_t pending_line = 1;
    std::size_t line_number = 0;
    std::istringstream lines(text);
    std::string line;
    auto flush = [&] {
        if (pending.find_first_not_of(" \t\r\n") != std::string::npos)
            ok = run_statements(pending, pending_line, name, base_dir) && ok;
        pending.clear();
    };
    while (std::getline(lines, line)) {
        ++line_number;
        if (!line.empty() && line[0] == '.' && Script::is_complete(pending)) {
            flush();
            if (settings_.bail && !ok)
                return false;
            command_location_ = settings_.interactive ? "" : fmt::format("{}:{}:1: ", name, line_number);
            const bool command_ok = run_command(line, base_dir);
            command_location_.clear();
            if (!command_ok) {
                ok = false;
                if (settings_.bail)
                    return false;
            }
            if (quit_)
                return ok;
            pending_line = line_number + 1;
            continue;
        }
        if (pending.empty())
            pending_line = line_number;
        pending += line + "\n";
    }
    flush();
    return ok;
}

namespace {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"help", "", "show this list", 0, 0,
         [](Shell& shell, const std::vector<std::string>&, const std::filesystem::path&) {
             for (const Command& c : commands())
                 shell.output() << fmt::format(".{:<13} {:<8} {}\n", c.name, c.arguments, c.help);
             return true;
         }},
        {"quit", "", "leave the shell", 0, 0, [](Shell&, const auto&, const auto&) { return true; }},
        {"open", "PATH", "open another database file (created if missing)", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             shell.open(std::filesystem::path(args[0]));
             return true;
         }},
        {"read", "FILE", "run a script, or load a data file (.nq .nt .ttl .trig .jsonl .csv .tsv)", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path& base) {
             std::filesystem::path file = args[0];
             if (file.is_relative() && !base.empty())
                 file = base / file;
             // A data file is loaded as the load statement does: one transaction.
             if (const std::string ext = file.extension().string(); ext.size() > 1) {
                 if (const auto format = import_format(ext.substr(1))) {
                     LoadOptions options;
                     options.format = *format;
                     std::optional<ProgressLine> progress;
                     if (shell.settings().interactive && isatty(STDERR_FILENO)) {
                         std::error_code no_size;
                         const auto size = std::filesystem::file_size(file, no_size);
                         progress.emplace(std::cerr, file.string(), no_size ? 0 : size);
                         options.progress = [&](const LoadProgress& now) { progress->update(now); };
                     }
                     const auto start = std::chrono::steady_clock::now();
                     LoadSummary summary;
                     try {
                         summary = shell.database().load(file, options);
                     } catch (const Cancelled&) {
                         progress.reset();
                         shell.command_error("cancelled: nothing of " + file.string() + " was stored");
                         return false;
                     }
                     progress.reset();
                     StatementResult result;
                     result.kind = StatementKind::LOAD;
                     result.added = summary.added;
                     result.already_present = summary.already_present;
                     shell.print_result(result, start);
                     return true;
                 }
             }
             const auto text = read_text(file);
             if (!text) {
                 shell.command_error("cannot read " + file.string());
                 return false;
             }
             if (shell.read_depth() >= Shell::MAX_READ_DEPTH) {
                 shell.command_error(fmt::format("scripts nest more than {} deep: does {} read itself?",
                                                 Shell::MAX_READ_DEPTH, file.string()));
                 return false;
             }
             struct Nested {
                 int& depth;
                 ~Nested() { --depth; }
             } nested{++shell.read_depth()};
             return shell.run_source(*text, file.string(), file.parent_path());
         }},
        {"mode", "MODE", "show results as table, csv, tsv, json, jsonl, line or markdown", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             return parse_mode(args[0], shell.settings().mode);
         }},
        {"headers", "on|off", "header rows in csv, tsv and markdown results", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             if (args[0] != "on" && args[0] != "off")
                 return false;
             shell.settings().headers = args[0] == "on";
             return true;
         }},
        {"nullvalue", "TEXT", "how unbound values print (default: nothing)", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             shell.settings().null_value = args[0];
             return true;
         }},
        {"maxrows", "N", "print at most N rows of a result (0: all)", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             if (args[0].empty() || args[0].size() > 12 || args[0].find_first_not_of("0123456789") != std::string::npos)
                 return false;
             shell.settings().max_rows = std::stoull(args[0]);
             return true;
         }},
        {"timer", "on|off", "show the time each statement takes", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             if (args[0] != "on" && args[0] != "off")
                 return false;
             shell.settings().timer = args[0] == "on";
             return true;
         }},
        {"output", "[FILE]", "send results to FILE, or back to the screen", 0, 1,
         [](Shell&, const std::vector<std::string>&, const std::filesystem::path&) { return true; }},
        {"once", "FILE", "send the next statement's results to FILE", 1, 1,
         [](Shell&, const std::vector<std::string>&, const std::filesystem::path&) { return true; }},
        {"busy_timeout", "MS", "how long a write waits for another process's to end (default 5000)", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             const auto timeout = parse_milliseconds(args[0]);
             if (!timeout)
                 return false;
             shell.settings().busy_timeout = *timeout;
             shell.database().set_busy_timeout(*timeout);
             return true;
         }},
        {"stats", "", "facts, terms and size of the database", 0, 0,
         [](Shell& shell, const auto&, const auto&) {
             const auto stats = shell.database().statistics();
             shell.output() << fmt::format("facts: {}\nterms: {}\npredicates: {}\ncontexts: {}\nfile: {} bytes",
                                      stats.facts, stats.terms, stats.predicates.size(), stats.contexts.size(),
                                      stats.file_bytes);
             if (stats.facts > 0)
                 shell.output() << fmt::format(" ({:.1f} bytes per fact)", static_cast<double>(stats.file_bytes) / stats.facts);
             shell.output() << '\n';
             return true;
         }},
        {"predicates", "", "predicates with their numbers of facts", 0, 0,
         [](Shell& shell, const auto&, const auto&) {
             for (const auto& p : shell.database().statistics().predicates)
                 shell.output() << fmt::format("{}\t{}\n", format_term(p.term), p.facts);
             return true;
         }},
        {"contexts", "", "contexts with their numbers of facts", 0, 0,
         [](Shell& shell, const auto&, const auto&) {
             for (const auto& [term, facts] : shell.database().statistics().contexts)
                 shell.output() << fmt::format("{}\t{}\n", format_term(term), facts);
             return true;
         }},
        {"prefixes", "[on|off]", "the declared prefixes; on|off: whether tables shorten IRIs with them", 0, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             if (!args.empty()) {
                 if (args[0] != "on" && args[0] != "off")
                     return false;
                 shell.settings().prefixes = args[0] == "on";
                 return true;
             }
             for (const auto& [name, iri] : shell.database().prefixes())
                 shell.output() << fmt::format("{}: <{}>\n", name, iri);
             return true;
         }},
        {"rules", "", "the rules, as stored", 0, 0,
         [](Shell& shell, const auto&, const auto&) {
             for (const auto& [name, text] : shell.database().rules())
                 shell.output() << text << ";\n";
             return true;
         }},
        {"explain", "on|off", "show the plan of every match instead of its rows", 1, 1,
         [](Shell& shell, const std::vector<std::string>& args, const std::filesystem::path&) {
             if (args[0] != "on" && args[0] != "off")
                 return false;
             shell.settings().explain = args[0] == "on";
             return true;
         }},
        {"schema", "", "predicates, their counts and the kinds of their objects", 0, 0,
         [](Shell& shell, const auto&, const auto&) {
             for (const auto& p : shell.database().statistics().predicates) {
                 std::string kinds;
                 for (const auto kind : p.object_kinds)
                     kinds += (kinds.empty() ? "" : ", ") + std::string(kind_name(kind));
                 shell.output() << fmt::format("{}: {} facts, {} subjects, {} objects ({})\n", format_term(p.term),
                                          p.facts, p.distinct_subjects, p.distinct_objects, kinds);
             }
             return true;
         }},
    };
    return table;
}

std::vector<std::string> words_of(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> words;
    for (std::string word; in >> word;)
        words.push_back(word);
    return words;
}

} // namespace

std::vector<std::string> Shell::command_names() {
    std::vector<std::string> names;
    for (const Command& c : commands())
        names.push_back(std::string(".") + c.name);
    return names;
}

const std::vector<std::string>& Shell::keywords() {
    static const std::vector<std::string> words = {
        "add", "remove", "match", "where", "return", "order", "by", "limit", "offset", "optional",
        "not", "or", "and", "in", "as", "asc", "desc", "distinct", "prefix", "load", "into",
        "export", "from", "begin", "commit", "rollback", "explain", "analyze", "default", "true",
        "false", "count", "sum", "avg", "min", "max", "contains", "starts_with", "ends_with",
        "matches", "lower", "upper", "length", "str", "lang", "year", "month", "day", "bound",
        "is_name", "is_string", "is_number", "is_date", "is_iri", "rule", "if", "drop", "why",
        "asserted"};
    return words;
}

bool Shell::run_command(const std::string& line, const std::filesystem::path& base_dir) {
    std::vector<std::string> words = words_of(line.substr(1));
    if (words.empty()) {
        command_error("a dot-command needs a name: .help lists them");
        return false;
    }
    const std::string name = words[0];
    words.erase(words.begin());
    const Command* found = nullptr;
    for (const Command& c : commands())
        if (name == c.name)
            found = &c;
    if (!found) {
        std::vector<std::string> names;
        for (const Command& c : commands())
            names.push_back(c.name);
        const auto nearest = nearest_word(name, names, 3);
        command_error("unknown command ." + name +
                      (nearest ? "; did you mean ." + *nearest + "?" : std::string("; .help lists them")));
        return false;
    }
    const std::string usage = fmt::format("Usage: .{} {}", found->name, found->arguments);
    if (words.size() < found->min_args || words.size() > found->max_args) {
        command_error(usage);
        return false;
    }
    if (name == "quit") {
        quit_ = true;
        return true;
    }
    if (name == "output" || name == "once") {
        once_ = name == "once";
        if (words.empty()) {
            output_.reset();
            return true;
        }
        std::filesystem::path file = words[0];
        if (file.is_relative() && !base_dir.empty())
            file = base_dir / file;
        auto stream = std::make_unique<std::ofstream>(file, std::ios::binary);
        if (!*stream) {
            command_error("cannot write " + file.string());
            return false;
        }
        output_ = std::move(stream);
        return true;
    }
    try {
        if (!found->run(*this, words, base_dir)) {
            if (name != "read")
                command_error(usage);
            return false;
        }
    } catch (const std::exception& e) {
        command_error(e.what());
        return false;
    }
    return true;
}

} // namespace quarry::shell
