// bench/formats: the load rate of each import format, side by side in one run, as ratios to
// the N-Quads load (docs/performance.md).
//
//   quarry-formats --data FILE.nq [--runs R] [--work-dir DIR]
//
// Loads FILE (written by quarry-gen) into a database once, and from it writes the same
// facts as Turtle and TriG (the project's own exporter; Turtle holds each triple once,
// dropping contexts) and as JSON Lines (one object a line, terms in the term syntax,
// "c" for a named context), kept beside FILE and reused. Then, R times in turn (default
// 1), loads each file into a new database through Database::load, the file read once
// beforehand so that it is in the page cache, and prints the median time, the rate in
// statements per second and the ratio to the N-Quads rate.

#include "bench/command_line.hpp"
#include "engine/internals.hpp"
#include "engine/io/transfer.hpp"
#include "quarry/database.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
namespace io = quarry::engine::io;
using Clock = std::chrono::steady_clock;

namespace {

// A JSON string holding `text`.
std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (const char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
            else
                out += c;
        }
    }
    return out + "\"";
}

// A term as a JSON value: integers and booleans as JSON, the rest in the term syntax.
std::string json_value(const quarry::storage::Term& term) {
    const std::string text = quarry::format_term(term);
    if (term.kind() == quarry::storage::TermKind::INTEGER ||
        term.kind() == quarry::storage::TermKind::BOOLEAN)
        return text;
    return json_string(text);
}

std::uint64_t write_jsonl(quarry::Database& db, std::ostream& out) {
    const auto& store = quarry::engine::store_of(db);
    auto txn = store.begin_read();
    quarry::storage::QuadScan scan = store.scan(txn, {}, quarry::storage::ScanMode::QUADS);
    std::uint64_t count = 0;
    while (auto quad = scan.next()) {
        const auto c = store.resolve(txn, (*quad)[3]);
        out << "{\"s\": " << json_value(store.resolve(txn, (*quad)[0]))
            << ", \"p\": " << json_value(store.resolve(txn, (*quad)[1]))
            << ", \"o\": " << json_value(store.resolve(txn, (*quad)[2]));
        if (c.kind() != quarry::storage::TermKind::DEFAULT_CONTEXT)
            out << ", \"c\": " << json_value(c);
        out << "}\n";
        ++count;
    }
    return count;
}

void warm_up(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> block(std::size_t{1} << 20);
    while (in.read(block.data(), static_cast<std::streamsize>(block.size())) || in.gcount() > 0) {
    }
}

struct Input {
    std::string label;
    fs::path file;
    io::ImportFormat format;
    std::vector<double> seconds;
    std::uint64_t statements = 0;
};

} // namespace

int main(int argc, char** argv) {
    namespace po = boost::program_options;
    std::string data, work_dir;
    unsigned runs = 1;
    po::options_description described(
        "usage: quarry-formats --data FILE.nq [--runs R] [--work-dir DIR]\n"
        "Load rates of N-Quads, Turtle, TriG and JSON Lines holding the same facts");
    described.add_options()("help,h", "this text")("data", po::value(&data)->required(),
                                                   "the N-Quads file")(
        "runs", po::value(&runs), "loads of each file, in turn; the median is shown (default 1)")(
        "work-dir", po::value(&work_dir), "where the databases go (default: beside FILE)");
    if (const auto status =
            quarry::bench::parse_command_line(argc, argv, "quarry-formats", described, [] {}))
        return *status;
    const fs::path nquads = data;
    const fs::path dir = work_dir.empty() ? nquads.parent_path() : fs::path(work_dir);
    fs::create_directories(dir);
    const fs::path stem = nquads.parent_path() / nquads.stem();
    std::vector<Input> inputs = {
        {"N-Quads", nquads, io::ImportFormat::NQUADS, {}, 0},
        {"Turtle", stem.string() + ".ttl", io::ImportFormat::TURTLE, {}, 0},
        {"TriG", stem.string() + ".trig", io::ImportFormat::TRIG, {}, 0},
        {"JSON Lines", stem.string() + ".jsonl", io::ImportFormat::JSONL, {}, 0}};
    const fs::path source_db = dir / "formats-source.qdb";
    bool missing = false;
    for (const auto& input : inputs)
        missing = missing || !fs::exists(input.file);
    if (missing) {
        fs::remove(source_db);
        fs::remove(source_db.string() + "-lock");
        quarry::Database db(source_db);
        fmt::print(stderr, "quarry-formats: writing Turtle, TriG and JSON Lines beside {}\n",
                   nquads.string());
        db.load(nquads, io::LoadOptions{});
        for (auto& input : inputs) {
            if (input.format == io::ImportFormat::NQUADS || fs::exists(input.file))
                continue;
            const std::string partial = input.file.string() + ".partial";
            {
                std::ofstream out(partial, std::ios::binary);
                if (input.format == io::ImportFormat::JSONL)
                    write_jsonl(db, out);
                else
                    db.export_facts(out, input.format == io::ImportFormat::TURTLE
                                             ? io::ExportFormat::TURTLE
                                             : io::ExportFormat::TRIG);
            }
            fs::rename(partial, input.file);
        }
    }
    fs::remove(source_db);
    fs::remove(source_db.string() + "-lock");
    for (unsigned run = 0; run < runs; ++run)
        for (auto& input : inputs) {
            const fs::path db_path = dir / "formats-load.qdb";
            fs::remove(db_path);
            fs::remove(db_path.string() + "-lock");
            warm_up(input.file);
            const auto start = Clock::now();
            {
                quarry::Database db(db_path);
                io::LoadOptions options;
                options.format = input.format;
                input.statements = db.load(input.file, options).read;
            }
            input.seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
            fs::remove(db_path);
            fs::remove(db_path.string() + "-lock");
        }
    auto rate = [](const Input& input) {
        auto samples = input.seconds;
        std::sort(samples.begin(), samples.end());
        return static_cast<double>(input.statements) / samples[samples.size() / 2];
    };
    const double base = rate(inputs[0]);
    fmt::print("{:<12} {:>12} {:>14} {:>10} {:>16} {:>8}\n", "format", "statements", "file (MiB)",
               "load (s)", "statements/s", "ratio");
    for (const auto& input : inputs) {
        auto samples = input.seconds;
        std::sort(samples.begin(), samples.end());
        fmt::print("{:<12} {:>12} {:>14.1f} {:>10.2f} {:>16.0f} {:>8.2f}\n", input.label,
                   input.statements, static_cast<double>(fs::file_size(input.file)) / (1 << 20),
                   samples[samples.size() / 2], rate(input), rate(input) / base);
    }
    return 0;
}
