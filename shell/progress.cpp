#include "shell/progress.hpp"

#include <fmt/format.h>

namespace quarry::shell {

namespace {

std::string bytes_text(std::uint64_t bytes) {
    if (bytes < 1024 * 1024)
        return fmt::format("{:.1f} KB", static_cast<double>(bytes) / 1024);
    if (bytes < 1024ULL * 1024 * 1024)
        return fmt::format("{:.1f} MB", static_cast<double>(bytes) / (1024 * 1024));
    return fmt::format("{:.2f} GB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
}

std::string rate_text(double per_second) {
    if (per_second >= 1e6)
        return fmt::format("{:.2f}M", per_second / 1e6);
    if (per_second >= 1e3)
        return fmt::format("{:.1f}k", per_second / 1e3);
    return fmt::format("{:.0f}", per_second);
}

} // namespace

std::string progress_line(const std::string& name, const LoadProgress& progress,
                          std::uint64_t total_bytes, double seconds) {
    const double rate = seconds > 0 ? static_cast<double>(progress.statements) / seconds : 0;
    if (total_bytes == 0)
        return fmt::format("{}: {}, {} quads/s", name, bytes_text(progress.bytes), rate_text(rate));
    const std::uint64_t done = std::min(progress.bytes, total_bytes);
    const double fraction = static_cast<double>(done) / static_cast<double>(total_bytes);
    std::string line = fmt::format("{}: {}% ({} of {}), {} quads/s", name, static_cast<int>(fraction * 100),
                                   bytes_text(done), bytes_text(total_bytes), rate_text(rate));
    if (done > 0 && seconds > 0) {
        const auto left = static_cast<std::uint64_t>(seconds * (1 - fraction) / fraction + 0.5);
        line += fmt::format(", {}:{:02} left", left / 60, left % 60);
    }
    return line;
}

ProgressLine::ProgressLine(std::ostream& out, std::string name, std::uint64_t total_bytes)
    : out_(out), name_(std::move(name)), total_(total_bytes) {}

void ProgressLine::update(const LoadProgress& progress) {
    const auto now = Clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(250))
        return;
    last_ = now;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    out_ << "\r\033[K" << progress_line(name_, progress, total_, seconds) << std::flush;
    drawn_ = true;
}

void ProgressLine::clear() {
    if (drawn_)
        out_ << "\r\033[K" << std::flush;
    drawn_ = false;
}

} // namespace quarry::shell
