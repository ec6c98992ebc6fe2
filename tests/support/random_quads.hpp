#pragma once

// Random facts over small pools of ids of several tags, so that every pattern has matches
// and subjects, predicates, objects and contexts repeat as in a real graph.

#include "storage/quad.hpp"

#include <random>
#include <vector>

namespace quarry::testing {

struct IdPools {
    std::vector<storage::TermId> subjects, predicates, objects, contexts;

    explicit IdPools(std::mt19937_64& random, std::size_t subjects_n = 60,
                     std::size_t predicates_n = 8, std::size_t objects_n = 120,
                     std::size_t contexts_n = 6) {
        using storage::IdTag;
        using storage::make_id;
        auto draw = [&](std::size_t n, std::initializer_list<IdTag> tags) {
            std::vector<storage::TermId> ids;
            std::vector<IdTag> tag_list(tags);
            for (std::size_t i = 0; i < n; ++i)
                ids.push_back(make_id(tag_list[i % tag_list.size()], random() % 100000));
            return ids;
        };
        subjects = draw(subjects_n, {IdTag::NAME, IdTag::IRI});
        predicates = draw(predicates_n, {IdTag::NAME});
        objects = draw(objects_n, {IdTag::NAME, IdTag::INTEGER, IdTag::STRING, IdTag::DATE,
                                   IdTag::DECIMAL});
        contexts = draw(contexts_n - 1, {IdTag::NAME, IdTag::IRI});
        contexts.push_back(storage::DEFAULT_CONTEXT_ID);
    }

    storage::Quad quad(std::mt19937_64& random) const {
        auto pick = [&](const std::vector<storage::TermId>& pool) {
            return pool[random() % pool.size()];
        };
        return {pick(subjects), pick(predicates), pick(objects), pick(contexts)};
    }
};

} // namespace quarry::testing
