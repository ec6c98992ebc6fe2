#pragma once

// Thin RAII wrappers over the LMDB C API, in the manner of lmdbxx.
//
// Rules of use (from lmdb.h):
//  - An Env is opened once per process per file and outlives every transaction, Dbi and
//    cursor made from it. It is neither copyable nor movable: transactions point at it.
//  - A transaction aborts in its destructor unless commit() was called. A write
//    transaction is exclusive across processes; read transactions see a snapshot.
//  - Values returned as std::string_view point into the memory map: they stay valid only
//    until the next write in the same transaction or the end of the transaction.
//  - A Cursor must be destroyed before its transaction ends (lmdbxx's double-free warning):
//    keep cursors in an inner scope.
//  - Every mdb_* call goes through check(), which throws StorageError with the function
//    name and mdb_strerror text. MDB_NOTFOUND is reported as an empty optional / false.
//  - Threading: the Env is opened with MDB_NOTLS, so a read transaction may move between
//    threads, but a transaction and its cursors must be used by one thread at a time.

#include "storage/error.hpp"

#include <lmdb.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

namespace quarry::storage::lmdb {

// Throws StorageError("<function>: <mdb_strerror>", rc) unless rc == MDB_SUCCESS.
void check(int rc, const char* function);

inline MDB_val to_val(std::string_view bytes) {
    return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}
inline std::string_view to_view(const MDB_val& val) {
    return {static_cast<const char*>(val.mv_data), val.mv_size};
}

struct EnvOptions {
    std::size_t map_size = std::size_t{64} << 20;
    unsigned max_dbs = 16;
    bool read_only = false;
    bool no_lock = false; // MDB_NOLOCK: only for probing a file nobody else writes
    bool no_sync = false; // MDB_NOSYNC: faster commits, not durable on power loss
    // How long a write transaction waits for another process's to end before it fails
    // with "database is busy".
    std::chrono::milliseconds busy_timeout{5000};
};

class Env {
public:
    // Opens `path` as a single-file environment (MDB_NOSUBDIR). Throws StorageError.
    Env(const std::filesystem::path& path, const EnvOptions& options);
    ~Env() noexcept;
    Env(const Env&) = delete;
    Env& operator=(const Env&) = delete;

    MDB_env* handle() const noexcept { return env_; }
    bool read_only() const noexcept { return read_only_; }

    // The current map size in bytes, and the bytes in use (last page + 1).
    std::size_t map_size() const;
    std::size_t used_bytes() const;

    // Resizes the map. Only legal while this process has no open transaction; throws
    // StorageError otherwise. `bytes == 0` adopts a size another process has set.
    void set_map_size(std::size_t bytes);

    // Open transactions of this process on this Env, kept by Txn.
    int active_transactions() const noexcept { return active_txns_.load(); }

    // How long a write transaction waits for another process's (EnvOptions::busy_timeout).
    void set_busy_timeout(std::chrono::milliseconds timeout);

private:
    friend class Txn;
    // Writers of different processes meet on a record lock (fcntl) on one byte of the
    // data file far past its end, held while this process has a write transaction open;
    // another process polls for it up to the busy timeout, then fails naming the holder's
    // pid. LMDB's own writer mutex would wait without end. Readers take no lock at all.
    void lock_writer();
    void unlock_writer() noexcept;

    MDB_env* env_ = nullptr;
    bool read_only_ = false;
    std::atomic<int> active_txns_{0};
    int lock_fd_ = -1;
    std::mutex writer_mutex_;
    int writers_ = 0; // write transactions of this process holding or waiting for the lock
    std::atomic<std::int64_t> busy_timeout_ms_{5000};
};

// A transaction; ReadTxn and WriteTxn add what only one of them may do. Functions that
// only read take `const Txn&` so that they work in either.
class Txn {
public:
    Txn(const Txn&) = delete;
    Txn& operator=(const Txn&) = delete;
    Txn(Txn&& other) noexcept;
    Txn& operator=(Txn&& other) noexcept;
    ~Txn() noexcept;

    MDB_txn* handle() const noexcept { return txn_; }
    bool read_only() const noexcept { return read_only_; }

    // Ends the transaction without saving anything. Idempotent.
    void abort() noexcept;
    // Ends the transaction, saving its writes (and keeping the handles of tables it
    // opened). The transaction is over afterwards, whether this throws or not.
    void commit();

protected:
    Txn(Env& env, unsigned flags);

    Env* env_ = nullptr;
    MDB_txn* txn_ = nullptr;
    bool read_only_ = true;
};

class ReadTxn : public Txn {
public:
    explicit ReadTxn(Env& env) : Txn(env, MDB_RDONLY) {}
};

// Waits for another process's write transaction at most the Env's busy timeout, then
// throws StorageError "database is busy: another process is writing (pid N)" (code EBUSY).
class WriteTxn : public Txn {
public:
    explicit WriteTxn(Env& env) : Txn(env, 0) {}
};

// A named database inside the environment. The handle stays valid for the Env's lifetime
// once the transaction that opened it committed (or for read-only opens, always).
class Dbi {
public:
    Dbi() = default;
    // Opens (with MDB_CREATE in `flags`: creates) the named database. Returns nullopt if
    // it does not exist and MDB_CREATE was not given.
    static std::optional<Dbi> open(const Txn& txn, const char* name, unsigned flags = 0);

    MDB_dbi handle() const noexcept { return dbi_; }

    std::optional<std::string_view> get(const Txn& txn, std::string_view key) const;
    // Stores key → value; `flags` as for mdb_put. Returns false if MDB_NOOVERWRITE or
    // MDB_NODUPDATA was given and the key (pair) exists.
    bool put(const Txn& txn, std::string_view key, std::string_view value,
             unsigned flags = 0) const;
    // Deletes key (or the one key/value pair of a DUPSORT database). False if absent.
    bool del(const Txn& txn, std::string_view key) const;
    bool del(const Txn& txn, std::string_view key, std::string_view value) const;
    // Number of entries.
    std::size_t size(const Txn& txn) const;

private:
    explicit Dbi(MDB_dbi dbi) : dbi_(dbi) {}
    MDB_dbi dbi_ = 0;
};

class Cursor {
public:
    using Entry = std::pair<std::string_view, std::string_view>;

    Cursor(const Txn& txn, const Dbi& dbi);
    ~Cursor() noexcept;
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;
    Cursor(Cursor&& other) noexcept : cursor_(std::exchange(other.cursor_, nullptr)) {}
    Cursor& operator=(Cursor&& other) noexcept;

    // mdb_cursor_get with `op`; nullopt on MDB_NOTFOUND.
    std::optional<Entry> get(MDB_cursor_op op);
    // Positions at `key` (MDB_SET_KEY or MDB_SET_RANGE) and returns the entry there.
    std::optional<Entry> seek(std::string_view key, MDB_cursor_op op = MDB_SET_RANGE);
    // MDB_GET_BOTH / MDB_GET_BOTH_RANGE on a DUPSORT database.
    std::optional<Entry> seek_both(std::string_view key, std::string_view value,
                                   MDB_cursor_op op = MDB_GET_BOTH);
    void put(std::string_view key, std::string_view value, unsigned flags = 0);
    // Deletes the entry under the cursor.
    void del(unsigned flags = 0);

    MDB_cursor* handle() const noexcept { return cursor_; }

private:
    std::optional<Entry> fetch(MDB_val key, MDB_val value, MDB_cursor_op op);

    MDB_cursor* cursor_ = nullptr;
};

} // namespace quarry::storage::lmdb
