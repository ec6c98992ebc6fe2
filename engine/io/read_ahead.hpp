#pragma once

// Reads the statements of a load on threads of their own, ahead of the loader: parsing a
// line and preparing its terms (storage::PreparedTerm: the inline id, or the encoding and
// its hash) overlap the loader's interning and sorting.
//
// Two ways to read:
//  - one reading thread runs a Source over the whole input (any format);
//  - for formats whose lines stand alone (N-Triples, N-Quads), a thread cuts the input
//    into blocks of whole lines and several threads parse blocks at once, each with a
//    Source of its own; batches still come out in input order.
//
// Reading stops at the end of the input, at the first error (kept, and rethrown by next()
// once the statements before it are taken), or when the ReadAhead is destroyed.
// ImportErrors of malformed statements are skipped and counted instead when `skip_bad` is
// set.

#include "engine/io/transfer.hpp"
#include "storage/dictionary_batch.hpp"

#include <array>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace quarry::engine::io {

class ReadAhead {
public:
    // A statement's terms; the context is absent for a triple.
    using Statement = std::array<std::optional<storage::Term>, 4>;
    // Reads the next statement into its argument; false at the end. Runs on a reading
    // thread; throws ImportError for a malformed statement.
    using Source = std::function<bool(Statement&)>;
    // The Source of one block of the input: whole lines, the first of them line
    // `first_line` of the input.
    using BlockSource = std::function<Source(std::istream& block, std::size_t first_line)>;

    struct Fact {
        std::array<storage::PreparedTerm, 4> terms;
        bool has_context = false;
    };
    struct Batch {
        std::vector<Fact> facts;
        std::size_t size = 0;                // facts in use (the rest are kept for reuse)
        std::vector<LoadProgress> progress;  // points passed while reading this batch
    };

    // `in`: the stream `source` reads, for positions in progress points; or, when given,
    // `position` says how far the source has read (for a source that reads `in` on a
    // thread of its own).
    ReadAhead(Source source, std::istream& in, bool skip_bad, std::function<std::uint64_t()> position = {});
    // Blocks of `in` parsed on `parsers` threads.
    ReadAhead(BlockSource source, std::istream& in, bool skip_bad, unsigned parsers);
    ~ReadAhead();
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    // Swaps the next batch into `batch` (whose old contents go back for reuse); false at
    // the end. Rethrows the first error after the statements read before it.
    bool next(Batch& batch);

    // After the end: statements read and skipped, and the first ten skipped.
    std::uint64_t read() const noexcept { return read_; }
    std::uint64_t skipped() const noexcept { return skipped_; }
    const std::vector<std::string>& first_skipped() const noexcept { return first_skipped_; }

    static constexpr std::size_t BATCH_FACTS = 4096;
    static constexpr std::size_t BATCHES_AHEAD = 4;
    static constexpr std::size_t BLOCK_BYTES = std::size_t{1} << 18; // about 2,000 statements

private:
    // What a reading thread hands over: a batch, in the input's order by `sequence`.
    struct Result {
        Batch batch;
        std::uint64_t read = 0, skipped = 0;
        std::vector<std::string> skipped_messages; // the first ten
        std::exception_ptr error;                  // after the batch's statements
        // Blocks: where the block starts in the input, and after each fact read, the
        // statements read or skipped so far in the block and the offset reached in it.
        std::optional<std::uint64_t> start_bytes;
        std::vector<std::uint32_t> counts, ends;
    };
    struct Block {
        std::uint64_t sequence = 0;
        std::string text;
        std::size_t first_line = 1;
        std::uint64_t start_bytes = 0;
    };

    // Reads one statement of `source` into `result`'s batch; false at the end of the
    // source. Skips (and counts) a malformed statement when asked; other errors propagate.
    bool read_statement(Source& source, Statement& statement, Result& result);
    Batch spare_batch(); // an emptied batch, reusing one taken back if there is one
    void publish(std::uint64_t sequence, Result result);

    void run();         // the one reading thread
    void cut_blocks();  // blocks: the thread cutting the input
    void parse_blocks(); // blocks: a parsing thread

    Source source_;
    std::function<std::uint64_t()> position_;
    BlockSource block_source_;
    unsigned parsers_ = 0; // blocks: parsing threads
    std::istream& in_;
    bool skip_bad_;
    std::uint64_t read_ = 0, skipped_ = 0; // taken by the loader so far
    std::vector<std::string> first_skipped_;
    std::uint64_t next_sequence_ = 0;      // the result the loader takes next
    std::exception_ptr failed_;            // the error next() threw, thrown again

    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::uint64_t, Result> done_;  // read, not yet taken
    std::vector<Batch> free_;               // taken back, for reuse
    std::deque<Block> blocks_;              // cut, not yet parsed
    std::size_t parsing_ = 0;               // blocks being parsed
    std::optional<std::uint64_t> results_;  // how many results there are, once known
    bool error_seen_ = false;               // a result holds an error: read no further
    bool stop_ = false;                     // the loader has gone
    std::vector<std::thread> threads_;
};

} // namespace quarry::engine::io
