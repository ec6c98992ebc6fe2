// `quarry load` in bounded memory: 2,000,000 quads loaded with --memory 64M keep the peak
// resident set of the quarry process (getrusage of the child) under 300 MB, and give the
// same database as a load with the default budget.
//
//   bounded_memory_test QUARRY WORK_DIR

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Run {
    int status = -1;
    long peak_kb = 0;
};

// Runs `args` with stdout to `out`; returns its exit status and peak RSS.
Run run(const std::vector<std::string>& args, const std::filesystem::path& out) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::FILE* file = std::freopen(out.c_str(), "w", stdout);
        if (!file)
            std::_Exit(127);
        std::vector<char*> argv;
        for (const std::string& arg : args)
            argv.push_back(const_cast<char*>(arg.c_str()));
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        std::_Exit(127);
    }
    Run result;
    int status = 0;
    rusage usage{};
    if (pid < 0 || ::wait4(pid, &status, 0, &usage) != pid)
        return result;
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.peak_kb = usage.ru_maxrss;
    return result;
}

std::string read_all(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Compares two files a block at a time.
bool same_contents(const std::filesystem::path& a, const std::filesystem::path& b) {
    std::ifstream in_a(a, std::ios::binary), in_b(b, std::ios::binary);
    std::vector<char> block_a(1 << 16), block_b(1 << 16);
    for (;;) {
        in_a.read(block_a.data(), static_cast<std::streamsize>(block_a.size()));
        in_b.read(block_b.data(), static_cast<std::streamsize>(block_b.size()));
        if (in_a.gcount() != in_b.gcount() ||
            !std::equal(block_a.begin(), block_a.begin() + in_a.gcount(), block_b.begin()))
            return false;
        if (in_a.gcount() == 0)
            return true;
    }
}

int fail(const std::string& message) {
    std::cerr << "FAILED: " << message << '\n';
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3)
        return fail("usage: bounded_memory_test QUARRY WORK_DIR");
    const std::string quarry = argv[1];
    const std::filesystem::path dir = argv[2];
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);

    // A news-like graph: 200,000 entities, 50 predicates, 100 contexts, a third of the
    // objects language-tagged strings.
    const std::filesystem::path data = dir / "two-million.nq";
    {
        std::ofstream out(data, std::ios::binary);
        std::mt19937_64 random(2026);
        for (int i = 0; i < 2'000'000; ++i) {
            out << "<http://example.org/e/" << random() % 200'000 << "> <http://example.org/p/" << random() % 50 << "> ";
            if (i % 3 == 0)
                out << "\"value " << random() % 400'000 << "\"@en";
            else
                out << "<http://example.org/e/" << random() % 400'000 << '>';
            out << " <http://example.org/g/" << random() % 100 << "> .\n";
        }
    }

    const Run bounded = run({quarry, "load", (dir / "bounded.qdb").string(), data.string(), "--memory", "64M"},
                            dir / "bounded.out");
    std::cout << "--memory 64M: exit " << bounded.status << ", peak RSS " << bounded.peak_kb / 1024 << " MB\n"
              << read_all(dir / "bounded.out");
    if (bounded.status != 0)
        return fail("the bounded load failed");
    if (read_all(dir / "bounded.out").find("read 2000000, added ") == std::string::npos)
        return fail("the bounded load did not read every line");
    if (bounded.peak_kb >= 300 * 1024)
        return fail("peak RSS of the bounded load is not under 300 MB");

    const Run unbounded = run({quarry, "load", (dir / "unbounded.qdb").string(), data.string()}, dir / "unbounded.out");
    std::cout << "default --memory: exit " << unbounded.status << ", peak RSS " << unbounded.peak_kb / 1024 << " MB\n";
    if (unbounded.status != 0)
        return fail("the unbounded load failed");
    const std::string counts = read_all(dir / "bounded.out"), unbounded_counts = read_all(dir / "unbounded.out");
    if (counts.substr(counts.find(": ")) != unbounded_counts.substr(unbounded_counts.find(": ")))
        return fail("the two loads report different counts");
    const Run export_bounded = run({quarry, "export", (dir / "bounded.qdb").string()}, dir / "bounded.nq");
    const Run export_unbounded = run({quarry, "export", (dir / "unbounded.qdb").string()}, dir / "unbounded.nq");
    if (export_bounded.status != 0 || export_unbounded.status != 0)
        return fail("export failed");
    if (std::filesystem::file_size(dir / "bounded.nq") == 0 || !same_contents(dir / "bounded.nq", dir / "unbounded.nq"))
        return fail("the bounded and the unbounded load hold different facts");
    std::filesystem::remove_all(dir);
    return 0;
}
