#pragma once

// The quarry shell: runs statements and dot-commands from scripts, -c, standard input or
// the interactive prompt, and prints their results. A thin front end over
// quarry::Database: it holds no query logic.

#include "quarry/database.hpp"
#include "shell/progress.hpp"
#include "shell/render.hpp"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::shell {

// All settings of a session (cf. SQLite's ShellState), one per line.
struct Settings {
    Mode mode = Mode::TABLE;          // how results print (.mode, --mode)
    std::string null_value;           // how unbound values print (.nullvalue)
    std::size_t max_rows = 0;         // rows printed at most, 0: all (.maxrows)
    bool prefixes = true;             // tables shorten IRIs with the declared prefixes (.prefixes on|off)
    bool headers = true;              // header rows in csv, tsv and markdown (.headers, --headers)
    bool timer = false;               // print each statement's time (.timer)
    bool explain = false;             // show plans instead of results (.explain)
    bool bail = false;                // stop at the first error (--bail)
    bool read_only = false;           // open databases read-only (--readonly)
    bool interactive = false;         // a person is typing: errors go to the screen
    std::size_t width = 0;            // the terminal's width for tables; 0: no limit
    std::chrono::milliseconds busy_timeout{5000}; // how long a write waits for another process's (--busy-timeout)
};

// The Levenshtein distance between two words.
std::size_t edit_distance(const std::string& a, const std::string& b);
// The word of `words` nearest to `word`, if one is fewer than `below` edits away.
std::optional<std::string> nearest_word(const std::string& word, const std::vector<std::string>& words,
                                        std::size_t below);

// For a statement that did not parse: a hint when it reads as another language's (insert,
// delete, SELECT, MATCH (a)-[:met]->(b)) or as remove … where without a match.
std::optional<std::string> statement_hint(std::string_view text);

// The whole of a file; nullopt (errno set) if it cannot be read.
std::optional<std::string> read_text(const std::filesystem::path& path);

// "250" → 250 ms; nullopt unless the text is a number of milliseconds.
std::optional<std::chrono::milliseconds> parse_milliseconds(const std::string& text);

class Shell {
public:
    explicit Shell(Settings settings) : settings_(settings) {}
    ~Shell();

    // Opens `path` (nullopt: a temporary database, announced, removed at exit).
    void open(const std::optional<std::filesystem::path>& path);

    // Runs a script: statements and dot-commands. `name` labels errors ("astana.qry",
    // "-c", "stdin"); relative paths resolve against `base_dir`. Returns false if
    // anything failed (and, with bail, stops there).
    bool run_source(const std::string& text, const std::string& name,
                    const std::filesystem::path& base_dir);

    // Runs one dot-command line (".mode csv"); false if it failed.
    bool run_command(const std::string& line, const std::filesystem::path& base_dir);

    // Where results go: the screen, or the file of .output.
    std::ostream& output() { return output_ ? *output_ : std::cout; }

    // Reports a dot-command's error: "FILE:LINE:1: message" in batch, "Error: message"
    // at the prompt.
    void command_error(const std::string& message);
    // Prints a statement's result as the current mode says (counts, rows or a plan).
    // With .timer on, the time since `start` when the last row (or the count) is out.
    void print_result(StatementResult& result, std::chrono::steady_clock::time_point start);

    // Ctrl-C: stops the running statement, load or printing. Safe in a signal handler.
    void interrupt() noexcept {
        interrupted_.store(true);
        if (db_)
            db_->cancel();
    }

    // Scripts .read into one another (a script that reads itself stops at the limit).
    static constexpr int MAX_READ_DEPTH = 32;
    int& read_depth() { return read_depth_; }

    // True once .quit ran.
    bool quitting() const { return quit_; }
    Database& database();
    Settings& settings() { return settings_; }
    // Names of the dot-commands and keywords, for completion.
    static std::vector<std::string> command_names();
    static const std::vector<std::string>& keywords();

private:
    bool run_statements(const std::string& text, std::size_t first_line, const std::string& name,
                        const std::filesystem::path& base_dir);
    void error(const std::string& message);

    Settings settings_;
    std::unique_ptr<Database> db_;
    std::filesystem::path temporary_dir_; // set when the database is temporary
    unsigned temporaries_ = 0;            // temporary databases opened so far
    std::unique_ptr<std::ofstream> output_; // .output FILE
    bool quit_ = false;
    struct Pending { // what the statements of the open transaction did, for its commit
        std::size_t added = 0, already_present = 0, removed = 0;
        std::size_t derived = 0, retracted = 0; // by the rules
        unsigned kinds = 0;                     // 1: adds, 2: removes
    };
    Pending pending_;
    std::atomic<bool> interrupted_{false};
    std::optional<ProgressLine> progress_; // of the load running at the prompt
    int read_depth_ = 0;
    bool once_ = false; // .once: output_ goes back to the screen after the next statement
    std::string command_location_; // "FILE:LINE:1: " of the dot-command being run, in batch
};

} // namespace quarry::shell
