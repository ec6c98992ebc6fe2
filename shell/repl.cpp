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
#include <algorithm>
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
        active_shell->interrupt(); // atomic stores: safe in a handler
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

// Where the term being typed starts: after the last ( , [ or { before the cursor that is
// not inside a string or backquotes, and the spaces after it.
std::size_t term_start(const std::string& line) {
    std::size_t start = 0;
    char quote = 0;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quote) {
            if (c == '\\')
                ++i;
            else if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '`') {
            quote = c;
        } else if (c == '(' || c == ',' || c == '[' || c == '{' || c == ')') {
            start = i + 1;
        }
    }
    while (start < line.size() && line[start] == ' ')
        ++start;
    return start;
}

// Completion: a dot-command at the start of a line; otherwise the names stored in the
// database that start with the whole term being typed (names hold spaces: "Syrian d" gives
// "Syrian delegation"); when no name fits, keywords for its last word. The term
// is found in the line itself, whatever word libedit's completer picked out.
char** complete(const char* text, int start, int end) {
    rl_attempted_completion_over = 1;
    rl_completion_append_character = '\0'; // a name is followed by ',' or ')', not a space
    candidates.clear();
    const std::string line(rl_line_buffer, static_cast<std::size_t>(std::max(0, end)));
    const std::string word(text);
    if (line.find_first_not_of(' ') == static_cast<std::size_t>(start) && starts_with(word, ".")) {
        for (const auto& name : Shell::command_names())
            if (starts_with(name, word))
                candidates.push_back(name);
        return rl_completion_matches(text, next_completion);
    }
    const std::size_t from = term_start(line);
    const std::string term = line.substr(from);
    const auto at = static_cast<std::size_t>(start);
    // A candidate for the whole term, as a replacement of libedit's word [start, end).
    auto offer = [&](const std::string& whole) {
        if (at >= from)
            candidates.push_back(whole.substr(std::min(whole.size(), at - from)));
        else
            candidates.push_back(line.substr(at, from - at) + whole);
    };
    if (!term.empty() && active_shell)
        for (const auto& name : active_shell->database().complete(term, 50))
            offer(name);
    const std::size_t space = term.rfind(' ');
    const std::string before = space == std::string::npos ? "" : term.substr(0, space + 1);
    const std::string last = term.substr(before.size());
    if (candidates.empty() && !last.empty())
        for (const auto& keyword : Shell::keywords())
            if (starts_with(keyword, last))
                offer(before + keyword);
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

void catch_interrupts(Shell& shell) {
    active_shell = &shell;
    struct sigaction action {};
    action.sa_handler = on_interrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
}

void run_interactive(Shell& shell) {
    catch_interrupts(shell);
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
            write_history(history.c_str());
            shell.run_command(text, base);
            continue;
        }
        buffer += buffer.empty() ? text : "\n" + text;
        if (!Script::is_complete(buffer))
            continue;
        add_history(buffer.c_str());
        write_history(history.c_str()); // kept even if the shell is killed later
        shell.run_source(buffer, "stdin", base);
        buffer.clear();
    }
    write_history(history.c_str());
    active_shell = nullptr;
}

} // namespace quarry::shell
