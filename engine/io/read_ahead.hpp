#pragma once

// Reads the statements of a load on a thread of its own, a batch ahead of the loader:
// parsing a line and preparing its terms (storage::PreparedTerm: the inline id, or the
// encoding) overlap the loader's interning and sorting on the other core.
//
// The reading thread stops at the end of the input, at the first error (kept, and
// rethrown by next() once the batches before it are taken), or when the ReadAhead is
// destroyed. ImportErrors of malformed statements are skipped and counted instead when
// `skip_bad` is set.

#include "engine/io/transfer.hpp"
#include "storage/dictionary_batch.hpp"

#include <array>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace quarry::engine::io {

class ReadAhead {
public:
    // A statement's terms; the context is absent for a triple.
    using Statement = std::array<std::optional<storage::Term>, 4>;
    // Reads the next statement into its argument; false at the end. Runs on the reading
    // thread; throws ImportError for a malformed statement.
    using Source = std::function<bool(Statement&)>;

    struct Fact {
        std::array<storage::PreparedTerm, 4> terms;
        bool has_context = false;
    };
    struct Batch {
        std::vector<Fact> facts;
        std::size_t size = 0;                // facts in use (the rest are kept for reuse)
        std::vector<LoadProgress> progress;  // points passed while reading this batch
    };

    // `in`: the stream `source` reads, for positions in progress points.
    ReadAhead(Source source, std::istream& in, bool skip_bad);
    ~ReadAhead();
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // Swaps the next batch into `batch` (whose old contents go back for reuse); false at
    // the end. Rethrows the reading thread's error after the batches read before it.
    bool next(Batch& batch);

    // After the end: statements read and skipped, and the first ten skipped.
    std::uint64_t read() const noexcept { return read_; }
    std::uint64_t skipped() const noexcept { return skipped_; }
    const std::vector<std::string>& first_skipped() const noexcept { return first_skipped_; }

    static constexpr std::size_t BATCH_FACTS = 4096;
    static constexpr std::size_t BATCHES_AHEAD = 4;

private:
    void run();

    Source source_;
    std::istream& in_;
    bool skip_bad_;
    std::uint64_t read_ = 0, skipped_ = 0;
    std::vector<std::string> first_skipped_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Batch> full_;  // read, not yet taken
    std::vector<Batch> free_; // taken back, for reuse
    bool finished_ = false;   // the reading thread has stopped
    bool stop_ = false;       // the loader has gone
    std::exception_ptr error_;
    std::thread thread_;
};

} // namespace quarry::engine::io
