#pragma once

// Binary snapshots of a database: `dump` writes every term (with its id), every fact and
// the prefixes as a stream of packed Cap'n Proto messages (schema/dump.capnp); `restore`
// reads one into an empty database, keeping the ids, in one transaction. A truncated,
// damaged (checksum) or foreign file is refused with a StorageError and changes nothing.

#include "storage/store.hpp"

#include <filesystem>

namespace quarry::storage {

struct DumpCounts {
    std::uint64_t terms = 0;
    std::uint64_t facts = 0;
};

// Writes the snapshot of `txn` to `file` (replaced). Throws StorageError.
DumpCounts dump(const Store& store, const lmdb::Txn& txn, const std::filesystem::path& file);

// Restores `file` into `store`, which must hold no fact and no term. Throws StorageError.
DumpCounts restore(Store& store, const std::filesystem::path& file);

} // namespace quarry::storage
