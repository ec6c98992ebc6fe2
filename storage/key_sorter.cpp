#include "storage/key_sorter.hpp"

#include "storage/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace quarry::storage {

namespace {

constexpr std::size_t MIN_KEYS = 1024;
constexpr std::size_t MIN_READ_KEYS = 512;       // 16 KiB per run while merging
constexpr std::size_t MAX_READ_KEYS = 8 * 1024;  // 256 KiB

} // namespace

// One sorted run in a temporary file, read back through a buffer.
struct KeySorter::Run {
    std::FILE* file = nullptr;
    std::vector<Key> buffer;
    std::size_t position = 0;

    ~Run() {
        if (file)
            std::fclose(file);
    }
    const Key& current() const { return buffer[position]; }
    // Moves to the next key; false at the end of the run.
    bool advance() {
        if (++position < buffer.size())
            return true;
        buffer.resize(buffer.capacity());
        const std::size_t got = std::fread(buffer.data(), sizeof(Key), buffer.size(), file);
        if (got == 0 && std::ferror(file))
            throw StorageError(fmt::format("cannot read a sort run: {}", std::strerror(errno)), errno);
        buffer.resize(got);
        position = 0;
        return got > 0;
    }
};

KeySorter::KeySorter(std::size_t memory, std::filesystem::path temp_dir)
    : capacity_(std::max(MIN_KEYS, memory / sizeof(Key) / 2)), temp_dir_(std::move(temp_dir)) {}

KeySorter::~KeySorter() {
    if (spilling_.valid())
        spilling_.wait(); // its error, if any, has nobody left to tell
}

void KeySorter::add(const Key& key) {
    if (buffer_.size() == capacity_)
        spill();
    if (buffer_.capacity() == 0)
        buffer_.reserve(capacity_); // address space only: pages are touched as keys arrive
    buffer_.push_back(key);
}

void KeySorter::prepare() {
    if (!merging_)
        start_merge();
}

void KeySorter::spill() {
    finish_spill();
    // The file is made here, so that a directory without room or rights fails this add.
    std::string name = (temp_dir_ / "quarry-sort-XXXXXX").string();
    const int fd = ::mkstemp(name.data());
    if (fd < 0)
        throw StorageError(fmt::format("cannot create a sort run in {}: {}", temp_dir_.string(), std::strerror(errno)), errno);
    ::unlink(name.c_str());
    auto run = std::make_unique<Run>();
    run->file = ::fdopen(fd, "w+b");
    if (!run->file) {
        ::close(fd);
        throw StorageError(fmt::format("cannot open a sort run: {}", std::strerror(errno)), errno);
    }
    spilling_ = std::async(std::launch::async, [run = std::move(run), keys = std::move(buffer_),
                                                dir = temp_dir_.string()]() mutable {
        std::sort(keys.begin(), keys.end(), KeyLess());
        keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
        if (std::fwrite(keys.data(), sizeof(Key), keys.size(), run->file) != keys.size() ||
            std::fflush(run->file) != 0)
            throw StorageError(fmt::format("cannot write a sort run in {}: {}", dir, std::strerror(errno)), errno);
        keys.clear();
        return std::pair(std::move(run), std::move(keys));
    });
    buffer_ = std::move(spare_);
    spare_ = {};
}

void KeySorter::finish_spill() {
    if (!spilling_.valid())
        return;
    auto [run, keys] = spilling_.get();
    runs_.push_back(std::move(run));
    spare_ = std::move(keys);
}

void KeySorter::start_merge() {
    merging_ = true;
    finish_spill();
    if (runs_.empty()) { // everything fits: sort in place, no files
        std::sort(buffer_.begin(), buffer_.end(), KeyLess());
        return;
    }
    if (!buffer_.empty()) {
        spill();
        finish_spill();
    }
    buffer_ = {};
    spare_ = {};
    // The runs' read buffers share the budget, but 256 KiB each is all that sequential
    // reads need: the rest stays free for the index pages the merge is written to.
    const std::size_t read_keys = std::clamp(capacity_ / runs_.size(), MIN_READ_KEYS, MAX_READ_KEYS);
    for (auto& run : runs_) {
        if (std::fseek(run->file, 0, SEEK_SET) != 0)
            throw StorageError(fmt::format("cannot read a sort run: {}", std::strerror(errno)), errno);
        run->buffer.reserve(read_keys);
        run->buffer.clear();
        run->position = static_cast<std::size_t>(-1); // so that advance() reads the first block
        if (run->advance())
            heap_.push_back(run.get());
    }
    std::make_heap(heap_.begin(), heap_.end(), [](const Run* a, const Run* b) { return b->current() < a->current(); });
}

std::optional<Key> KeySorter::next() {
    prepare();
    const auto later = [](const Run* a, const Run* b) { return b->current() < a->current(); };
    for (;;) {
        Key key;
        if (runs_.empty()) {
            if (position_ == buffer_.size())
                return std::nullopt;
            key = buffer_[position_++];
        } else {
            if (heap_.empty())
                return std::nullopt;
            std::pop_heap(heap_.begin(), heap_.end(), later);
            Run* run = heap_.back();
            key = run->current();
            if (run->advance())
                std::push_heap(heap_.begin(), heap_.end(), later);
            else
                heap_.pop_back();
        }
        if (last_ && *last_ == key)
            continue;
        last_ = key;
        return key;
    }
}

} // namespace quarry::storage
