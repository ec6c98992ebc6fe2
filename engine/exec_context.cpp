#include "engine/exec_context.hpp"

#include "engine/op/operator.hpp"

#include <bit>

namespace quarry::engine {

const storage::Term* TermCache::find(TermId id) const {
    if (slots_.empty())
        return nullptr;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = home(id);; i = (i + 1) & mask) {
        const Slot& slot = slots_[i];
        if (slot.index == 0)
            return nullptr;
        if (slot.id == id)
            return &terms_[slot.index - 1];
    }
}

const storage::Term& TermCache::insert(TermId id, storage::Term term) {
    if ((terms_.size() + 1) * 2 > slots_.size()) { // at most half full: grow and re-place
        const std::size_t size = std::max<std::size_t>(64, slots_.size() * 2);
        shift_ = 64 - static_cast<unsigned>(std::countr_zero(size));
        std::vector<Slot> old(size);
        old.swap(slots_);
        for (const Slot& slot : old)
            if (slot.index != 0) {
                std::size_t i = home(slot.id);
                while (slots_[i].index != 0)
                    i = (i + 1) & (size - 1);
                slots_[i] = slot;
            }
    }
    terms_.push_back(std::move(term));
    std::size_t i = home(id);
    while (slots_[i].index != 0)
        i = (i + 1) & (slots_.size() - 1);
    slots_[i] = {id, terms_.size()};
    return terms_.back();
}

void TermCache::clear() {
    slots_.clear();
    shift_ = 64;
    terms_.clear();
}

ExecContext::ExecContext(const storage::Store& store, const storage::lmdb::Txn& txn,
                         const std::atomic<bool>& cancelled, TermCache* shared)
    : store_(store), txn_(&txn), cancelled_(cancelled),
      own_terms_(shared ? nullptr : std::make_unique<TermCache>()),
      terms_(shared ? *shared : *own_terms_) {}

ExecContext::~ExecContext() = default;

OperatorState& ExecContext::block_state(const Operator& block) {
    auto& state = blocks_[&block];
    if (!state)
        state = block.make_state();
    return *state;
}

const OperatorState* ExecContext::find_block_state(const Operator& block) const {
    const auto found = blocks_.find(&block);
    return found == blocks_.end() ? nullptr : found->second.get();
}

TermId ExecContext::intern(const Value& value) {
    if (!value)
        return UNBOUND;
    if (const auto id = storage::inline_id(*value))
        return *id;
    auto [it, added] = computed_.try_emplace(storage::encode_term(*value), 0);
    if (added)
        it->second = unstored_id(*value);
    return it->second;
}

const storage::Term& ExecContext::term(TermId id) {
    if (storage::id_tag(id) == storage::IdTag::SPECIAL && id != storage::DEFAULT_CONTEXT_ID)
        return unstored_.at(storage::id_payload(id) - 1);
    if (const storage::Term* found = terms_.find(id))
        return *found;
    return terms_.insert(id, store_.resolve(*txn_, id));
}

} // namespace quarry::engine
