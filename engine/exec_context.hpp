#pragma once

// What a running statement needs: the store, its transaction, a cache of decoded terms,
// the cancellation flag, and the row layout (one slot per variable).

#include "engine/value.hpp"
#include "storage/store.hpp"

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace quarry::engine {

using storage::TermId;

// A slot holds no term.
constexpr TermId UNBOUND = ~TermId{0};

// A batch of rows of term ids, `width` slots each, stored flat.
struct RowBatch {
    std::size_t width = 0;
    std::vector<TermId> ids;

    std::size_t size() const { return width == 0 ? 0 : ids.size() / width; }
    bool empty() const { return ids.empty(); }
    void clear() { ids.clear(); }
    const TermId* row(std::size_t index) const { return ids.data() + index * width; }
    void push(const TermId* row) {
        if (ids.capacity() == 0)
            ids.reserve(width * FIRST_ROWS); // rather than growing from one row
        ids.insert(ids.end(), row, row + width);
    }
    static constexpr std::size_t FIRST_ROWS = 64;
};

constexpr std::size_t BATCH_ROWS = 1024;

// Thrown when the statement was cancelled (Database::cancel).
using quarry::Cancelled;

// Decoded terms by id. An id names the same term forever once committed (terms are never
// deleted), so a cache filled from committed snapshots can serve every later statement.
// An open-addressing table of (id, index) over a deque of terms: one probe in the common
// case, and a term stays where it is (references stay valid) until clear().
class TermCache {
public:
    const storage::Term* find(TermId id) const;
    const storage::Term& insert(TermId id, storage::Term term); // precondition: !find(id)
    std::size_t size() const noexcept { return terms_.size(); }
    void clear();

private:
    struct Slot {
        TermId id = 0;
        std::size_t index = 0; // into terms_, plus one; 0: empty
    };
    std::size_t home(TermId id) const noexcept { return (id * 0x9E3779B97F4A7C15ULL) >> shift_; }
    std::vector<Slot> slots_;
    unsigned shift_ = 64;
    std::deque<storage::Term> terms_;
};

class ExecContext : private storage::ScanFilter {
public:
    // `shared`: a cache kept across statements, for statements that read committed data
    // only (not inside a write transaction, whose new ids a rollback can hand out again).
    // It must not be emptied while the statement runs.
    ExecContext(const storage::Store& store, const storage::lmdb::Txn& txn,
                const std::atomic<bool>& cancelled, TermCache* shared = nullptr)
        : store_(store), txn_(&txn), cancelled_(cancelled),
          own_terms_(shared ? nullptr : std::make_unique<TermCache>()), terms_(shared ? *shared : *own_terms_) {}

    const storage::Store& store() const { return store_; }

    // The facts matching `pattern`, as Store::scan, without those only rules derive when
    // the statement reads asserted facts only (a match written `asserted`).
    storage::QuadScan scan(const storage::QuadPattern& pattern,
                           storage::ScanMode mode = storage::ScanMode::QUADS) const {
        storage::QuadScan scan = store_.scan(*txn_, pattern, mode);
        if (asserted_only_)
            scan.set_filter(this);
        return scan;
    }
    // A scan of a key range of `index` (QuadScan's second constructor), filtered as scan().
    storage::QuadScan scan(const storage::QuadIndex& index, const storage::Key& lo,
                           const storage::Key& hi, storage::ScanMode mode) const {
        storage::QuadScan scan(*txn_, index, lo, hi, mode);
        if (asserted_only_)
            scan.set_filter(this);
        return scan;
    }
    void set_asserted_only(bool asserted_only) noexcept { asserted_only_ = asserted_only; }
    bool asserted_only() const noexcept { return asserted_only_; }
    const storage::lmdb::Txn& txn() const { return *txn_; }
    // Moves to another transaction on the same snapshot (a prepared query's next run);
    // forgets the unstored values and the time of now().
    void rebind(const storage::lmdb::Txn& txn) {
        txn_ = &txn;
        now_.reset();
        unstored_.clear();
        computed_.clear();
    }

    // An id for a value that is not stored (a parameter's): no fact has it, so it matches
    // nothing, and term() gives the value back. Valid for this statement.
    TermId unstored_id(storage::Term term) {
        unstored_.push_back(std::move(term));
        return storage::make_id(storage::IdTag::SPECIAL, unstored_.size());
    }

    // An id for a computed value (a result expression's, an aggregate's): UNBOUND for
    // nothing, the inline id of an inline term, otherwise an unstored id, the same one for
    // equal values within the statement. Two computed ids are equal exactly when their
    // values are the same term, so the result stage groups and removes duplicates of
    // computed columns by id. (A computed id may differ from the stored id of the same
    // term: compare ids only within one column.)
    TermId intern(const Value& value);

    // The term of an id, decoded once per statement (or once, with a shared cache).
    const storage::Term& term(TermId id);
    Value value(TermId id) {
        if (id == UNBOUND)
            return Value();
        if (storage::is_inline(id))
            return storage::decode_inline(id); // no look-up
        return Value(term(id));
    }
    // The id of a term, if stored (inline terms always are).
    std::optional<TermId> find(const storage::Term& term) const { return store_.find(*txn_, term); }

    // now(): the time the statement first asked for it, the same for all its rows.
    const storage::Term& now() {
        if (!now_)
            now_ = current_time();
        return *now_;
    }

    // Throws Cancelled if the statement was cancelled; called between batches.
    void check_cancelled() const {
        if (cancelled_.load(std::memory_order_relaxed))
            throw Cancelled();
    }

private:
    bool keep(const storage::Quad& quad) const override {
        const auto mark = store_.derived(*txn_, quad);
        return !mark || mark->asserted;
    }

    const storage::Store& store_;
    const storage::lmdb::Txn* txn_;
    const std::atomic<bool>& cancelled_;
    std::deque<storage::Term> unstored_; // unstored_id(): payload - 1 (a deque: term() references stay valid)
    std::unordered_map<std::string, TermId> computed_; // intern(): canonical encoding → id
    std::unique_ptr<TermCache> own_terms_; // only without a shared one
    std::optional<storage::Term> now_;
    TermCache& terms_;
    bool asserted_only_ = false; // scans skip the facts only rules derive
};

} // namespace quarry::engine
