#include "storage/statistics.hpp"

#include "storage/error.hpp"

#include <fmt/format.h>

namespace quarry::storage {

namespace {

constexpr std::string_view FACTS_KEY = "facts";

std::string id_key(TermId id) {
    std::string key;
    append_be64(key, id);
    return key;
}

std::uint64_t checked_add(std::uint64_t value, std::int64_t change, std::string_view what) {
    const auto result = static_cast<std::int64_t>(value) + change;
    QUARRY_ASSERT(result >= 0, fmt::format("{} would become negative", what));
    return static_cast<std::uint64_t>(result);
}

PredicateStats decode_predicate(std::string_view value) {
    if (value.size() != 24)
        throw StorageError("corrupt predicate statistics record");
    return {read_be64(value.data()), read_be64(value.data() + 8), read_be64(value.data() + 16)};
}

} // namespace

Statistics::Statistics(const lmdb::Txn& txn, const lmdb::Dbi& meta) : meta_(meta) {
    const unsigned create = txn.read_only() ? 0 : MDB_CREATE;
    auto open = [&](const char* name) {
        auto dbi = lmdb::Dbi::open(txn, name, create);
        if (!dbi)
            throw StorageError(fmt::format("database has no '{}' table", name));
        return *dbi;
    };
    predicates_ = open("pstats");
    contexts_ = open("cstats");
}

std::uint64_t Statistics::facts(const lmdb::Txn& txn) const {
    const auto value = meta_.get(txn, FACTS_KEY);
    if (!value)
        return 0;
    if (value->size() != 8)
        throw StorageError("corrupt fact count record");
    return read_be64(value->data());
}

std::optional<PredicateStats> Statistics::predicate(const lmdb::Txn& txn, TermId predicate) const {
    const auto value = predicates_.get(txn, id_key(predicate));
    if (!value)
        return std::nullopt;
    return decode_predicate(*value);
}

std::uint64_t Statistics::context(const lmdb::Txn& txn, TermId context) const {
    const auto value = contexts_.get(txn, id_key(context));
    if (!value)
        return 0;
    if (value->size() != 8)
        throw StorageError("corrupt context statistics record");
    return read_be64(value->data());
}

void Statistics::for_each_predicate(
    const lmdb::Txn& txn, const std::function<void(TermId, const PredicateStats&)>& visit) const {
    lmdb::Cursor cursor(txn, predicates_);
    for (auto entry = cursor.get(MDB_FIRST); entry; entry = cursor.get(MDB_NEXT))
        visit(read_be64(entry->first.data()), decode_predicate(entry->second));
}

void Statistics::for_each_context(const lmdb::Txn& txn,
                                  const std::function<void(TermId, std::uint64_t)>& visit) const {
    lmdb::Cursor cursor(txn, contexts_);
    for (auto entry = cursor.get(MDB_FIRST); entry; entry = cursor.get(MDB_NEXT))
        visit(read_be64(entry->first.data()), read_be64(entry->second.data()));
}

void Statistics::apply(const lmdb::WriteTxn& txn, const StatsDelta& delta) const {
    if (delta.facts != 0) {
        std::string value;
        append_be64(value, checked_add(facts(txn), delta.facts, "the fact count"));
        meta_.put(txn, FACTS_KEY, value);
    }
    for (const auto& [id, change] : delta.predicates) {
        PredicateStats stats = predicate(txn, id).value_or(PredicateStats{});
        stats.facts = checked_add(stats.facts, change.facts, "a predicate's fact count");
        stats.distinct_subjects =
            checked_add(stats.distinct_subjects, change.distinct_subjects, "distinct subjects");
        stats.distinct_objects =
            checked_add(stats.distinct_objects, change.distinct_objects, "distinct objects");
        const std::string key = id_key(id);
        if (stats.facts == 0) {
            QUARRY_ASSERT(stats.distinct_subjects == 0 && stats.distinct_objects == 0,
                          "a predicate without facts has subjects or objects");
            predicates_.del(txn, key);
            continue;
        }
        std::string value;
        append_be64(value, stats.facts);
        append_be64(value, stats.distinct_subjects);
        append_be64(value, stats.distinct_objects);
        predicates_.put(txn, key, value);
    }
    for (const auto& [id, change] : delta.contexts) {
        const std::uint64_t count = checked_add(context(txn, id), change, "a context's fact count");
        const std::string key = id_key(id);
        if (count == 0) {
            contexts_.del(txn, key);
            continue;
        }
        std::string value;
        append_be64(value, count);
        contexts_.put(txn, key, value);
    }
}

} // namespace quarry::storage
