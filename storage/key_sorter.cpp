#include "storage/key_sorter.hpp"

#include "storage/block.hpp"
#include "storage/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <span>
#include <unistd.h>

namespace quarry::storage {

namespace {

constexpr std::size_t MIN_KEYS = 1024;
// A run is a sequence of chunks of up to 4096 keys: the first key (32 bytes), the byte
// length of the rest (4 bytes), and the rest delta-encoded as index blocks are
// (block.hpp), a quarter of the bytes or less. A merge reads a chunk of every run at a
// time, so a sorter with a small budget, which makes many runs, writes smaller chunks
// (down to 1024 keys): a sixty-fourth of the buffer.
std::size_t run_chunk_keys(std::size_t capacity) { return std::clamp<std::size_t>(capacity / 64, 1024, 4096); }

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
    std::string chunk; // the encoded rest of the chunk being read

    const Key& current() const { return buffer[position]; }
    // Moves to the next key; false at the end of the run.
    bool advance() {
        if (++position < buffer.size())
            return true;
        Key first;
        std::uint32_t length = 0;
        const std::size_t got = std::fread(&first, sizeof first, 1, file);
        if (got == 0 && !std::ferror(file))
            return false; // the end
        if (got != 1 || std::fread(&length, sizeof length, 1, file) != 1)
            fail();
        chunk.resize(length);
        if (std::fread(chunk.data(), 1, length, file) != length)
            fail();
        decode_block(first, chunk, buffer);
        position = 0;
        return true;
    }
    [[noreturn]] void fail() const {
        if (std::ferror(file))
            throw StorageError(fmt::format("cannot read a sort run: {}", std::strerror(errno)), errno);
        throw StorageError("a sort run is shorter than written");
    }

    // Writes sorted, distinct keys as the run's chunks.
    static bool write(std::FILE* file, std::span<const Key> keys, std::size_t chunk_keys) {
        std::string encoded;
        for (std::size_t start = 0; start < keys.size(); start += chunk_keys) {
            const auto part = keys.subspan(start, std::min(chunk_keys, keys.size() - start));
            encode_block(part, encoded);
            const auto length = static_cast<std::uint32_t>(encoded.size());
            if (std::fwrite(part.data(), sizeof(Key), 1, file) != 1 ||
                std::fwrite(&length, sizeof length, 1, file) != 1 ||
                std::fwrite(encoded.data(), 1, encoded.size(), file) != encoded.size())
                return false;
        }
        return std::fflush(file) == 0;
    }
};

KeySorter::KeySorter(std::size_t memory, std::filesystem::path temp_dir)
    : capacity_(std::max(MIN_KEYS, memory / sizeof(Key) / 2)), temp_dir_(std::move(temp_dir)) {}

KeySorter::~KeySorter() = default; // a run still being written is waited for by its future

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
                                                dir = temp_dir_.string(), chunk_keys = run_chunk_keys(capacity_)]() mutable {
        sort_keys(keys);
        keys.erase(std::unique(keys.begin(), keys.end(), same_key), keys.end());
        if (!Run::write(run->file, keys, chunk_keys))
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
        sort_keys(buffer_);
        return;
    }
    if (!buffer_.empty()) {
        spill();
        finish_spill();
    }
    buffer_ = {};
    spare_ = {};
    // Each run is read a chunk (32 to 128 KiB decoded) at a time: the rest of the budget
    // stays free for the index pages the merge is written to.
    for (auto& run : runs_) {
        if (std::fseek(run->file, 0, SEEK_SET) != 0)
            throw StorageError(fmt::format("cannot read a sort run: {}", std::strerror(errno)), errno);
        run->buffer.clear();
        run->position = static_cast<std::size_t>(-1); // so that advance() reads the first chunk
        if (run->advance())
            heap_.push_back(run.get());
    }
    std::make_heap(heap_.begin(), heap_.end(), [](const Run* a, const Run* b) { return KeyLess()(b->current(), a->current()); });
}

bool KeySorter::step(Key& key) {
    if (runs_.empty()) {
        if (position_ == buffer_.size())
            return false;
        key = buffer_[position_++];
        return true;
    }
    if (heap_.empty())
        return false;
    Run* run = heap_.front();
    key = run->current();
    if (!run->advance()) {
        std::pop_heap(heap_.begin(), heap_.end(),
                      [](const Run* a, const Run* b) { return KeyLess()(b->current(), a->current()); });
        heap_.pop_back();
        return true;
    }
    // The run at the top moved on: sift it down to its place (the smallest key on top).
    const std::size_t size = heap_.size();
    for (std::size_t i = 0;;) {
        std::size_t child = 2 * i + 1;
        if (child >= size)
            break;
        if (child + 1 < size && KeyLess()(heap_[child + 1]->current(), heap_[child]->current()))
            ++child;
        if (!KeyLess()(heap_[child]->current(), heap_[i]->current()))
            break;
        std::swap(heap_[i], heap_[child]);
        i = child;
    }
    return true;
}

std::optional<Key> KeySorter::next() {
    prepare();
    Key key;
    while (step(key)) {
        if (last_ && same_key(*last_, key))
            continue;
        last_ = key;
        return key;
    }
    return std::nullopt;
}

bool KeySorter::read(std::vector<Key>& out, std::size_t max) {
    prepare();
    const std::size_t before = out.size();
    Key key;
    while (out.size() - before < max && step(key)) {
        if (last_ && same_key(*last_, key))
            continue;
        last_ = key;
        out.push_back(key);
    }
    return out.size() > before;
}

} // namespace quarry::storage
