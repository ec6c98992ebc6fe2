#include "engine/io/read_ahead.hpp"

#include <algorithm>
#include <streambuf>

namespace quarry::engine::io {

namespace {

// An istream's buffer over a block of text already in memory.
class BlockBuffer : public std::streambuf {
public:
    explicit BlockBuffer(std::string& text) { setg(text.data(), text.data(), text.data() + text.size()); }

protected:
    // Only tellg(): the offset reached.
    pos_type seekoff(off_type offset, std::ios_base::seekdir direction, std::ios_base::openmode) override {
        if (offset != 0 || direction != std::ios_base::cur)
            return pos_type(off_type(-1));
        return pos_type(gptr() - eback());
    }
};

} // namespace

ReadAhead::ReadAhead(Source source, std::istream& in, bool skip_bad, std::function<std::uint64_t()> position)
    : source_(std::move(source)), position_(std::move(position)), in_(in), skip_bad_(skip_bad) {
    threads_.emplace_back([this] { run(); });
}

ReadAhead::ReadAhead(BlockSource source, std::istream& in, bool skip_bad, unsigned parsers)
    : block_source_(std::move(source)), parsers_(std::max(parsers, 1u)), in_(in), skip_bad_(skip_bad) {
    threads_.emplace_back([this] { cut_blocks(); });
    for (unsigned i = 0; i < parsers_; ++i)
        threads_.emplace_back([this] { parse_blocks(); });
}

ReadAhead::~ReadAhead() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    for (std::thread& thread : threads_)
        thread.join();
}

ReadAhead::Batch ReadAhead::spare_batch() {
    Batch batch;
    {
        std::lock_guard lock(mutex_);
        if (!free_.empty()) {
            batch = std::move(free_.back());
            free_.pop_back();
        }
    }
    batch.size = 0;
    batch.progress.clear();
    return batch;
}

void ReadAhead::publish(std::uint64_t sequence, Result result) {
    {
        std::lock_guard lock(mutex_);
        error_seen_ = error_seen_ || result.error != nullptr;
        done_.emplace(sequence, std::move(result));
    }
    changed_.notify_all();
}

bool ReadAhead::read_statement(Source& source, Statement& statement, Result& result) {
    for (;;) {
        try {
            if (!source(statement))
                return false;
            break;
        } catch (const ImportError& e) {
            if (!skip_bad_)
                throw;
            if (result.skipped_messages.size() < 10)
                result.skipped_messages.push_back(e.what());
            ++result.skipped;
        }
    }
    ++result.read;
    Batch& batch = result.batch;
    if (batch.size == batch.facts.size())
        batch.facts.emplace_back();
    Fact& fact = batch.facts[batch.size++];
    for (std::size_t i = 0; i < 3; ++i)
        fact.terms[i].prepare(*statement[i]);
    fact.has_context = statement[3].has_value();
    if (fact.has_context)
        fact.terms[3].prepare(*statement[3]);
    return true;
}

void ReadAhead::run() {
    Statement statement;
    std::uint64_t sequence = 0, counted = 0; // results handed over; statements read or skipped
    Result result;
    // Waits while enough results are ahead; false if the loader is gone.
    const auto room = [&] {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || done_.size() < BATCHES_AHEAD; });
        return !stop_;
    };
    try {
        for (;;) {
            if (counted % LoadOptions::PROGRESS_EVERY == 0)
                result.batch.progress.push_back(position_ ? LoadProgress{position_(), counted}
                                                          : progress_of(in_, counted));
            const std::uint64_t before = result.read + result.skipped;
            const bool more = read_statement(source_, statement, result);
            counted += result.read + result.skipped - before;
            if (!more)
                break;
            if (result.batch.size == BATCH_FACTS) {
                if (!room())
                    return;
                publish(sequence++, std::move(result));
                result = Result{};
                result.batch = spare_batch();
            }
        }
    } catch (...) {
        result.error = std::current_exception();
    }
    // What was read before the end (or the error) goes too.
    if (result.batch.size > 0 || !result.batch.progress.empty() || result.skipped > 0 || result.error) {
        if (!room())
            return;
        publish(sequence++, std::move(result));
    }
    {
        std::lock_guard lock(mutex_);
        results_ = sequence;
    }
    changed_.notify_all();
}

void ReadAhead::cut_blocks() {
    const std::size_t ahead = 2 * parsers_; // blocks cut, being parsed, or parsed and waiting
    std::uint64_t sequence = 0, offset = 0;
    std::size_t line = 1;
    std::string carry; // the start of a line the last read cut off
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stop_ || error_seen_ || blocks_.size() + parsing_ + done_.size() < ahead; });
            if (stop_ || error_seen_)
                break;
        }
        std::string text = std::move(carry);
        carry = std::string();
        const std::size_t had = text.size();
        text.resize(had + BLOCK_BYTES);
        in_.read(text.data() + had, static_cast<std::streamsize>(BLOCK_BYTES));
        text.resize(had + static_cast<std::size_t>(in_.gcount()));
        const bool at_end = !in_;
        if (!at_end) {
            const std::size_t cut = text.rfind('\n');
            if (cut == std::string::npos) { // a line longer than a block: read on
                carry = std::move(text);
                continue;
            }
            carry.assign(text, cut + 1);
            text.resize(cut + 1);
        }
        if (!text.empty()) {
            Block block{sequence++, std::move(text), line, offset};
            offset += block.text.size();
            line += static_cast<std::size_t>(std::count(block.text.begin(), block.text.end(), '\n'));
            {
                std::lock_guard lock(mutex_);
                blocks_.push_back(std::move(block));
            }
            changed_.notify_all();
        }
        if (at_end)
            break;
    }
    {
        std::lock_guard lock(mutex_);
        results_ = sequence;
    }
    changed_.notify_all();
}

void ReadAhead::parse_blocks() {
    Statement statement;
    for (;;) {
        Block block;
        {
            std::unique_lock lock(mutex_);
            changed_.wait(lock, [&] { return stop_ || !blocks_.empty() || results_.has_value(); });
            if (stop_ || blocks_.empty())
                return;
            block = std::move(blocks_.front());
            blocks_.pop_front();
            ++parsing_;
        }
        Result result;
        result.batch = spare_batch();
        result.start_bytes = block.start_bytes;
        try {
            BlockBuffer buffer(block.text);
            std::istream stream(&buffer);
            Source source = block_source_(stream, block.first_line);
            while (read_statement(source, statement, result)) {
                result.counts.push_back(static_cast<std::uint32_t>(result.read + result.skipped));
                result.ends.push_back(static_cast<std::uint32_t>(stream.tellg()));
            }
        } catch (...) {
            result.error = std::current_exception();
        }
        {
            std::lock_guard lock(mutex_);
            --parsing_;
        }
        publish(block.sequence, std::move(result));
    }
}

bool ReadAhead::next(Batch& batch) {
    if (failed_)
        std::rethrow_exception(failed_);
    Result result;
    {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return done_.count(next_sequence_) || (results_ && next_sequence_ >= *results_); });
        const auto found = done_.find(next_sequence_);
        if (found == done_.end())
            return false;
        result = std::move(found->second);
        done_.erase(found);
        ++next_sequence_;
        free_.push_back(std::move(batch));
    }
    changed_.notify_all();
    const std::uint64_t before = read_ + skipped_;
    read_ += result.read;
    skipped_ += result.skipped;
    for (std::string& message : result.skipped_messages)
        if (first_skipped_.size() < 10)
            first_skipped_.push_back(std::move(message));
    // A block's progress points: where the count reached each multiple of PROGRESS_EVERY
    // in it (at a statement that was read, when statements around it were skipped).
    if (result.start_bytes) {
        const std::uint64_t every = LoadOptions::PROGRESS_EVERY, after = read_ + skipped_;
        for (std::uint64_t at = (before + every - 1) / every * every; at < after || (at == 0 && before == 0);
             at += every) {
            const auto reached = std::lower_bound(result.counts.begin(), result.counts.end(), at - before);
            if (at == before) {
                result.batch.progress.push_back({*result.start_bytes, at});
            } else if (reached != result.counts.end()) {
                const auto index = static_cast<std::size_t>(reached - result.counts.begin());
                result.batch.progress.push_back({*result.start_bytes + result.ends[index], before + *reached});
            }
            if (after == 0)
                break;
        }
    }
    batch = std::move(result.batch);
    if (result.error) {
        failed_ = result.error;
        if (batch.size == 0)
            std::rethrow_exception(failed_);
    }
    return true;
}

} // namespace quarry::engine::io
