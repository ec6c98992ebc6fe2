#include "engine/io/read_ahead.hpp"

namespace quarry::engine::io {

ReadAhead::ReadAhead(Source source, std::istream& in, bool skip_bad)
    : source_(std::move(source)), in_(in), skip_bad_(skip_bad), thread_([this] { run(); }) {}

ReadAhead::~ReadAhead() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

void ReadAhead::run() {
    Statement statement;
    Batch batch;
    std::exception_ptr error;
    // Hands the batch over (waiting while enough are ahead); false if the loader is gone.
    const auto hand_over = [&] {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return stop_ || full_.size() < BATCHES_AHEAD; });
        if (stop_)
            return false;
        full_.push_back(std::move(batch));
        if (!free_.empty()) {
            batch = std::move(free_.back());
            free_.pop_back();
        } else {
            batch = Batch{};
        }
        batch.size = 0;
        batch.progress.clear();
        lock.unlock();
        changed_.notify_all();
        return true;
    };
    try {
        for (;;) {
            if ((read_ + skipped_) % LoadOptions::PROGRESS_EVERY == 0)
                batch.progress.push_back(progress_of(in_, read_ + skipped_));
            try {
                if (!source_(statement))
                    break;
            } catch (const ImportError& e) {
                if (!skip_bad_)
                    throw;
                if (first_skipped_.size() < 10)
                    first_skipped_.push_back(e.what());
                ++skipped_;
                continue;
            }
            ++read_;
            if (batch.size == batch.facts.size())
                batch.facts.emplace_back();
            Fact& fact = batch.facts[batch.size++];
            for (std::size_t i = 0; i < 3; ++i)
                fact.terms[i].prepare(*statement[i]);
            fact.has_context = statement[3].has_value();
            if (fact.has_context)
                fact.terms[3].prepare(*statement[3]);
            if (batch.size == BATCH_FACTS && !hand_over())
                return;
        }
    } catch (...) {
        error = std::current_exception();
    }
    // What was read before the end (or the error) goes too.
    if (batch.size > 0 || !batch.progress.empty())
        hand_over();
    {
        std::lock_guard lock(mutex_);
        error_ = error;
        finished_ = true;
    }
    changed_.notify_all();
}

bool ReadAhead::next(Batch& batch) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !full_.empty() || finished_; });
    if (full_.empty()) {
        if (error_)
            std::rethrow_exception(error_);
        return false;
    }
    free_.push_back(std::move(batch));
    batch = std::move(full_.front());
    full_.pop_front();
    lock.unlock();
    changed_.notify_all();
    return true;
}

} // namespace quarry::engine::io
