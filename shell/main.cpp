// quarry: the command-line shell.
//
//   quarry [DB] [SCRIPT…] [-c STATEMENTS] [--mode table|csv|tsv|json|jsonl] [--readonly] [--bail]
//   quarry load DB FILE…  |  quarry export DB [FILE]  |  quarry dump DB FILE.qdump
//   quarry restore DB FILE.qdump  |  quarry stats DB
//   quarry --help | --version

#include "shell/progress.hpp"
#include "shell/repl.hpp"
#include "shell/shell.hpp"

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/ioctl.h>
#include <unistd.h>

namespace po = boost::program_options;
using namespace quarry;
using namespace quarry::shell;

namespace {

const char* const USAGE = R"(Usage:
  quarry [DB] [SCRIPT.qry…] [-c STATEMENTS] [options]
  quarry load DB FILE…     quarry export DB [FILE]     quarry dump DB FILE.qdump
  quarry restore DB FILE.qdump                          quarry stats DB

Opens DB (one file, created if missing; conventionally *.qdb) and runs the scripts, then
the statements of -c; with neither, reads statements from standard input, interactively
on a terminal. Without DB (or when the first argument is a .qry script) the database is
temporary and removed at exit. The exit status is 0 only if every statement succeeded.

Options)";

std::size_t terminal_width() {
    winsize size{};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 0;
}

bool ends_with(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// --context NAME: <iri> or a name.
storage::Term context_term(const std::string& text) {
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>')
        return storage::Term::iri(text.substr(1, text.size() - 2));
    return storage::Term::name(text);
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

struct TransferFlags {
    std::string format;
    std::string context;
    bool skip_bad = false;
    bool header = false;
    std::string memory = "1G";
};

int load_command(const std::vector<std::string>& args, const TransferFlags& flags, const Settings& settings) {
    if (args.size() < 3) {
        std::cerr << "quarry: usage: quarry load DB FILE… [--format F] [--context NAME] [--skip-bad] [--memory SIZE]\n";
        return 2;
    }
    const auto memory = parse_size(flags.memory);
    if (!memory) {
        std::cerr << "quarry: --memory takes a size such as 64M or 1G, not '" << flags.memory << "'\n";
        return 2;
    }
    Database db(args[1]);
    db.store().env().set_busy_timeout(settings.busy_timeout);
    for (std::size_t i = 2; i < args.size(); ++i) {
        const std::filesystem::path file = args[i];
        const std::string format = !flags.format.empty() ? flags.format : file.extension().string().substr(file.has_extension() ? 1 : 0);
        engine::io::LoadOptions options;
        const auto import = engine::io::import_format(format);
        if (!import) {
            std::cerr << "quarry: " << file.string() << ": cannot load " << (format.empty() ? "files without an extension" : format + " files")
                      << " (use --format nquads, ntriples, csv or tsv; load .qry scripts in the shell)\n";
            return 1;
        }
        options.format = *import;
        if (flags.header)
            options.header = true;
        if (!flags.context.empty())
            options.context = context_term(flags.context);
        options.skip_bad = flags.skip_bad;
        options.memory = *memory;
        std::optional<ProgressLine> progress;
        if (isatty(STDERR_FILENO)) {
            std::error_code no_size;
            const auto size = std::filesystem::file_size(file, no_size);
            progress.emplace(std::cerr, file.string(), no_size ? 0 : size);
            options.progress = [&](const engine::io::LoadProgress& now) { progress->update(now); };
        }
        const auto summary = db.load(file, options);
        progress.reset();
        std::cout << fmt::format("{}: read {}, added {}, already present {}, skipped {}\n", file.string(), summary.read,
                                 summary.added, summary.already_present, summary.skipped);
        for (const auto& line : summary.first_skipped)
            std::cerr << "skipped " << line << '\n';
    }
    return 0;
}

int export_command(const std::vector<std::string>& args, const TransferFlags& flags) {
    if (args.size() < 2 || args.size() > 3) {
        std::cerr << "quarry: usage: quarry export DB [FILE] [--format nquads|ntriples|csv|tsv|qry] [--context NAME]\n";
        return 2;
    }
    if (!database_exists(args[1]))
        return 1;
    std::string name = flags.format;
    if (name.empty() && args.size() == 3)
        name = std::filesystem::path(args[2]).extension().string().substr(1);
    if (name.empty())
        name = "nquads";
    const auto format = engine::io::export_format(name);
    if (!format) {
        std::cerr << "quarry: unknown format '" << name << "' (expected nquads, ntriples, csv, tsv or qry)\n";
        return 2;
    }
    Database db(args[1], DatabaseOptions{.read_only = true});
    std::optional<storage::Term> context;
    if (!flags.context.empty())
        context = context_term(flags.context);
    if (args.size() == 3) {
        std::ofstream out(args[2], std::ios::binary);
        if (!out) {
            std::cerr << "quarry: cannot write " << args[2] << '\n';
            return 1;
        }
        db.export_facts(out, *format, context);
        out.flush();
        return out ? 0 : 1;
    }
    db.export_facts(std::cout, *format, context);
    std::cout.flush();
    return std::cout ? 0 : 1;
}

int dump_command(const std::vector<std::string>& args) {
    if (args.size() != 3) {
        std::cerr << "quarry: usage: quarry dump DB FILE.qdump\n";
        return 2;
    }
    if (!database_exists(args[1]))
        return 1;
    const Database db(args[1], DatabaseOptions{.read_only = true});
    const auto counts = db.dump(args[2]);
    std::cout << fmt::format("{}: dumped {} terms and {} facts to {}\n", args[1], counts.terms, counts.facts, args[2]);
    return 0;
}

// Restores into DB, which must be new or empty; a database this command created is
// removed again if the restore fails.
int restore_command(const std::vector<std::string>& args) {
    if (args.size() != 3) {
        std::cerr << "quarry: usage: quarry restore DB FILE.qdump\n";
        return 2;
    }
    const std::filesystem::path path = args[1];
    const bool created = !std::filesystem::exists(path);
    std::optional<Database> db;
    try {
        db.emplace(path);
        const auto counts = db->restore(args[2]);
        std::cout << fmt::format("{}: restored {} terms and {} facts from {}\n", args[1], counts.terms, counts.facts, args[2]);
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

int stats_command(const std::vector<std::string>& args) {
    if (args.size() != 2) {
        std::cerr << "quarry: usage: quarry stats DB\n";
        return 2;
    }
    if (!database_exists(args[1]))
        return 1;
    Settings settings;
    settings.read_only = true;
    Shell shell(settings);
    shell.open(std::filesystem::path(args[1]));
    const bool ok = shell.run_command(".stats", {}) && shell.run_command(".schema", {}) &&
                    shell.run_command(".contexts", {});
    return ok ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    Settings settings;
    std::string mode = "table";
    std::vector<std::string> commands;
    std::vector<std::string> args;
    TransferFlags transfer;
    std::string busy_timeout = "5000";
    po::options_description visible(USAGE);
    visible.add_options()
        ("command,c", po::value(&commands), "run STATEMENTS (may repeat)")
        ("mode", po::value(&mode), "results as table (default), csv, tsv, json or jsonl")
        ("readonly", po::bool_switch(&settings.read_only), "open the database read-only")
        ("bail", po::bool_switch(&settings.bail), "stop at the first error")
        ("busy-timeout", po::value(&busy_timeout), "MS: how long a write waits for another process's write to end (default 5000)")
        ("format", po::value(&transfer.format), "load/export: nquads, ntriples, csv or tsv (export also qry); default: from the extension")
        ("context", po::value(&transfer.context), "load: the context for triples; export: only this context")
        ("skip-bad", po::bool_switch(&transfer.skip_bad), "load: skip malformed lines, listing the first ten")
        ("header", po::bool_switch(&transfer.header), "load csv/tsv: the first row is a header")
        ("memory", po::value(&transfer.memory), "load: memory for new terms and sorting (default 1G; sorts beyond it spill to $TMPDIR)")
        ("help,h", "show this help")
        ("version", "show the version");
    po::options_description all;
    all.add(visible).add_options()("args", po::value(&args));
    po::positional_options_description positional;
    positional.add("args", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "quarry: " << e.what() << "\nTry 'quarry --help'.\n";
        return 2;
    }
    if (vm.count("help")) {
        std::cout << visible;
        return 0;
    }
    if (vm.count("version")) {
        std::cout << "quarry " << QUARRY_VERSION << '\n';
        return 0;
    }
    if (const auto timeout = parse_milliseconds(busy_timeout)) {
        settings.busy_timeout = *timeout;
    } else {
        std::cerr << "quarry: --busy-timeout takes milliseconds, not '" << busy_timeout << "'\n";
        return 2;
    }
    if (!parse_mode(mode, settings.mode)) {
        std::cerr << "quarry: unknown mode '" << mode << "' (expected table, csv, tsv, json or jsonl)\n";
        return 2;
    }
    if (!args.empty()) {
        const std::string& first = args[0];
        if (first == "stats")
            return stats_command(args);
        try {
            if (first == "load")
                return load_command(args, transfer, settings);
            if (first == "export")
                return export_command(args, transfer);
            if (first == "dump")
                return dump_command(args);
            if (first == "restore")
                return restore_command(args);
        } catch (const std::exception& e) {
            std::cerr << "quarry: " << e.what() << '\n';
            return 1;
        }
    }
    std::optional<std::filesystem::path> db;
    std::vector<std::string> scripts = args;
    if (!args.empty() && !ends_with(args[0], ".qry")) {
        db = args[0];
        scripts.erase(scripts.begin());
    }
    const bool from_terminal = isatty(STDIN_FILENO) && scripts.empty() && commands.empty();
    settings.interactive = from_terminal;
    settings.width = terminal_width();
    try {
        Shell shell(settings);
        shell.open(db);
        bool ok = true;
        for (const std::string& script : scripts) {
            std::ifstream in(script, std::ios::binary);
            if (!in) {
                std::cerr << "quarry: cannot read " << script << ": " << std::strerror(errno) << '\n';
                ok = false;
                if (settings.bail)
                    return 1;
                continue;
            }
            std::stringstream text;
            text << in.rdbuf();
            const auto base = std::filesystem::path(script).parent_path();
            ok = shell.run_source(text.str(), script, base) && ok;
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
