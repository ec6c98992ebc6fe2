#include "storage/lmdb.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace quarry::storage::lmdb {

void check(int rc, const char* function) {
    if (rc != MDB_SUCCESS) [[unlikely]]
        throw StorageError(fmt::format("{}: {}", function, mdb_strerror(rc)), rc);
}

// --- Env -------------------------------------------------------------------------------

Env::Env(const std::filesystem::path& path, const EnvOptions& options)
    : read_only_(options.read_only) {
    check(mdb_env_create(&env_), "mdb_env_create");
    try {
        check(mdb_env_set_maxdbs(env_, options.max_dbs), "mdb_env_set_maxdbs");
        check(mdb_env_set_mapsize(env_, options.map_size), "mdb_env_set_mapsize");
        unsigned flags = MDB_NOSUBDIR | MDB_NOTLS;
        if (options.read_only)
            flags |= MDB_RDONLY;
        if (options.no_lock)
            flags |= MDB_NOLOCK;
        if (options.no_sync)
            flags |= MDB_NOSYNC;
        check(mdb_env_open(env_, path.c_str(), flags, 0644), "mdb_env_open");
        if (!options.read_only && !options.no_lock) {
            lock_fd_ = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
            if (lock_fd_ < 0)
                throw StorageError(fmt::format("cannot open {}: {}", path.string(), std::strerror(errno)), errno);
        }
        busy_timeout_ms_.store(options.busy_timeout.count());
    } catch (...) {
        mdb_env_close(env_);
        env_ = nullptr;
        throw;
    }
}

Env::~Env() noexcept {
    if (env_ != nullptr)
        mdb_env_close(env_);
    if (lock_fd_ >= 0)
        ::close(lock_fd_);
}

void Env::set_busy_timeout(std::chrono::milliseconds timeout) { busy_timeout_ms_.store(timeout.count()); }

namespace {

// The byte of the data file the writers lock: far beyond any real file size, so that it
// never meets a lock on the file's contents.
constexpr off_t WRITER_LOCK_BYTE = off_t{1} << 62;

struct flock writer_lock(short type) {
    struct flock lock {};
    lock.l_type = type;
    lock.l_whence = SEEK_SET;
    lock.l_start = WRITER_LOCK_BYTE;
    lock.l_len = 1;
    return lock;
}

} // namespace

void Env::lock_writer() {
    if (lock_fd_ < 0)
        return;
    std::lock_guard guard(writer_mutex_);
    if (writers_++ > 0)
        return; // this process holds the lock already
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(busy_timeout_ms_.load());
    for (auto pause = std::chrono::milliseconds(1);; pause = std::min(pause * 2, std::chrono::milliseconds(50))) {
        struct flock lock = writer_lock(F_WRLCK);
        if (::fcntl(lock_fd_, F_SETLK, &lock) == 0)
            return;
        const int error = errno;
        if (error != EACCES && error != EAGAIN && error != EINTR) {
            --writers_;
            throw StorageError(fmt::format("cannot lock the database for writing: {}", std::strerror(error)), error);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            --writers_;
            struct flock holder = writer_lock(F_WRLCK);
            const bool known = ::fcntl(lock_fd_, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK && holder.l_pid > 0;
            throw StorageError(known ? fmt::format("database is busy: another process is writing (pid {})", holder.l_pid)
                                     : std::string("database is busy: another process is writing"),
                               EBUSY);
        }
        std::this_thread::sleep_for(pause);
    }
}

void Env::unlock_writer() noexcept {
    if (lock_fd_ < 0)
        return;
    std::lock_guard guard(writer_mutex_);
    if (--writers_ > 0)
        return;
    struct flock lock = writer_lock(F_UNLCK);
    ::fcntl(lock_fd_, F_SETLK, &lock);
}

std::size_t Env::map_size() const {
    MDB_envinfo info;
    check(mdb_env_info(env_, &info), "mdb_env_info");
    return info.me_mapsize;
}

std::size_t Env::used_bytes() const {
    MDB_envinfo info;
    check(mdb_env_info(env_, &info), "mdb_env_info");
    MDB_stat stat;
    check(mdb_env_stat(env_, &stat), "mdb_env_stat");
    return (info.me_last_pgno + 1) * stat.ms_psize;
}

void Env::set_map_size(std::size_t bytes) {
    if (active_txns_.load() != 0)
        throw StorageError("cannot resize the database map while a transaction is open");
    check(mdb_env_set_mapsize(env_, bytes), "mdb_env_set_mapsize");
}

// --- Txn -------------------------------------------------------------------------------

Txn::Txn(Env& env, unsigned flags) : env_(&env), read_only_((flags & MDB_RDONLY) != 0) {
    if (!read_only_)
        env.lock_writer();
    int rc = mdb_txn_begin(env.handle(), nullptr, flags, &txn_);
    if (rc == MDB_MAP_RESIZED && env.active_transactions() == 0) {
        // Another process grew the map: adopt its size, then try once more.
        check(mdb_env_set_mapsize(env.handle(), 0), "mdb_env_set_mapsize");
        rc = mdb_txn_begin(env.handle(), nullptr, flags, &txn_);
    }
    if (rc != MDB_SUCCESS && !read_only_)
        env.unlock_writer();
    check(rc, "mdb_txn_begin");
    env_->active_txns_.fetch_add(1);
}

Txn::Txn(Txn&& other) noexcept
    : env_(std::exchange(other.env_, nullptr)), txn_(std::exchange(other.txn_, nullptr)),
      read_only_(other.read_only_) {}

Txn& Txn::operator=(Txn&& other) noexcept {
    if (this != &other) {
        abort();
        env_ = std::exchange(other.env_, nullptr);
        txn_ = std::exchange(other.txn_, nullptr);
        read_only_ = other.read_only_;
    }
    return *this;
}

Txn::~Txn() noexcept { abort(); }

void Txn::abort() noexcept {
    if (txn_ != nullptr) {
        mdb_txn_abort(txn_);
        txn_ = nullptr;
        env_->active_txns_.fetch_sub(1);
        if (!read_only_)
            env_->unlock_writer();
    }
}

void Txn::commit() {
    QUARRY_ASSERT(txn_ != nullptr, "commit of a finished transaction");
    // mdb_txn_commit frees the handle even when it fails.
    int rc = mdb_txn_commit(std::exchange(txn_, nullptr));
    env_->active_txns_.fetch_sub(1);
    if (!read_only_)
        env_->unlock_writer();
    check(rc, "mdb_txn_commit");
}

// --- Dbi -------------------------------------------------------------------------------

std::optional<Dbi> Dbi::open(const Txn& txn, const char* name, unsigned flags) {
    MDB_dbi dbi;
    int rc = mdb_dbi_open(txn.handle(), name, flags, &dbi);
    if (rc == MDB_NOTFOUND)
        return std::nullopt;
    check(rc, "mdb_dbi_open");
    return Dbi(dbi);
}

std::optional<std::string_view> Dbi::get(const Txn& txn, std::string_view key) const {
    MDB_val k = to_val(key);
    MDB_val v;
    int rc = mdb_get(txn.handle(), dbi_, &k, &v);
    if (rc == MDB_NOTFOUND)
        return std::nullopt;
    check(rc, "mdb_get");
    return to_view(v);
}

bool Dbi::put(const Txn& txn, std::string_view key, std::string_view value,
              unsigned flags) const {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_put(txn.handle(), dbi_, &k, &v, flags);
    if (rc == MDB_KEYEXIST)
        return false;
    check(rc, "mdb_put");
    return true;
}

bool Dbi::del(const Txn& txn, std::string_view key) const {
    MDB_val k = to_val(key);
    int rc = mdb_del(txn.handle(), dbi_, &k, nullptr);
    if (rc == MDB_NOTFOUND)
        return false;
    check(rc, "mdb_del");
    return true;
}

bool Dbi::del(const Txn& txn, std::string_view key, std::string_view value) const {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    int rc = mdb_del(txn.handle(), dbi_, &k, &v);
    if (rc == MDB_NOTFOUND)
        return false;
    check(rc, "mdb_del");
    return true;
}

std::size_t Dbi::size(const Txn& txn) const {
    MDB_stat stat;
    check(mdb_stat(txn.handle(), dbi_, &stat), "mdb_stat");
    return stat.ms_entries;
}

// --- Cursor ----------------------------------------------------------------------------

Cursor::Cursor(const Txn& txn, const Dbi& dbi) {
    check(mdb_cursor_open(txn.handle(), dbi.handle(), &cursor_), "mdb_cursor_open");
}

Cursor::~Cursor() noexcept {
    if (cursor_ != nullptr)
        mdb_cursor_close(cursor_);
}

Cursor& Cursor::operator=(Cursor&& other) noexcept {
    if (this != &other) {
        if (cursor_ != nullptr)
            mdb_cursor_close(cursor_);
        cursor_ = std::exchange(other.cursor_, nullptr);
    }
    return *this;
}

std::optional<Cursor::Entry> Cursor::fetch(MDB_val key, MDB_val value, MDB_cursor_op op) {
    int rc = mdb_cursor_get(cursor_, &key, &value, op);
    if (rc == MDB_NOTFOUND)
        return std::nullopt;
    check(rc, "mdb_cursor_get");
    return Entry{to_view(key), to_view(value)};
}

std::optional<Cursor::Entry> Cursor::get(MDB_cursor_op op) {
    return fetch(MDB_val{0, nullptr}, MDB_val{0, nullptr}, op);
}

std::optional<Cursor::Entry> Cursor::seek(std::string_view key, MDB_cursor_op op) {
    return fetch(to_val(key), MDB_val{0, nullptr}, op);
}

std::optional<Cursor::Entry> Cursor::seek_both(std::string_view key, std::string_view value,
                                               MDB_cursor_op op) {
    return fetch(to_val(key), to_val(value), op);
}

void Cursor::put(std::string_view key, std::string_view value, unsigned flags) {
    MDB_val k = to_val(key);
    MDB_val v = to_val(value);
    check(mdb_cursor_put(cursor_, &k, &v, flags), "mdb_cursor_put");
}

void Cursor::del(unsigned flags) { check(mdb_cursor_del(cursor_, flags), "mdb_cursor_del"); }

} // namespace quarry::storage::lmdb
