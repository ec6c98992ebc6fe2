// quarry: the command-line shell.
//
//   quarry [DB] [SCRIPT…] [-c STATEMENTS] [--mode table|csv|tsv|json|jsonl] [--readonly] [--bail]
//   quarry stats DB
//   quarry --help | --version

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

int stats_command(const std::vector<std::string>& args) {
    if (args.size() != 2) {
        std::cerr << "quarry: usage: quarry stats DB\n";
        return 2;
    }
    if (!std::filesystem::exists(args[1])) {
        std::cerr << "quarry: " << args[1] << ": no such database\n";
        return 1;
    }
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
    po::options_description visible(USAGE);
    visible.add_options()
        ("command,c", po::value(&commands), "run STATEMENTS (may repeat)")
        ("mode", po::value(&mode), "results as table (default), csv, tsv, json or jsonl")
        ("readonly", po::bool_switch(&settings.read_only), "open the database read-only")
        ("bail", po::bool_switch(&settings.bail), "stop at the first error")
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
    if (!parse_mode(mode, settings.mode)) {
        std::cerr << "quarry: unknown mode '" << mode << "' (expected table, csv, tsv, json or jsonl)\n";
        return 2;
    }
    if (!args.empty()) {
        const std::string& first = args[0];
        if (first == "stats")
            return stats_command(args);
        if (first == "load" || first == "export" || first == "dump" || first == "restore") {
            std::cerr << "quarry: " << first << " is not yet available in this build\n";
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
