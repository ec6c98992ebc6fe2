#include "shell/repl.hpp"

#include <editline/readline.h>

#include <clocale>
#include <csignal>
#include <langinfo.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>

namespace quarry::shell {

namespace {

// The one shell the signal handler and the completer reach (readline's callbacks take no
// context argument).
Shell* active_shell = nullptr;
volatile std::sig_atomic_t interrupted = 0;
volatile std::sig_atomic_t resized = 0;

void on_resize(int) { resized = 1; }

void on_interrupt(int) {
    interrupted = 1;
    if (active_shell)
        active_shell->database().cancel(); // an atomic store: safe in a handler
}

std::vector<std::string> candidates;
std::size_t next_candidate = 0;

char* next_completion(const char*, int state) {
    if (state == 0)
        next_candidate = 0;
    if (next_candidate >= candidates.size())
        return nullptr;
    return strdup(candidates[next_candidate++].c_str());
}

bool starts_with(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}

// Completion: a dot-command at the start of a line; otherwise a keyword for the last word,
// or a stored name for everything since the last ( or , (names hold spaces).
char** complete(const char* text, int start, int) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = '\0'; // a name is followed by ',' or ')', not a space
    candidates.clear();
    const std::string word(text);
    const std::size_t lead = word.find_first_not_of(' ');
    const std::string spaces = lead == std::string::npos ? word : word.substr(0, lead);
    const std::string trimmed = lead == std::string::npos ? "" : word.substr(lead);
    if (start == 0 && starts_with(trimmed, ".")) {
        for (const auto& name : Shell::command_names())
            if (starts_with(name, trimmed))
                candidates.push_back(name);
    } else {
        const std::size_t last_space = trimmed.rfind(' ');
        const std::string last = last_space == std::string::npos ? trimmed : trimmed.substr(last_space + 1);
        const std::string before = word.substr(0, word.size() - last.size());
        if (!last.empty())
            for (const auto& keyword : Shell::keywords())
                if (starts_with(keyword, last))
                    candidates.push_back(before + keyword);
        if (!trimmed.empty() && active_shell)
            for (const auto& name : active_shell->database().complete(trimmed, 50))
                candidates.push_back(spaces + name);
    }
    return rl_completion_matches(text, next_completion);
}

std::string history_file() {
    const char* home = std::getenv("HOME");
    return (home ? std::filesystem::path(home) : std::filesystem::current_path()) / ".quarry_history";
}

} // namespace

std::size_t terminal_width() {
    winsize size{};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
        return size.ws_col;
    return 0;
}

void set_locale() {
    const char* set = std::setlocale(LC_CTYPE, "");
    if (!set || std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
        std::setlocale(LC_CTYPE, "C.UTF-8");
}

void run_interactive(Shell& shell) {
    active_shell = &shell;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    struct sigaction resize {};
    resize.sa_handler = on_resize;
    sigemptyset(&resize.sa_mask);
    resize.sa_flags = SA_RESTART;
    sigaction(SIGWINCH, &resize, nullptr);

    rl_readline_name = const_cast<char*>("quarry");
    rl_attempted_completion_function = complete;
    rl_completer_word_break_characters = const_cast<char*>(",()[]{}\t\n");
    using_history();
    const std::string history = history_file();
    read_history(history.c_str());

    std::cout << "Quarry " << QUARRY_VERSION << ". Statements end with ';'. .help lists the commands.\n";
    std::string buffer;
    const auto base = std::filesystem::current_path();
    while (!shell.quitting()) {
        interrupted = 0;
        char* line = readline(buffer.empty() ? "quarry> " : "   ...> ");
        if (!line) {
            if (interrupted) { // Ctrl-C at the prompt: drop the line, keep going
                std::cout << '\n';
                buffer.clear();
                continue;
            }
            std::cout << '\n'; // Ctrl-D
            break;
        }
        std::string text(line);
        std::free(line);
        if (resized) {
            resized = 0;
            shell.settings().width = terminal_width();
        }
        if (buffer.empty() && text.find_first_not_of(" \t") == std::string::npos)
            continue;
        if (buffer.empty() && !text.empty() && text[0] == '.') {
            add_history(text.c_str());
            shell.run_command(text, base);
            continue;
        }
        buffer += buffer.empty() ? text : "\n" + text;
        if (!parser::is_complete(buffer))
            continue;
        add_history(buffer.c_str());
        shell.run_source(buffer, "stdin", base);
        buffer.clear();
    }
    write_history(history.c_str());
    active_shell = nullptr;
}

} // namespace quarry::shell
