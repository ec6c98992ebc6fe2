#pragma once

// A write transaction kept open across several writes (begin … commit in the language),
// with the same retry policy as Store::write: when the map fills, the transaction starts
// again in a larger map and the writes it ran so far run again, in order, then the one
// that failed. So a long transaction never fails for room, and its writes must be safe to
// run again (keep their effects inside the transaction; every write of a statement is).

#include "storage/store.hpp"

#include <functional>
#include <type_traits>
#include <utility>
#include <vector>

namespace quarry::storage {

class Transaction {
public:
    explicit Transaction(Store& store) : store_(store), txn_(store.begin_write()) {}
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // Runs write(txn) in the transaction and keeps a copy of it, to run again if the map
    // grows later. Throws what write throws; then the transaction is as before the call.
    template <typename Fn>
    auto run(Fn write) -> std::invoke_result_t<Fn&, lmdb::WriteTxn&>;

    // The transaction, for reads (and for writes that are never replayed: none should be).
    const lmdb::WriteTxn& txn() const noexcept { return txn_; }

    void commit() { txn_.commit(); }
    void abort() { txn_.abort(); }

private:
    // Starts the transaction again in a larger map and runs the kept writes.
    void grow_and_replay();

    Store& store_;
    lmdb::WriteTxn txn_;
    std::vector<std::function<void(lmdb::WriteTxn&)>> done_;
};

template <typename Fn>
auto Transaction::run(Fn write) -> std::invoke_result_t<Fn&, lmdb::WriteTxn&> {
    using Result = std::invoke_result_t<Fn&, lmdb::WriteTxn&>;
    for (;;) {
        try {
            if constexpr (std::is_void_v<Result>) {
                write(txn_);
                done_.emplace_back(std::move(write));
                return;
            } else {
                Result result = write(txn_);
                done_.emplace_back(
                    [write = std::move(write)](lmdb::WriteTxn& txn) mutable { write(txn); });
                return result;
            }
        } catch (const StorageError& e) {
            if (e.code() != MDB_MAP_FULL)
                throw;
        }
        grow_and_replay();
    }
}

} // namespace quarry::storage
