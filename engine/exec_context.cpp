#include "engine/exec_context.hpp"

namespace quarry::engine {

const storage::Term& ExecContext::term(TermId id) {
    auto found = terms_.find(id);
    if (found == terms_.end())
        found = terms_.emplace(id, store_.resolve(txn_, id)).first;
    return found->second;
}

} // namespace quarry::engine
