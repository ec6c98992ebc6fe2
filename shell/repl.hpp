#pragma once

#include "shell/shell.hpp"

namespace quarry::shell {

// The interactive prompt (stdin is a terminal): libedit line editing, history in
// ~/.quarry_history, completion of keywords, dot-commands and stored names, a
// continuation prompt until ';', Ctrl-C cancels the running statement, Ctrl-D quits.
// Sets the shell's width from the terminal again whenever the window was resized (SIGWINCH).
void run_interactive(Shell& shell);

// From now on Ctrl-C (SIGINT) interrupts `shell` (Shell::interrupt) instead of ending the
// process.
void catch_interrupts(Shell& shell);

// Columns of the terminal on standard output; 0 if it is not one.
std::size_t terminal_width();

// Sets LC_CTYPE from the environment, so that line editing passes UTF-8 through; where
// the environment names no UTF-8 locale, C.UTF-8.
void set_locale();

} // namespace quarry::shell
