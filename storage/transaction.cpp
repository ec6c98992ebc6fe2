#include "storage/transaction.hpp"

namespace quarry::storage {

void Transaction::grow_and_replay() {
    for (;;) {
        txn_.abort();
        store_.grow_map(store_.env().used_bytes());
        txn_ = store_.begin_write();
        try {
            for (auto& write : done_)
                write(txn_);
            return;
        } catch (const StorageError& e) {
            if (e.code() != MDB_MAP_FULL)
                throw;
        }
    }
}

} // namespace quarry::storage
