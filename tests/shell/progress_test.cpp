#include "shell/progress.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using quarry::LoadProgress;
using quarry::shell::progress_line;
using quarry::shell::ProgressLine;

TEST_CASE("the load progress line shows share, sizes, rate and time left", "[shell][progress]") {
    const std::uint64_t mb = 1024 * 1024;
    CHECK(progress_line("big.nq", LoadProgress{50 * mb, 200'000}, 200 * mb, 2.0) ==
          "big.nq: 25% (50.0 MB of 200.0 MB), 100.0k quads/s, 0:06 left");
    CHECK(progress_line("big.nq", LoadProgress{0, 0}, 200 * mb, 0.0) ==
          "big.nq: 0% (0.0 KB of 200.0 MB), 0 quads/s");
    CHECK(progress_line("huge.nq", LoadProgress{3 * 1024 * mb, 5'000'000}, 4 * 1024 * mb, 4.0) ==
          "huge.nq: 75% (3.00 GB of 4.00 GB), 1.25M quads/s, 0:01 left");
    // A pipe has no size: no share, no time left.
    CHECK(progress_line("-", LoadProgress{512 * 1024, 900}, 0, 1.0) == "-: 512.0 KB, 900 quads/s");
}

TEST_CASE("the progress line redraws in place and is erased at the end", "[shell][progress]") {
    std::ostringstream out;
    {
        ProgressLine line(out, "a.nq", 1000);
        line.update({100, 10});
        line.update({200, 20}); // within the throttle interval: not drawn
    }
    const std::string text = out.str();
    CHECK(text.rfind("\r\033[Ka.nq: 10% (", 0) == 0);
    CHECK(text.find("20%") == std::string::npos);
    CHECK(text.size() >= 4);
    CHECK(text.substr(text.size() - 4) == "\r\033[K");
}
