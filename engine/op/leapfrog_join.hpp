#pragma once

// A worst-case-optimal join (leapfrog triejoin, Veldhuizen 2014) for cyclic patterns such
// as triangles, where any order of pairwise joins can produce far more intermediate rows
// than the result has.
//
// For each input row, every tuple's matches are projected onto its free variables, in the
// global variable order, and sorted into a trie (a sorted array with a count per distinct
// entry, so that duplicates keep their multiplicity). The join then binds one variable at a
// time: the tuples that mention it leapfrog over their current trie level, seeking to the
// largest candidate until all agree.
//
// Tuples with the same pattern (a triangle's three `met` tuples) are scanned once, and
// tries with the same entries (two of those three) are built once. Where a variable is the
// first level of some tries and a deeper level of others, the tries whose range is already
// narrowed drive: each of their values is looked up in a hash index of the others' first
// level (value to range) instead of a search over the whole trie (`hashed_first_level`).

#include "engine/op/index_join.hpp"
#include "engine/op/row_table.hpp"

#include <array>

namespace quarry::engine {

class LeapfrogJoin : public RowOperator {
public:
    // `variables`: the join's free variables (slots) in binding order.
    LeapfrogJoin(OperatorPtr child, std::vector<TuplePlan> tuples, std::vector<std::size_t> variables,
                 std::string text, bool hashed_first_level = true)
        : RowOperator(std::move(child)), tuples_(std::move(tuples)), variables_(std::move(variables)),
          text_(std::move(text)), hashed_first_level_(hashed_first_level) {}
    std::string describe() const override { return "LeapfrogJoin (worst-case optimal) " + text_; }

private:
    using Entry = std::array<TermId, 4>; // one id per level; unused levels are 0
    struct TrieData {
        std::vector<Entry> entries;        // sorted, distinct
        std::vector<std::uint64_t> counts; // matches per entry
        // The first level's distinct values (numbered in order) and where each one's
        // entries start, then the end; built when a search needs it.
        RowTable first_values{1};
        std::vector<std::size_t> first_starts;
        bool indexed = false;
    };
    struct Trie {
        std::vector<std::size_t> levels; // for each of its variables: index in variables_
        std::size_t data = 0;            // its entries: data[data]
    };
    // What search() needs at one depth, kept across calls: the tries that mention the
    // variable and its level in each, and the leapfrog iterators' scratch.
    struct Level {
        std::vector<std::pair<std::size_t, std::size_t>> participants; // (trie, level)
        std::vector<std::size_t> at;
        std::vector<std::pair<std::size_t, std::size_t>> saved;
        bool driven = false; // search_driven() binds it
    };

public:
    struct State : RowOperator::State {
        std::vector<Level> levels;
        std::vector<Trie> tries;
        std::vector<TrieData> data;
        std::vector<TermId> row;
        std::vector<TermId> results; // rows for the current input row, flat
        std::size_t next = 0;
        const std::vector<Entry>& entries(std::size_t trie) const {
            return data[tries[trie].data].entries;
        }
    };
    StatePtr make_state() const override { return with_input(std::make_unique<State>(), *child_); }

protected:
    void start(ExecContext& context, RowOperator::State& state, const TermId* row) const override;
    bool step(ExecContext& context, RowOperator::State& state, RowBatch& out) const override;

private:
    // Builds every tuple's trie for the input row; false if one of them is empty.
    bool build(ExecContext& context, State& state, const TermId* row) const;
    static void index_first_level(TrieData& data);
    void search(ExecContext& context, State& state, std::size_t depth,
                std::vector<std::pair<std::size_t, std::size_t>>& ranges) const;
    void search_driven(ExecContext& context, State& state, std::size_t depth,
                       std::vector<std::pair<std::size_t, std::size_t>>& ranges) const;

    std::vector<TuplePlan> tuples_;
    std::vector<std::size_t> variables_;
    std::string text_;
    bool hashed_first_level_;
};

} // namespace quarry::engine
