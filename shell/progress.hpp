#pragma once

// The progress line of `quarry load` on a terminal: bytes, quads per second and the time
// left, redrawn in place on standard error at most a few times a second.

#include "quarry/transfer.hpp"

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace quarry::shell {

// "big.nq: 45% (100.4 MB of 223.1 MB), 77.2k quads/s, 0:14 left"; without a known total
// size, "big.nq: 100.4 MB, 77.2k quads/s".
std::string progress_line(const std::string& name, const LoadProgress& progress,
                          std::uint64_t total_bytes, double seconds);

// Draws progress_line on `out` (a terminal), throttled, and erases it when done.
class ProgressLine {
public:
    ProgressLine(std::ostream& out, std::string name, std::uint64_t total_bytes);
    ~ProgressLine() { clear(); }
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    void update(const LoadProgress& progress);
    void clear();

private:
    using Clock = std::chrono::steady_clock;
    std::ostream& out_;
    std::string name_;
    std::uint64_t total_;
    Clock::time_point start_ = Clock::now();
    Clock::time_point last_{};
    bool drawn_ = false;
};

} // namespace quarry::shell
