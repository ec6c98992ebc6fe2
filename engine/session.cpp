#include "engine/session.hpp"

namespace quarry::engine {

namespace {

// Decoded terms kept across statements, at most.
constexpr std::size_t TERM_CACHE_LIMIT = 1 << 18;

} // namespace

PrefixMap load_prefixes(const storage::Store& store, const storage::lmdb::Txn& txn) {
    PrefixMap prefixes;
    for (auto& [name, iri] : store.prefixes(txn))
        prefixes.emplace(std::move(name), std::move(iri));
    return prefixes;
}

Session::Session(const std::filesystem::path& path, const DatabaseOptions& options)
    : store_(path, storage::StoreOptions{options.read_only, options.map_size, options.no_sync}),
      planner_options_{options.planner} {}

PlannerOptions Session::planner_options(bool explaining) const {
    PlannerOptions options = planner_options_;
    options.explaining = explaining;
    return options;
}

Session::Read Session::read(bool with_prefixes) {
    Read read;
    if (transaction_) {
        read.txn = &transaction_->txn();
    } else {
        read.own = std::make_shared<storage::lmdb::ReadTxn>(store_.begin_read());
        read.txn = read.own.get();
        // Decoded terms are kept across statements, up to a bound checked only here,
        // between statements, since a running one holds references into the cache.
        if (term_cache_.size() > TERM_CACHE_LIMIT)
            term_cache_.clear();
        read.terms = &term_cache_;
    }
    if (with_prefixes)
        read.prefixes = load_prefixes(store_, *read.txn);
    return read;
}

void Session::begin() {
    if (transaction_)
        throw Error("a transaction is already open (commit or rollback it first)");
    transaction_ = std::make_unique<storage::Transaction>(store_);
}

void Session::commit() {
    if (!transaction_)
        throw Error("no transaction is open");
    auto transaction = std::move(transaction_);
    transaction->commit();
}

void Session::rollback() {
    if (!transaction_)
        throw Error("no transaction is open");
    auto transaction = std::move(transaction_);
    transaction->abort();
}

} // namespace quarry::engine
