#pragma once

// The command lines of the bench programs, through Boost.Program_options: --help prints
// the options; a bad option, or an error thrown by `check` (which reads the parsed
// values), prints the message and the options.

#include <boost/program_options.hpp>

#include <iostream>
#include <optional>

namespace quarry::bench {

// nullopt: go on; otherwise the exit status to leave with (0 after --help, 2 on error).
template <typename Check>
std::optional<int> parse_command_line(int argc, char** argv, const char* program,
                                      const boost::program_options::options_description& options, Check check) {
    namespace po = boost::program_options;
    try {
        po::variables_map given;
        po::store(po::parse_command_line(argc, argv, options), given);
        if (given.count("help")) {
            std::cout << options << "\n";
            return 0;
        }
        po::notify(given);
        check();
        return std::nullopt;
    } catch (const std::exception& error) { // po::error, or what `check` throws
        std::cerr << program << ": " << error.what() << "\n" << options << "\n";
        return 2;
    }
}

} // namespace quarry::bench
