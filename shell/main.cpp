// quarry: the command-line shell.
//
//   quarry [DB] [SCRIPT…] [-c STATEMENTS] [--mode MODE] [--readonly] [--bail] [--busy-timeout MS]
//   quarry load DB FILE…  |  quarry export DB [FILE|-]  |  quarry dump DB FILE.qdump
//   quarry restore DB FILE.qdump  |  quarry stats DB
//   quarry --help | --version      (each command also takes --help)

#include "shell/progress.hpp"
#include "shell/repl.hpp"
#include "shell/shell.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <unistd.h>

namespace po = boost::program_options;
using namespace quarry;
using namespace quarry::shell;

namespace {

const char* const USAGE = R"(Usage:
  quarry [DB] [SCRIPT.qry…] [-c STATEMENTS] [options]
  quarry load DB FILE…     quarry export DB [FILE|-]   quarry dump DB FILE.qdump
  quarry restore DB FILE.qdump                          quarry stats DB
  quarry COMMAND --help    the options of one command

Opens DB (one file, created if missing; conventionally *.qdb) and runs the scripts, then
the statements of -c; with neither, reads statements from standard input, interactively
on a terminal. Without DB, with DB :memory: (as in sqlite3), or when the first argument
is a .qry script, the database is temporary and removed at exit. First, unless -q, runs
~/.quarryrc (or --init FILE). The exit status is 0 only if every statement succeeded.
sqlite3's spellings -csv -json -line -markdown -header -noheader -cmd -init -bail -readonly
are accepted.

Options)";

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// --context NAME: `default`, <iri> or a name.
Term context_term(const std::string& text) {
    if (text == "default")
        return Term::default_context();
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>')
        return Term::iri(text.substr(1, text.size() - 2));
    return Term::name(text);
}

// 64M, 1G, 512K or bytes.
std::optional<std::size_t> parse_size(const std::string& text) {
    std::size_t used = 0;
    unsigned long long value = 0;
    try {
        value = std::stoull(text, &used);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    const std::string unit = text.substr(used);
    const unsigned long long scale = unit.empty() ? 1 : unit == "K" || unit == "k" ? 1ULL << 10
                                   : unit == "M" || unit == "m" ? 1ULL << 20 : unit == "G" || unit == "g" ? 1ULL << 30 : 0;
    if (scale == 0)
        return std::nullopt;
    return static_cast<std::size_t>(value * scale);
}

// True if `path` exists; otherwise says so on stderr. For commands that only read a database.
bool database_exists(const std::string& path) {
    if (std::filesystem::exists(path))
        return true;
    std::cerr << "quarry: " << path << ": no such database\n";
    return false;
}

// True if `path` is an LMDB file (a database, not a script): LMDB's magic at byte 16.
bool is_database_file(const std::string& path) {
    if (ends_with(path, ".qdb"))
        return true;
    std::ifstream in(path, std::ios::binary);
    unsigned char header[20] = {};
    in.read(reinterpret_cast<char*>(header), sizeof header);
    return in.gcount() == sizeof header && header[16] == 0xDE && header[17] == 0xC0 && header[18] == 0xEF &&
           header[19] == 0xBE;
}

// sqlite3's single-dash options, as quarry spells them.
const std::map<std::string, std::vector<std::string>>& sqlite_spellings() {
    static const std::map<std::string, std::vector<std::string>> table = {
        {"-csv", {"--mode", "csv"}},       {"-json", {"--mode", "json"}},     {"-line", {"--mode", "line"}},
        {"-markdown", {"--mode", "markdown"}}, {"-table", {"--mode", "table"}}, {"-header", {"--headers", "on"}},
        {"-headers", {"--headers", "on"}}, {"-noheader", {"--headers", "off"}}, {"-cmd", {"-c"}},
        {"-init", {"--init"}},             {"-bail", {"--bail"}},             {"-readonly", {"--readonly"}},
        {"-version", {"--version"}},       {"-help", {"--help"}}};
    return table;
}

// Options whose value is the next argument (which is then passed on as it is).
bool takes_value(const std::string& option) {
    static const char* const WITH_VALUE[] = {"-c", "--command", "--mode", "--format", "--context", "--memory", "--base",
                                             "--busy-timeout", "--init", "--headers"};
    for (const char* name : WITH_VALUE)
        if (option == name)
            return true;
    return false;
}

// Rewrites sqlite3's spellings into quarry's; an unknown word after a single dash (which
// would otherwise be read as -c with the rest as its value) is an error.
std::optional<std::vector<std::string>> normalize(int argc, char** argv) {
    std::vector<std::string> out;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-') {
            const auto found = sqlite_spellings().find(arg);
            if (found == sqlite_spellings().end()) {
                std::cerr << "quarry: unknown option '" << arg << "' (quarry's options start with --; "
                          << "-c takes its statements as the next argument)\nTry 'quarry --help'.\n";
                return std::nullopt;
            }
            out.insert(out.end(), found->second.begin(), found->second.end());
            if (found->second.size() == 1 && takes_value(found->second[0]) && i + 1 < argc)
                out.push_back(argv[++i]);
            continue;
        }
        out.push_back(arg);
        if (takes_value(arg) && i + 1 < argc)
            out.push_back(argv[++i]);
    }
    return out;
}

// The first argument that is neither an option nor an option's value.
std::optional<std::size_t> first_positional(const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--")
            return i + 1 < args.size() ? std::optional(i + 1) : std::nullopt;
        if (args[i].size() > 1 && args[i][0] == '-') {
            if (takes_value(args[i]))
                ++i;
            continue;
        }
        return i;
    }
    return std::nullopt;
}

struct CommandLine {
    po::variables_map vm;
    std::vector<std::string> args; // positional arguments
};

// Parses `args` with `options` (and positional arguments); nullopt after printing an error
// that names `command`.
std::optional<CommandLine> parse(const std::vector<std::string>& args, const po::options_description& options,
                                 const std::string& command) {
    CommandLine line;
    po::options_description all;
    all.add(options).add_options()("args", po::value(&line.args));
    po::positional_options_description positional;
    positional.add("args", -1);
    try {
        po::store(po::command_line_parser(args).options(all).positional(positional).run(), line.vm);
        po::notify(line.vm);
    } catch (const po::unknown_option& e) {
        // An option of another command says whose it is.
        static const std::map<std::string, const char*> OWNERS = {
            {"--format", "quarry load and quarry export"}, {"--context", "quarry load and quarry export"},
            {"--skip-bad", "quarry load"}, {"--header", "quarry load"}, {"--no-header", "quarry load"},
            {"--memory", "quarry load"}, {"--base", "quarry load"}, {"-c", "the shell (quarry [DB])"}, {"--mode", "the shell (quarry [DB])"},
            {"--readonly", "the shell (quarry [DB])"}, {"--bail", "the shell (quarry [DB])"},
            {"--init", "the shell (quarry [DB])"}, {"--headers", "the shell (quarry [DB])"},
            {"--busy-timeout", "the shell and quarry load"}};
        const auto owner = OWNERS.find(e.get_option_name());
        std::cerr << command << ": " << e.what()
                  << (owner != OWNERS.end() ? std::string(", an option of ") + owner->second : std::string()) << "\nTry '"
                  << command << " --help'.\n";
        return std::nullopt;
    } catch (const po::error& e) {
        std::cerr << command << ": " << e.what() << "\nTry '" << command << " --help'.\n";
        return std::nullopt;
    }
    return line;
}

// Runs a script file; false (after saying why) if it cannot be read or a statement failed.
bool run_script(Shell& shell, const std::string& script) {
    const auto text = read_text(script);
    if (!text) {
        std::cerr << "quarry: cannot read " << script << ": " << std::strerror(errno) << '\n';
        return false;
    }
    return shell.run_source(*text, script, std::filesystem::path(script).parent_path());
}

int run_load(const std::vector<std::string>& args) {
    std::string format, context, memory = "1G", busy = "5000", base;
    bool skip_bad = false, header = false, no_header = false;
    po::options_description options("Usage: quarry load DB FILE… [options]\n\n"
                                    "Loads N-Quads, N-Triples, Turtle, TriG, JSON Lines, CSV or TSV files into DB\n"
                                    "(created if missing), each "
                                    "file in one transaction, and runs .qry scripts on it.\n\nOptions");
    options.add_options()
        ("format", po::value(&format)->value_name("F"), "nquads, ntriples, turtle, trig, jsonl, csv, tsv or qry (a script) (default: from the extension)")
        ("base", po::value(&base)->value_name("IRI"), "turtle/trig: the base of relative IRIs (default: the file's file: IRI)")
        ("context", po::value(&context)->value_name("NAME"), "the context for triples: a name, <iri> or default")
        ("skip-bad", po::bool_switch(&skip_bad), "skip malformed lines, listing the first ten (not turtle/trig)")
        ("header", po::bool_switch(&header), "csv/tsv: the first row is a header")
        ("no-header", po::bool_switch(&no_header), "csv/tsv: the first row is data (default: detected)")
        ("memory", po::value(&memory)->value_name("SIZE"), "memory for new terms and sorting (default 1G; sorts beyond it spill to $TMPDIR)")
        ("busy-timeout", po::value(&busy)->value_name("MS"), "how long to wait for another process's write (default 5000)")
        ("help,h", "show this help");
    const auto line = parse(args, options, "quarry load");
    if (!line)
        return 2;
    if (line->vm.count("help")) {
        std::cout << options;
        return 0;
    }
    if (line->args.size() < 2) {
        std::cerr << "quarry load: usage: quarry load DB FILE… (quarry load --help lists the options)\n";
        return 2;
    }
    if (header && no_header) {
        std::cerr << "quarry load: --header and --no-header contradict each other\n";
        return 2;
    }
    const auto memory_bytes = parse_size(memory);
    if (!memory_bytes) {
        std::cerr << "quarry load: --memory takes a size such as 64M or 1G, not '" << memory << "'\n";
        return 2;
    }
    const auto timeout = parse_milliseconds(busy);
    if (!timeout) {
        std::cerr << "quarry load: --busy-timeout takes milliseconds, not '" << busy << "'\n";
        return 2;
    }
    Settings settings;
    settings.busy_timeout = *timeout;
    settings.bail = true; // a script stops at its first error; its open transaction commits nothing
    if (is_memory_name(line->args[0])) {
        std::cerr << "quarry load: :memory: is a temporary database, gone when the command ends; load into a "
                     "file (quarry load DB FILE…), or use load \"FILE\"; in the shell\n";
        return 2;
    }
    Shell shell(settings);
    shell.open(std::filesystem::path(line->args[0]));
    Database& db = shell.database();
    catch_interrupts(shell); // Ctrl-C stops the load, which then stores nothing
    for (std::size_t i = 1; i < line->args.size(); ++i) {
        const std::filesystem::path file = line->args[i];
        const std::string name = !format.empty() ? format : file.extension().string().substr(file.has_extension() ? 1 : 0);
        if (name == "qry") {
            if (!run_script(shell, file.string()))
                return 1;
            if (db.in_transaction()) {
                shell.run_source("rollback;", file.string(), {});
                std::cerr << "quarry load: " << file.string() << " left a transaction open (begin without commit): "
                             "nothing of it was stored\n";
                return 1;
            }
            continue;
        }
        LoadOptions load;
        const auto import = import_format(name);
        if (!import) {
            std::cerr << "quarry load: " << file.string() << ": cannot load "
                      << (name.empty() ? "files without an extension" : name + " files")
                      << " (use --format nquads, ntriples, turtle, trig, jsonl, csv, tsv or qry)\n";
            return 1;
        }
        load.format = *import;
        if (header || no_header)
            load.header = header;
        if (!context.empty() && context != "default")
            load.context = context_term(context);
        load.skip_bad = skip_bad;
        load.base = base;
        load.memory = *memory_bytes;
        std::optional<ProgressLine> progress;
        if (isatty(STDERR_FILENO)) {
            std::error_code no_size;
            const auto size = std::filesystem::file_size(file, no_size);
            progress.emplace(std::cerr, file.string(), no_size ? 0 : size);
            load.progress = [&](const LoadProgress& now) { progress->update(now); };
        }
        LoadSummary summary;
        try {
            summary = db.load(file, load);
        } catch (const Cancelled&) {
            progress.reset();
            std::cerr << "quarry load: stopped: nothing of " << file.string() << " was stored\n";
            return 130;
        }
        progress.reset();
        std::cout << fmt::format("{}: read {}, added {}, already present {}, skipped {}\n", file.string(), summary.read,
                                 summary.added, summary.already_present, summary.skipped);
        for (const auto& skipped : summary.first_skipped)
            std::cerr << "skipped " << skipped << '\n';
        for (const auto& note : summary.notes)
            std::cerr << "note: " << note << '\n';
    }
    return 0;
}

int run_export(const std::vector<std::string>& args) {
    std::string format, context;
    bool drop_contexts = false;
    po::options_description options("Usage: quarry export DB [FILE|-] [options]\n\n"
                                    "Writes the facts of DB to FILE, or to standard output (without FILE, or -).\n\nOptions");
    options.add_options()
        ("format", po::value(&format)->value_name("F"), "nquads (default), ntriples, turtle, trig, csv, tsv or qry; default: from FILE's extension")
        ("context", po::value(&context)->value_name("NAME"), "only the facts of this context: a name, <iri> or default")
        ("drop-contexts", po::bool_switch(&drop_contexts), "ntriples, turtle: write facts of named contexts as plain triples")
        ("help,h", "show this help");
    const auto line = parse(args, options, "quarry export");
    if (!line)
        return 2;
    if (line->vm.count("help")) {
        std::cout << options;
        return 0;
    }
    const auto& positional = line->args;
    if (positional.empty() || positional.size() > 2) {
        std::cerr << "quarry export: usage: quarry export DB [FILE|-] (quarry export --help lists the options)\n";
        return 2;
    }
    if (!database_exists(positional[0]))
        return 1;
    const bool to_file = positional.size() == 2 && positional[1] != "-";
    std::string name = format;
    if (name.empty() && to_file)
        name = std::filesystem::path(positional[1]).extension().string().substr(1);
    if (name.empty())
        name = "nquads";
    const auto export_format = quarry::export_format(name);
    if (!export_format) {
        std::cerr << "quarry export: unknown format '" << name << "' (expected nquads, ntriples, turtle, trig, csv, tsv or qry)\n";
        return 2;
    }
    Database db(positional[0], DatabaseOptions{.read_only = true});
    std::optional<Term> only;
    if (!context.empty())
        only = context_term(context);
    // N-Triples and Turtle have no contexts: facts in named ones lose theirs, and only when asked to.
    std::uint64_t losing = 0;
    if (!keeps_contexts(*export_format))
        for (const auto& [term, facts] : db.statistics().contexts)
            if (term.kind() != TermKind::DEFAULT_CONTEXT && (!only || *only == term))
                losing += facts;
    if (losing > 0 && !drop_contexts) {
        std::cerr << fmt::format("quarry export: {} facts are in named contexts, which {} cannot hold; "
                                 "export them as nquads or trig, or give --drop-contexts to write them as plain "
                                 "triples\n",
                                 losing, *export_format == ExportFormat::TURTLE ? "Turtle" : "N-Triples");
        return 1;
    }
    if (to_file) {
        std::ofstream out(positional[1], std::ios::binary);
        if (!out) {
            std::cerr << "quarry export: cannot write " << positional[1] << ": " << std::strerror(errno) << '\n';
            return 1;
        }
        db.export_facts(out, *export_format, only);
        out.flush();
        if (!out)
            return 1;
    } else {
        db.export_facts(std::cout, *export_format, only);
        std::cout.flush();
        if (!std::cout)
            return 1;
    }
    if (losing > 0)
        std::cerr << fmt::format("quarry export: {} {} lost {} context (--drop-contexts)\n", losing,
                                 losing == 1 ? "fact" : "facts", losing == 1 ? "its" : "their");
    return 0;
}

// A command whose only option is --help: parses `args`, prints the help, and returns the
// positional arguments (nullopt when done, with `status` set).
std::optional<std::vector<std::string>> simple_command(const std::vector<std::string>& args, const std::string& usage,
                                                       const std::string& command, int& status) {
    po::options_description options(usage + "\n\nOptions");
    options.add_options()("help,h", "show this help");
    const auto line = parse(args, options, command);
    if (!line) {
        status = 2;
        return std::nullopt;
    }
    if (line->vm.count("help")) {
        std::cout << options;
        status = 0;
        return std::nullopt;
    }
    return line->args;
}

int run_dump(const std::vector<std::string>& args) {
    int status = 0;
    const auto positional = simple_command(args, "Usage: quarry dump DB FILE.qdump\n\n"
                                                 "Writes a binary snapshot of DB to FILE.qdump.", "quarry dump", status);
    if (!positional)
        return status;
    if (positional->size() != 2) {
        std::cerr << "quarry dump: usage: quarry dump DB FILE.qdump\n";
        return 2;
    }
    if (!database_exists((*positional)[0]))
        return 1;
    const Database db((*positional)[0], DatabaseOptions{.read_only = true});
    const auto counts = db.dump((*positional)[1]);
    std::cout << fmt::format("{}: dumped {} terms and {} facts to {}\n", (*positional)[0], counts.terms, counts.facts,
                             (*positional)[1]);
    return 0;
}

// Restores into DB, which must be new or empty; a database this command created is
// removed again if the restore fails.
int run_restore(const std::vector<std::string>& args) {
    int status = 0;
    const auto positional = simple_command(args, "Usage: quarry restore DB FILE.qdump\n\n"
                                                 "Reads a snapshot into DB, which must be new or empty.", "quarry restore", status);
    if (!positional)
        return status;
    if (positional->size() != 2) {
        std::cerr << "quarry restore: usage: quarry restore DB FILE.qdump\n";
        return 2;
    }
    const std::filesystem::path path = (*positional)[0];
    if (is_memory_name(path)) {
        std::cerr << "quarry restore: :memory: is a temporary database, gone when the command ends; restore into "
                     "a file\n";
        return 2;
    }
    const bool created = !std::filesystem::exists(path);
    std::optional<Database> db;
    try {
        db.emplace(path);
        const auto counts = db->restore((*positional)[1]);
        std::cout << fmt::format("{}: restored {} terms and {} facts from {}\n", path.string(), counts.terms,
                                 counts.facts, (*positional)[1]);
        return 0;
    } catch (...) {
        db.reset();
        if (created) {
            std::error_code ignored;
            std::filesystem::remove(path, ignored);
            std::filesystem::remove(path.string() + "-lock", ignored);
        }
        throw;
    }
}

int run_stats(const std::vector<std::string>& args) {
    int status = 0;
    const auto positional = simple_command(args, "Usage: quarry stats DB\n\n"
                                                 "Prints what .stats, .schema and .contexts print.", "quarry stats", status);
    if (!positional)
        return status;
    if (positional->size() != 1) {
        std::cerr << "quarry stats: usage: quarry stats DB\n";
        return 2;
    }
    if (!database_exists((*positional)[0]))
        return 1;
    Settings settings;
    settings.read_only = true;
    Shell shell(settings);
    shell.open(std::filesystem::path((*positional)[0]));
    const bool ok = shell.run_command(".stats", {}) && shell.run_command(".schema", {}) &&
                    shell.run_command(".contexts", {});
    return ok ? 0 : 1;
}

struct Subcommand {
    const char* name;
    int (*run)(const std::vector<std::string>&);
};
const Subcommand SUBCOMMANDS[] = {
    {"load", run_load}, {"export", run_export}, {"dump", run_dump}, {"restore", run_restore}, {"stats", run_stats}};

int run_shell(const std::vector<std::string>& arguments) {
    Settings settings;
    std::string mode = "table", busy = "5000", headers = "on", init;
    bool quiet = false;
    std::vector<std::string> commands;
    po::options_description options(USAGE);
    options.add_options()
        ("command,c", po::value(&commands)->value_name("STATEMENTS"), "run STATEMENTS (may repeat)")
        ("mode", po::value(&mode)->value_name("MODE"), "results as table (default), csv, tsv, json, jsonl, line or markdown")
        ("headers", po::value(&headers)->value_name("on|off"), "the header row of csv, tsv and markdown results (default on)")
        ("readonly", po::bool_switch(&settings.read_only), "open the database read-only")
        ("bail", po::bool_switch(&settings.bail), "stop at the first error")
        ("busy-timeout", po::value(&busy)->value_name("MS"), "how long a write waits for another process's write to end (default 5000)")
        ("init", po::value(&init)->value_name("FILE"), "run FILE first, instead of ~/.quarryrc")
        ("quiet,q", po::bool_switch(&quiet), "run neither ~/.quarryrc nor --init")
        ("help,h", "show this help")
        ("version", "show the version");
    const auto line = parse(arguments, options, "quarry");
    if (!line)
        return 2;
    if (line->vm.count("help")) {
        std::cout << options;
        return 0;
    }
    if (line->vm.count("version")) {
        std::cout << "quarry " << QUARRY_VERSION << '\n';
        return 0;
    }
    if (const auto timeout = parse_milliseconds(busy)) {
        settings.busy_timeout = *timeout;
    } else {
        std::cerr << "quarry: --busy-timeout takes milliseconds, not '" << busy << "'\n";
        return 2;
    }
    if (!parse_mode(mode, settings.mode)) {
        std::cerr << "quarry: unknown mode '" << mode << "' (expected " << mode_names() << ")\n";
        return 2;
    }
    if (headers != "on" && headers != "off") {
        std::cerr << "quarry: --headers takes on or off, not '" << headers << "'\n";
        return 2;
    }
    settings.headers = headers == "on";
    const std::vector<std::string>& args = line->args;
    std::optional<std::filesystem::path> db;
    std::vector<std::string> scripts = args;
    if (!args.empty() && !ends_with(args[0], ".qry")) {
        db = args[0];
        scripts.erase(scripts.begin());
    }
    // Scripts must be scripts: a database file run as one would be read as statements.
    for (const std::string& script : scripts)
        if (is_database_file(script)) {
            std::cerr << "quarry: " << script << " is a database, not a script; the database comes first: quarry "
                      << script << (args[0] == script ? "" : " " + args[0]) << "\n";
            return 2;
        } else if (const auto ext = std::filesystem::path(script).extension().string();
                   ext.size() > 1 && import_format(ext.substr(1))) {
            std::cerr << "quarry: " << script << " is a data file, not a script; load it with 'quarry load DB "
                      << script << "' (or .read " << script << " in the shell)\n";
            return 2;
        }
    const bool from_terminal = isatty(STDIN_FILENO) && scripts.empty() && commands.empty();
    settings.interactive = from_terminal;
    settings.width = terminal_width();
    try {
        Shell shell(settings);
        shell.open(db);
        bool ok = true;
        if (!quiet) {
            if (!init.empty()) {
                ok = run_script(shell, init);
            } else if (const char* home = std::getenv("HOME")) {
                const std::filesystem::path rc = std::filesystem::path(home) / ".quarryrc";
                if (std::filesystem::exists(rc))
                    ok = run_script(shell, rc.string());
            }
            if ((!ok && settings.bail) || shell.quitting())
                return ok ? 0 : 1;
        }
        for (const std::string& script : scripts) {
            ok = run_script(shell, script) && ok;
            if ((!ok && settings.bail) || shell.quitting())
                return ok ? 0 : 1;
        }
        for (const std::string& command : commands) {
            ok = shell.run_source(command, "-c", std::filesystem::current_path()) && ok;
            if ((!ok && settings.bail) || shell.quitting())
                return ok ? 0 : 1;
        }
        if (scripts.empty() && commands.empty()) {
            if (from_terminal) {
                run_interactive(shell);
            } else {
                std::stringstream text;
                text << std::cin.rdbuf();
                ok = shell.run_source(text.str(), "stdin", std::filesystem::current_path()) && ok;
            }
        }
        std::cout.flush();
        if (!std::cout) {
            std::cerr << "quarry: cannot write the output\n";
            return 1;
        }
        return ok ? 0 : 1;
    } catch (const std::exception& e) {
        std::cerr << "quarry: " << e.what() << '\n';
        return 1;
    }
}

} // namespace

int main(int argc, char** argv) {
    set_locale();
    const auto args = normalize(argc, argv);
    if (!args)
        return 2;
    const auto first = first_positional(*args);
    if (first) {
        const std::string& word = (*args)[*first];
        for (const Subcommand& command : SUBCOMMANDS)
            if (word == command.name) {
                std::vector<std::string> rest = *args;
                rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(*first));
                try {
                    return command.run(rest);
                } catch (const std::exception& e) {
                    std::cerr << "quarry: " << e.what() << '\n';
                    return 1;
                }
            }
        // A mistyped command is not a new database: a word near a command's name, without
        // an extension or a folder, that names no file.
        if (word.find_first_of("./") == std::string::npos && !std::filesystem::exists(word)) {
            std::vector<std::string> names;
            for (const Subcommand& command : SUBCOMMANDS)
                names.push_back(command.name);
            if (const auto nearest = nearest_word(word, names, word.size() <= 3 ? 2 : 3)) {
                std::cerr << "quarry: no command '" << word << "'; did you mean 'quarry " << *nearest
                          << "'? (a new database needs a name such as " << word << ".qdb)\n";
                return 2;
            }
        }
    }
    return run_shell(*args);
}
