#pragma once

#include "shell/shell.hpp"

namespace quarry::shell {

// The interactive prompt (stdin is a terminal): libedit line editing, history in
// ~/.quarry_history, completion of keywords, dot-commands and stored names, a
// continuation prompt until ';', Ctrl-C cancels the running statement, Ctrl-D quits.
void run_interactive(Shell& shell);

} // namespace quarry::shell
