#pragma once

// The state a Database keeps between statements, and the one place that decides in which
// transaction a statement runs:
//  - reads see the open transaction (begin … commit), or a snapshot of their own that the
//    rows keep alive, with the decoded-term cache kept across statements;
//  - writes run in the open transaction, or in one of their own committed at the end,
//    with storage's retry policy either way (Store::write, storage::Transaction::run);
//  - the cancel flag of the running statement.

#include "engine/exec_context.hpp"
#include "engine/planner.hpp"
#include "engine/terms.hpp"
#include "quarry/database.hpp"
#include "storage/store.hpp"
#include "storage/transaction.hpp"

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace quarry::engine {

class Session {
public:
    Session(const std::filesystem::path& path, const DatabaseOptions& options);

    storage::Store& store() noexcept { return store_; }
    const storage::Store& store() const noexcept { return store_; }
    // The planner's options for one statement (`explaining`: it is explained).
    PlannerOptions planner_options(bool explaining = false) const;

    std::atomic<bool>& cancelled() noexcept { return cancelled_; }
    // A statement starts: it is not cancelled (yet).
    void start_statement() noexcept { cancelled_.store(false); }

    // What a statement reads in. `txn` is the open transaction or `own`, a snapshot the
    // statement's rows keep alive; `terms` is the shared cache (snapshots only);
    // `prefixes` the declared prefixes, if asked for.
    struct Read {
        const storage::lmdb::Txn* txn = nullptr;
        std::shared_ptr<storage::lmdb::ReadTxn> own;
        TermCache* terms = nullptr;
        PrefixMap prefixes;
    };
    Read read(bool with_prefixes = true);

    // Runs write(txn) in the open transaction (kept to run again if the map must grow), or
    // in a transaction of its own, committed when it returns. `write` must be safe to run
    // again: its effects stay inside the transaction.
    template <typename Fn>
    auto write(Fn&& write);

    bool in_transaction() const noexcept { return transaction_ != nullptr; }
    // begin, commit, rollback. Throw Error("…") when there is (no) open transaction.
    void begin();
    void commit();
    void rollback();
    // The open transaction, for a statement that reads in it.
    const storage::lmdb::WriteTxn& transaction_txn() const { return transaction_->txn(); }

    void on_load_progress(std::function<void(const std::string&, const LoadProgress&)> report) {
        load_progress_ = std::move(report);
    }
    const std::function<void(const std::string&, const LoadProgress&)>& load_progress() const {
        return load_progress_;
    }

    // Empties the term cache (a restore replaces what ids mean).
    void forget_terms() { term_cache_.clear(); }

private:
    storage::Store store_;
    PlannerOptions planner_options_;
    std::unique_ptr<storage::Transaction> transaction_;
    std::atomic<bool> cancelled_{false};
    std::function<void(const std::string&, const LoadProgress&)> load_progress_;
    TermCache term_cache_; // for statements outside write transactions
};

PrefixMap load_prefixes(const storage::Store& store, const storage::lmdb::Txn& txn);

template <typename Fn>
auto Session::write(Fn&& write) {
    if (transaction_)
        return transaction_->run(std::forward<Fn>(write));
    return store_.write(write);
}

} // namespace quarry::engine
