#include "engine/planner.hpp"

#include "engine/error.hpp"
#include "engine/op/aggregate.hpp"
#include "engine/op/block_join.hpp"
#include "engine/op/count_join.hpp"
#include "engine/op/distinct.hpp"
#include "engine/op/filter.hpp"
#include "engine/op/hash_join.hpp"
#include "engine/op/index_join.hpp"
#include "engine/op/leapfrog_join.hpp"
#include "engine/op/triangle_join.hpp"
#include "engine/op/limit.hpp"
#include "engine/op/merge_join.hpp"
#include "engine/op/order.hpp"
#include "engine/op/path_join.hpp"
#include "engine/op/projection.hpp"
#include "engine/op/statistics_scan.hpp"
#include "engine/rows.hpp"
#include "engine/statements.hpp"
#include "parser/printer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <iterator>
#include <map>

namespace quarry::engine {

namespace ast = parser::ast;

namespace {

void add_variable(const ast::Term& term, SlotMap& slots, std::vector<std::string>* visible) {
    if (term.kind != ast::TermKind::VARIABLE)
        return;
    if (slots.emplace(term.text, slots.size()).second && visible)
        visible->push_back(term.text);
    else if (visible && std::find(visible->begin(), visible->end(), term.text) == visible->end())
        visible->push_back(term.text);
}

void path_variables(const ast::Path& path, SlotMap& slots, std::vector<std::string>* visible) {
    add_variable(path.term, slots, visible);
    for (const auto& child : path.children)
        path_variables(child, slots, visible);
}

// Splits a condition into its top-level conjuncts.
void conjuncts(const ast::Expr& expr, std::vector<const ast::Expr*>& out) {
    if (expr.op == ast::ExprOp::AND) {
        conjuncts(expr.args[0], out);
        conjuncts(expr.args[1], out);
    } else {
        out.push_back(&expr);
    }
}

} // namespace

void Planner::assign_slots(const std::vector<ast::Pattern>& patterns, SlotMap& slots,
                           std::vector<std::string>* visible, bool in_not) {
    for (const auto& pattern : patterns) {
        std::vector<std::string>* shown = in_not ? nullptr : visible;
        if (pattern.kind == ast::PatternKind::TUPLE) {
            add_variable(pattern.tuple.subject, slots, shown);
            path_variables(pattern.tuple.predicate, slots, shown);
            add_variable(pattern.tuple.object, slots, shown);
            if (pattern.tuple.context)
                add_variable(*pattern.tuple.context, slots, shown);
        }
        assign_slots(pattern.patterns, slots, visible, in_not || pattern.kind == ast::PatternKind::NOT);
    }
}

TupleSlots tuple_slots(const ast::Tuple& tuple, const SlotMap& slots) {
    TupleSlots out;
    auto add = [&](const ast::Term& term) {
        if (term.kind != ast::TermKind::VARIABLE && term.kind != ast::TermKind::PARAMETER)
            return;
        const std::size_t slot = slots.at(slot_name(term));
        if (std::find(out.begin(), out.end(), slot) == out.end())
            out.slots[out.size++] = slot;
    };
    add(tuple.subject);
    if (tuple.predicate.op == ast::PathOp::TERM)
        add(tuple.predicate.term);
    add(tuple.object);
    if (tuple.context)
        add(*tuple.context);
    return out;
}

TuplePosition Planner::position(const ast::Term& term) {
    TuplePosition out;
    switch (term.kind) {
    case ast::TermKind::VARIABLE:
    case ast::TermKind::PARAMETER:
        out.kind = TuplePosition::SLOT;
        out.slot = slots_.at(slot_name(term));
        return out;
    case ast::TermKind::WILDCARD:
        out.kind = TuplePosition::OPEN;
        return out;
    default: {
        const auto id = context_.find(to_storage(term, prefixes_));
        out.kind = id ? TuplePosition::CONSTANT : TuplePosition::MISSING;
        out.id = id.value_or(0);
        return out;
    }
    }
}

std::string Planner::tuple_text(const ast::Tuple& tuple) const {
    return options_.explaining ? parser::print(tuple) : std::string();
}

double Planner::estimate(const ast::Tuple& tuple, const std::set<std::size_t>& bound) {
    if (tuple.predicate.op != ast::PathOp::TERM) {
        // A path from a fixed end reaches a handful of nodes; from open ends, it walks
        // from every node of the graph.
        auto fixed = [&](const ast::Term& term) {
            return term.kind != ast::TermKind::VARIABLE && term.kind != ast::TermKind::WILDCARD
                       ? true
                       : term.kind == ast::TermKind::VARIABLE && bound.count(slots_.at(term.text));
        };
        return fixed(tuple.subject) || fixed(tuple.object)
                   ? 10.0
                   : static_cast<double>(context_.store().fact_count(context_.txn()));
    }
    const std::array<const ast::Term*, 4> terms{&tuple.subject, &tuple.predicate.term,
                                                &tuple.object,
                                                tuple.context ? &*tuple.context : nullptr};
    storage::QuadPattern constants;
    unsigned bound_by_variables = 0;
    bool subject_bound = false, object_bound = false;
    for (unsigned pos = 0; pos < 4; ++pos) {
        if (!terms[pos])
            continue;
        const TuplePosition p = position(*terms[pos]);
        if (p.kind == TuplePosition::MISSING)
            return 0;
        if (p.kind == TuplePosition::CONSTANT)
            constants.terms[pos] = p.id;
        if (p.kind == TuplePosition::SLOT && bound.count(p.slot)) {
            ++bound_by_variables;
            subject_bound |= pos == storage::S;
            object_bound |= pos == storage::O;
        }
    }
    double estimate = static_cast<double>(context_.store().estimate(context_.txn(), constants));
    if (bound_by_variables == 0)
        return estimate;
    if (constants.terms[storage::P]) {
        const auto stats = context_.store().statistics().predicate(context_.txn(), *constants.terms[storage::P]);
        if (stats && subject_bound && stats->distinct_subjects)
            estimate = std::min(estimate, static_cast<double>(stats->facts) / static_cast<double>(stats->distinct_subjects));
        if (stats && object_bound && stats->distinct_objects)
            estimate = std::min(estimate, static_cast<double>(stats->facts) / static_cast<double>(stats->distinct_objects));
        if (subject_bound && object_bound)
            estimate = std::min(estimate, 1.0);
    } else {
        estimate /= std::pow(100.0, bound_by_variables);
    }
    return std::max(estimate, 0.5);
}

std::optional<IdRange> Planner::range_for(const ast::Term& variable, unsigned position,
                                          const std::vector<const ast::Expr*>& conditions) {
    using storage::IdTag;
    std::optional<std::int64_t> int_lo, int_hi, ms_lo, ms_hi;
    std::string text;
    for (const ast::Expr* condition : conditions) {
        ast::ExprOp op = condition->op;
        if (op != ast::ExprOp::LT && op != ast::ExprOp::LE && op != ast::ExprOp::GT &&
            op != ast::ExprOp::GE && op != ast::ExprOp::EQ)
            continue;
        const ast::Expr* var = &condition->args[0];
        const ast::Expr* constant = &condition->args[1];
        if (constant->op == ast::ExprOp::TERM && constant->term.kind == ast::TermKind::VARIABLE) {
            std::swap(var, constant); // c op ?v: read as ?v op' c
            op = op == ast::ExprOp::LT ? ast::ExprOp::GT : op == ast::ExprOp::LE ? ast::ExprOp::GE
               : op == ast::ExprOp::GT ? ast::ExprOp::LT : op == ast::ExprOp::GE ? ast::ExprOp::LE : op;
        }
        if (var->op != ast::ExprOp::TERM || var->term.kind != ast::TermKind::VARIABLE ||
            var->term.text != variable.text || constant->op != ast::ExprOp::TERM)
            continue;
        const auto kind = constant->term.kind;
        std::optional<std::int64_t>* lo;
        std::optional<std::int64_t>* hi;
        std::int64_t value;
        std::int64_t strict = 0; // what > and < add or take away (integers only)
        if (kind == ast::TermKind::INTEGER) {
            lo = &int_lo, hi = &int_hi, value = constant->term.integer, strict = 1;
        } else if (kind == ast::TermKind::DATE || kind == ast::TermKind::DATETIME) {
            const storage::Term term = to_storage(constant->term, prefixes_);
            lo = &ms_lo, hi = &ms_hi;
            value = kind == ast::TermKind::DATE ? term.days() * storage::MS_PER_DAY : term.epoch_ms();
        } else {
            continue;
        }
        if (strict && ((op == ast::ExprOp::GT && value == INT64_MAX) || (op == ast::ExprOp::LT && value == INT64_MIN)))
            continue;
        if (op == ast::ExprOp::GT || op == ast::ExprOp::GE || op == ast::ExprOp::EQ) {
            const std::int64_t bound = op == ast::ExprOp::GT ? value + strict : value;
            *lo = *lo ? std::max(**lo, bound) : bound;
        }
        if (op == ast::ExprOp::LT || op == ast::ExprOp::LE || op == ast::ExprOp::EQ) {
            const std::int64_t bound = op == ast::ExprOp::LT ? value - strict : value;
            *hi = *hi ? std::min(**hi, bound) : bound;
        }
        text += (text.empty() ? "" : " and ") + parser::print(*condition);
    }
    const bool numeric = int_lo || int_hi, temporal = ms_lo || ms_hi;
    if (numeric == temporal) // none, or a mixture that matches nothing in order anyway
        return std::nullopt;
    IdRange range;
    range.position = position;
    range.text = "SPOC"[position] + std::string(" by ") + text;
    if (numeric) {
        const std::int64_t lo = std::max(int_lo.value_or(storage::INLINE_INTEGER_MIN), storage::INLINE_INTEGER_MIN);
        const std::int64_t hi = std::min(int_hi.value_or(storage::INLINE_INTEGER_MAX), storage::INLINE_INTEGER_MAX);
        if (lo <= hi)
            range.ranges.emplace_back(storage::inline_integer_id(lo), storage::inline_integer_id(hi));
        // Numbers outside the inline range, and decimals, are not in value order by id.
        range.ranges.emplace_back(storage::first_id(IdTag::BIG_INTEGER), storage::last_id(IdTag::BIG_INTEGER));
        range.ranges.emplace_back(storage::first_id(IdTag::DECIMAL), storage::last_id(IdTag::DECIMAL));
    } else {
        const std::int64_t lo = ms_lo.value_or(INT64_MIN / 2), hi = ms_hi.value_or(INT64_MAX / 2);
        if (lo > hi)
            return range; // no ranges: nothing can match
        auto floor_day = [](std::int64_t ms) {
            return ms >= 0 ? ms / storage::MS_PER_DAY : -((-ms + storage::MS_PER_DAY - 1) / storage::MS_PER_DAY);
        };
        const std::int64_t min_day = storage::days_from_civil(0, 1, 1), max_day = storage::days_from_civil(9999, 12, 31);
        const std::int64_t day_lo = std::max(floor_day(lo), min_day), day_hi = std::min(floor_day(hi), max_day);
        if (day_lo <= day_hi)
            range.ranges.emplace_back(storage::inline_date_id(day_lo), storage::inline_date_id(day_hi));
        const auto [from, to] = storage::inline_datetime_range(lo, hi);
        range.ranges.emplace_back(from, to);
    }
    return range;
}

TuplePlan Planner::tuple_plan(const ast::Tuple& tuple, const std::set<std::size_t>& bound) {
    TuplePlan plan;
    plan.text = tuple_text(tuple);
    plan.positions = {position(tuple.subject), position(tuple.predicate.term), position(tuple.object),
                      tuple.context ? position(*tuple.context) : TuplePosition{}};
    plan.mode = tuple.context ? storage::ScanMode::QUADS : storage::ScanMode::TRIPLES;
    for (unsigned pos = 0; pos < 4; ++pos) {
        const TuplePosition& p = plan.positions[pos];
        if (p.kind == TuplePosition::CONSTANT || (p.kind == TuplePosition::SLOT && bound.count(p.slot)))
            plan.planned_bound += "SPOC"[pos];
    }
    plan.planned_index = storage::choose_permutation(0);
    return plan;
}

bool is_cyclic(const std::vector<std::set<std::size_t>>& input) {
    std::vector<std::set<std::size_t>> edges = input;
    for (bool changed = true; changed;) {
        changed = false;
        // A variable in one edge only can go.
        std::map<std::size_t, int> occurrences;
        for (const auto& edge : edges)
            for (std::size_t v : edge)
                ++occurrences[v];
        for (auto& edge : edges)
            for (auto it = edge.begin(); it != edge.end();)
                if (occurrences[*it] == 1) {
                    it = edge.erase(it);
                    changed = true;
                } else {
                    ++it;
                }
        // An edge inside another (or empty) can go.
        for (std::size_t i = 0; i < edges.size(); ++i) {
            bool contained = edges[i].empty();
            for (std::size_t j = 0; j < edges.size() && !contained; ++j)
                contained = i != j && std::includes(edges[j].begin(), edges[j].end(), edges[i].begin(),
                                                    edges[i].end()) &&
                            (edges[i] != edges[j] || i > j);
            if (contained) {
                edges.erase(edges.begin() + static_cast<std::ptrdiff_t>(i));
                changed = true;
                break;
            }
        }
    }
    return !edges.empty();
}

OperatorPtr Planner::plan_tuple(OperatorPtr input, const ast::Tuple& tuple,
                                const std::set<std::size_t>& bound,
                                const std::vector<const ast::Expr*>& conditions, double input_rows,
                                std::optional<double> known_estimate) {
    const auto tuple_estimate = [&] { return known_estimate ? *known_estimate : estimate(tuple, bound); };
    const std::string text = tuple_text(tuple);
    TuplePosition context_position;
    if (tuple.context)
        context_position = position(*tuple.context);
    if (tuple.predicate.op != ast::PathOp::TERM) {
        std::function<PathPlan(const ast::Path&)> compile = [&](const ast::Path& path) {
            PathPlan plan;
            plan.op = path.op;
            plan.min = path.min;
            plan.max = path.max;
            if (path.op == ast::PathOp::TERM)
                plan.predicate = position(path.term);
            for (const auto& child : path.children)
                plan.children.push_back(compile(child));
            return plan;
        };
        auto join = std::make_unique<PathJoin>(std::move(input), compile(tuple.predicate),
                                               position(tuple.subject), position(tuple.object),
                                               context_position, text, options_.dense_closure);
        join->estimate = tuple_estimate();
        return join;
    }
    TuplePlan plan = tuple_plan(tuple, bound);
    unsigned mask = 0;
    for (char c : plan.planned_bound)
        mask |= 1u << (c == 'S' ? 0 : c == 'P' ? 1 : c == 'O' ? 2 : 3);
    // A range on the first free variable that can follow the bound positions in an index.
    const std::array<const ast::Term*, 4> terms{&tuple.subject, &tuple.predicate.term, &tuple.object,
                                                tuple.context ? &*tuple.context : nullptr};
    for (unsigned pos = 0; pos < 4 && !plan.range; ++pos) {
        const TuplePosition& p = plan.positions[pos];
        if (p.kind != TuplePosition::SLOT || bound.count(p.slot) || !terms[pos])
            continue;
        const unsigned with_range = mask | (1u << pos);
        const auto ord = storage::order(storage::choose_permutation(with_range));
        if (ord[static_cast<unsigned>(std::popcount(mask))] != pos)
            continue;
        plan.range = range_for(*terms[pos], pos, conditions);
    }
    plan.planned_index = storage::choose_permutation(plan.range ? mask | (1u << plan.range->position) : mask);
    // Many input rows against a modest relation: scan it once into a hash table.
    std::vector<unsigned> keys;
    for (unsigned pos = 0; pos < 4; ++pos)
        if (plan.positions[pos].kind == TuplePosition::SLOT && bound.count(plan.positions[pos].slot))
            keys.push_back(pos);
    if (!keys.empty() && !plan.range && input_rows >= options_.hash_join_min_input) {
        std::set<std::size_t> none;
        const double build = estimate(tuple, none);
        if (build + input_rows <= input_rows * options_.seek_cost && build <= options_.hash_join_max_build) {
            auto join = std::make_unique<HashJoin>(std::move(input), std::move(plan), std::move(keys));
            join->estimate = tuple_estimate();
            return join;
        }
    }
    const double ranged = plan.range ? 0.1 : 1.0;
    auto join = std::make_unique<IndexJoin>(std::move(input), std::move(plan));
    join->estimate = tuple_estimate() * ranged;
    return join;
}

void Planner::plan_exists(Expression& expr, const std::set<std::size_t>& bound) {
    if (expr.block_ast) {
        const ast::Pattern& block = *expr.block_ast;
        OperatorPtr plan = block.kind == ast::PatternKind::TUPLE
                               ? plan_tuple(std::make_unique<Source>(slots_.size()), block.tuple, bound)
                               : plan_block(block.patterns, block.where, bound);
        expr.block = std::move(plan);
        expr.block_width = slots_.size();
        expr.block_ast = nullptr;
    }
    if (expr.query_ast) {
        // Uncorrelated: planned on its own (its own slots), in the same transaction.
        expr.subquery = make_subquery(plan_query(context_, *expr.query_ast, prefixes_, options_));
        expr.query_ast = nullptr;
    }
    for (Expression& arg : expr.args)
        plan_exists(arg, bound);
}

bool Planner::plan_is_input(const OperatorPtr& plan) { return dynamic_cast<const Source*>(plan.get()) != nullptr; }

// The position right after the bound prefix in the index a tuple plan would use, if the
// tuple has a variable there (its scan then comes out sorted by that variable).
static std::optional<unsigned> sorted_position(const TuplePlan& plan, const std::set<std::size_t>& bound) {
    unsigned mask = 0;
    for (unsigned pos = 0; pos < 4; ++pos) {
        const TuplePosition& p = plan.positions[pos];
        if (p.kind == TuplePosition::CONSTANT || (p.kind == TuplePosition::SLOT && bound.count(p.slot)))
            mask |= 1u << pos;
        if (p.kind == TuplePosition::MISSING)
            return std::nullopt;
    }
    const auto prefix = static_cast<unsigned>(std::popcount(mask));
    if (prefix >= 4)
        return std::nullopt;
    const unsigned next = storage::order(storage::choose_permutation(mask))[prefix];
    if (plan.positions[next].kind != TuplePosition::SLOT)
        return std::nullopt;
    return next;
}

OperatorPtr Planner::plan_merge(OperatorPtr& input, std::vector<const ast::Tuple*>& tuples,
                                std::set<std::size_t>& bound) {
    for (std::size_t a = 0; a < tuples.size(); ++a) {
        for (std::size_t b = a + 1; b < tuples.size(); ++b) {
            if (tuples[a]->predicate.op != ast::PathOp::TERM || tuples[b]->predicate.op != ast::PathOp::TERM)
                continue;
            TuplePlan left = tuple_plan(*tuples[a], bound), right = tuple_plan(*tuples[b], bound);
            const auto lp = sorted_position(left, bound), rp = sorted_position(right, bound);
            if (!lp || !rp || left.positions[*lp].slot != right.positions[*rp].slot)
                continue;
            const std::size_t slot = left.positions[*lp].slot;
            left.planned_index = storage::choose_permutation(
                [&] { unsigned m = 0; for (char c : left.planned_bound) m |= 1u << std::string_view("SPOC").find(c); return m; }());
            right.planned_index = storage::choose_permutation(
                [&] { unsigned m = 0; for (char c : right.planned_bound) m |= 1u << std::string_view("SPOC").find(c); return m; }());
            std::string name;
            for (const auto& [n, s] : slots_)
                if (s == slot)
                    name = n;
            const double estimate_left = estimate(*tuples[a], bound);
            const double estimate_right = estimate(*tuples[b], bound);
            auto join = std::make_unique<MergeJoin>(std::move(input), std::move(left), std::move(right), *lp, *rp, name,
                                                   options_.merge_seek);
            join->estimate = std::min(estimate_left, estimate_right);
            for (const ast::Tuple* t : {tuples[a], tuples[b]}) {
                const auto vars = tuple_slots(*t, slots_);
                bound.insert(vars.begin(), vars.end());
            }
            tuples.erase(tuples.begin() + static_cast<std::ptrdiff_t>(b));
            tuples.erase(tuples.begin() + static_cast<std::ptrdiff_t>(a));
            return join;
        }
    }
    return nullptr;
}

OperatorPtr Planner::plan_block(const std::vector<ast::Pattern>& patterns,
                                const std::optional<ast::Expr>& where,
                                const std::set<std::size_t>& input_bound) {
    OperatorPtr plan = std::make_unique<Source>(slots_.size());
    std::set<std::size_t> bound = input_bound;

    // Conditions, each placed where its variables are bound.
    struct Pending {
        const ast::Expr* expr;
        std::set<std::size_t> needs;
        bool last = false; // holds an exists: placed after everything, as not blocks are
    };
    std::vector<Pending> pending;
    if (where) {
        std::vector<const ast::Expr*> parts;
        conjuncts(*where, parts);
        for (const ast::Expr* part : parts) {
            Pending p{part, {}};
            const Expression compiled = compile_expression(*part, slots_, prefixes_);
            collect_slots(compiled, p.needs);
            p.last = contains_exists(compiled);
            pending.push_back(std::move(p));
        }
    }
    auto place_filters = [&](bool all) {
        for (auto it = pending.begin(); it != pending.end();) {
            const bool ready = all || (!it->last && std::includes(bound.begin(), bound.end(),
                                                                   it->needs.begin(), it->needs.end()));
            if (!ready) {
                ++it;
                continue;
            }
            Expression condition = compile_expression(*it->expr, slots_, prefixes_);
            plan_exists(condition, bound);
            plan = std::make_unique<Filter>(std::move(plan), std::move(condition), parser::print(*it->expr));
            it = pending.erase(it);
        }
    };
    place_filters(false);

    auto sub_block = [&](const ast::Pattern& block) {
        if (block.kind == ast::PatternKind::TUPLE)
            return plan_tuple(std::make_unique<Source>(slots_.size()), block.tuple, bound);
        return plan_block(block.patterns, block.where, bound);
    };

    std::vector<const ast::Pattern*> nots;
    double rows = 1; // estimated rows so far, per input row
    std::size_t i = 0;
    while (i < patterns.size()) {
        // A run of required elements, up to the next optional.
        std::vector<const ast::Tuple*> tuples;
        std::vector<const ast::Pattern*> others;
        for (; i < patterns.size() && patterns[i].kind != ast::PatternKind::OPTIONAL; ++i) {
            const ast::Pattern& p = patterns[i];
            if (p.kind == ast::PatternKind::TUPLE)
                tuples.push_back(&p.tuple);
            else if (p.kind == ast::PatternKind::NOT)
                nots.push_back(&p);
            else
                others.push_back(&p);
        }
        // A cyclic set of plain tuples joins in one worst-case-optimal step.
        std::vector<const ast::Tuple*> plain;
        std::vector<std::set<std::size_t>> edges;
        for (const ast::Tuple* t : tuples) {
            if (t->predicate.op != ast::PathOp::TERM || tuples.size() < 3) // a cycle takes three
                continue;
            std::set<std::size_t> free;
            for (std::size_t slot : tuple_slots(*t, slots_))
                if (!bound.count(slot))
                    free.insert(slot);
            plain.push_back(t);
            edges.push_back(std::move(free));
        }
        if (options_.leapfrog && plain.size() >= 3 && is_cyclic(edges)) {
            // Variables in order of how many tuples mention them, most first.
            std::map<std::size_t, int> mentions;
            for (const auto& edge : edges)
                for (std::size_t v : edge)
                    ++mentions[v];
            std::vector<std::size_t> variables;
            for (const auto& [v, n] : mentions)
                variables.push_back(v);
            std::stable_sort(variables.begin(), variables.end(),
                             [&](std::size_t a, std::size_t b) { return mentions[a] > mentions[b]; });
            std::vector<TuplePlan> plans;
            std::string text;
            for (const ast::Tuple* t : plain) {
                plans.push_back(tuple_plan(*t, bound));
                text += (text.empty() ? "" : ", ") + plans.back().text;
            }
            std::string order;
            for (std::size_t v : variables)
                for (const auto& [name, slot] : slots_)
                    if (slot == v)
                        order += (order.empty() ? "?" : ", ?") + name;
            if (options_.dense_triangle && TriangleJoin::fits(plans, bound))
                plan = std::make_unique<TriangleJoin>(std::move(plan), std::move(plans),
                                                      std::array{variables[0], variables[1], variables[2]},
                                                      text + " order " + order);
            else
                plan = std::make_unique<LeapfrogJoin>(std::move(plan), std::move(plans), variables,
                                                      text + " order " + order, options_.leapfrog_hash);
            bound.insert(variables.begin(), variables.end());
            for (const ast::Tuple* t : plain)
                tuples.erase(std::find(tuples.begin(), tuples.end(), t));
            place_filters(false);
        }
        // At the start, two tuples sorted by a shared variable merge.
        if (options_.merge && tuples.size() >= 2 && plan_is_input(plan)) {
            if (auto merged = plan_merge(plan, tuples, bound)) {
                plan = std::move(merged);
                rows = std::max(rows, 1.0);
                place_filters(false);
            }
        }
        while (!tuples.empty()) {
            std::size_t best = SIZE_MAX;
            double best_estimate = 0;
            bool best_connected = false;
            for (std::size_t t = 0; t < tuples.size(); ++t) {
                const auto vars = tuple_slots(*tuples[t], slots_);
                const bool connected =
                    bound.empty() || vars.empty() ||
                    std::any_of(vars.begin(), vars.end(), [&](std::size_t s) { return bound.count(s); });
                const double e = tuples.size() == 1 ? 0 : estimate(*tuples[t], bound);
                if (best == SIZE_MAX || (connected && !best_connected) ||
                    (connected == best_connected && e < best_estimate)) {
                    best = t;
                    best_estimate = e;
                    best_connected = connected;
                }
            }
            std::vector<const ast::Expr*> conditions;
            for (const Pending& p : pending)
                conditions.push_back(p.expr);
            const double step_estimate = tuples.size() > 1          ? best_estimate
                                         : options_.explaining ? estimate(*tuples[best], bound)
                                                                   : 0;
            plan = plan_tuple(std::move(plan), *tuples[best], bound, conditions, rows, step_estimate);
            rows *= std::max(step_estimate, 1.0);
            const auto vars = tuple_slots(*tuples[best], slots_);
            bound.insert(vars.begin(), vars.end());
            tuples.erase(tuples.begin() + static_cast<std::ptrdiff_t>(best));
            place_filters(false);
        }
        for (const ast::Pattern* other : others) {
            std::vector<OperatorPtr> blocks;
            if (other->kind == ast::PatternKind::UNION)
                for (const auto& block : other->patterns)
                    blocks.push_back(sub_block(block));
            else
                blocks.push_back(sub_block(*other));
            plan = std::make_unique<UnionJoin>(std::move(plan), std::move(blocks));
        }
        if (i < patterns.size()) { // an optional
            plan = std::make_unique<OptionalJoin>(std::move(plan), sub_block(patterns[i].patterns[0]));
            ++i;
        }
    }
    for (const ast::Pattern* not_block : nots)
        plan = std::make_unique<AntiJoin>(std::move(plan), sub_block(not_block->patterns[0]));
    place_filters(true);
    return plan;
}

namespace {

// The slots an expression reads outside its aggregates.
void plain_slots(const Expression& expr, std::set<std::size_t>& out) {
    if (expr.op == ast::ExprOp::AGGREGATE)
        return;
    if (expr.op == ast::ExprOp::TERM && expr.slot != SIZE_MAX)
        out.insert(expr.slot);
    for (const Expression& arg : expr.args)
        plain_slots(arg, out);
}

// The slots the result of `plan` reads outside its aggregates: its items and its order keys
// that are not columns.
std::set<std::size_t> result_slots(const QueryPlan& plan) {
    std::set<std::size_t> read;
    for (const Expression& item : plan.items)
        plain_slots(item, read);
    for (const QueryPlan::Key& key : plan.order)
        if (!key.column)
            plain_slots(key.expr, read);
    return read;
}

} // namespace

namespace {

// `aggregate` (a count) becomes the sum of the counts a plan puts in `count_slot`.
void sum_of_counts(Expression& aggregate, std::size_t count_slot) {
    Expression count;
    count.slot = count_slot;
    aggregate.function = "sum";
    aggregate.star = false;
    aggregate.args = {count};
}

} // namespace

bool Planner::count_from_statistics(const ast::Query& query, QueryPlan& plan) {
    // Explicit groups and having read more than the counts these plans give.
    if (!query.group_by.empty() || query.having)
        return false;
    return statistics_count(query, plan) || count_join(query, plan) || triangle_count(query, plan);
}

bool Planner::statistics_count(const ast::Query& query, QueryPlan& plan) {
    if (query.patterns.size() != 1 || query.patterns[0].kind != ast::PatternKind::TUPLE || query.where ||
        plan.aggregates.empty())
        return false;
    const ast::Tuple& tuple = query.patterns[0].tuple;
    if (!tuple.context || tuple.predicate.op != ast::PathOp::TERM)
        return false;
    const auto free = [](const ast::Term& term) {
        return term.kind == ast::TermKind::VARIABLE || term.kind == ast::TermKind::WILDCARD;
    };
    if (!free(tuple.subject) || !free(tuple.object))
        return false;
    // No statistic counts the facts of a predicate or context given at run time.
    if (tuple.predicate.term.kind == ast::TermKind::PARAMETER || tuple.context->kind == ast::TermKind::PARAMETER)
        return false;
    // Each variable once: a repeated one ((?x, p, ?x, ?c)) filters facts.
    const TupleSlots variables = tuple_slots(tuple, slots_);
    std::size_t variable_terms = 0;
    for (const ast::Term* term : {&tuple.subject, &tuple.predicate.term, &tuple.object, &*tuple.context})
        variable_terms += term->kind == ast::TermKind::VARIABLE;
    if (variables.size != variable_terms)
        return false;
    for (const Expression& aggregate : plan.aggregates) {
        const bool counts_rows =
            aggregate.star || (aggregate.args.size() == 1 && aggregate.args[0].op == ast::ExprOp::TERM &&
                               std::find(variables.begin(), variables.end(), aggregate.args[0].slot) != variables.end());
        if (aggregate.function != "count" || aggregate.distinct || !counts_rows)
            return false;
    }
    const std::set<std::size_t> read = result_slots(plan);

    const TuplePosition predicate = position(tuple.predicate.term), context = position(*tuple.context);
    const auto open = [](const TuplePosition& p) { return p.kind == TuplePosition::SLOT || p.kind == TuplePosition::OPEN; };
    auto group = StatisticsScan::Group::NONE;
    if (read.empty()) {
        if (predicate.kind == TuplePosition::CONSTANT && context.kind == TuplePosition::CONSTANT)
            return false; // no statistic counts one predicate in one context
    } else if (read.size() == 1 && predicate.kind == TuplePosition::SLOT && *read.begin() == predicate.slot &&
               open(context)) {
        group = StatisticsScan::Group::PREDICATE;
    } else if (read.size() == 1 && context.kind == TuplePosition::SLOT && *read.begin() == context.slot &&
               open(predicate)) {
        group = StatisticsScan::Group::CONTEXT;
    } else {
        return false;
    }

    const std::size_t count_slot = slots_.size();
    slots_.emplace(" count", count_slot); // a name no variable can have
    plan.width = slots_.size();
    plan.root = std::make_unique<StatisticsScan>(std::make_unique<Source>(plan.width), group, predicate, context,
                                                 count_slot);
    for (Expression& aggregate : plan.aggregates)
        sum_of_counts(aggregate, count_slot);
    return true;
}

bool Planner::count_join(const ast::Query& query, QueryPlan& plan) {
    if (!options_.count_join || query.patterns.size() != 2 || query.where)
        return false;
    for (const ast::Pattern& pattern : query.patterns)
        if (pattern.kind != ast::PatternKind::TUPLE || pattern.tuple.predicate.op != ast::PathOp::TERM)
            return false;
    const ast::Tuple& first = query.patterns[0].tuple;
    const ast::Tuple& second = query.patterns[1].tuple;
    // The variables of each tuple (parameters are bound by the input, as constants are).
    const auto variables = [&](const ast::Tuple& tuple) {
        std::set<std::size_t> out;
        for (const ast::Term* term : {&tuple.subject, &tuple.predicate.term, &tuple.object,
                                      tuple.context ? &*tuple.context : nullptr})
            if (term && term->kind == ast::TermKind::VARIABLE)
                out.insert(slots_.at(term->text));
        return out;
    };
    const std::set<std::size_t> first_variables = variables(first), second_variables = variables(second);
    std::vector<std::size_t> shared;
    std::set_intersection(first_variables.begin(), first_variables.end(), second_variables.begin(),
                          second_variables.end(), std::back_inserter(shared));
    if (shared.size() != 1)
        return false;
    const std::size_t variable = shared[0];
    // What the result reads: nothing but ?v outside aggregates, and only counts.
    const std::set<std::size_t> read = result_slots(plan);
    if (!read.empty() && (read.size() != 1 || *read.begin() != variable))
        return false;
    if (plan.aggregates.empty() && !plan.distinct)
        return false; // every joined row is a row of the result
    std::vector<bool> summed; // per aggregate: a plain count, to become a sum of the counts
    for (const Expression& aggregate : plan.aggregates) {
        if (aggregate.function != "count")
            return false;
        const bool variable_argument = !aggregate.star && aggregate.args.size() == 1 &&
                                       aggregate.args[0].op == ast::ExprOp::TERM &&
                                       aggregate.args[0].slot != SIZE_MAX;
        if (aggregate.star && !aggregate.distinct) {
            summed.push_back(true);
        } else if (variable_argument && !aggregate.distinct &&
                   (first_variables.count(aggregate.args[0].slot) ||
                    second_variables.count(aggregate.args[0].slot))) {
            summed.push_back(true); // a variable of the tuples is bound in every row
        } else if (variable_argument && aggregate.distinct && aggregate.args[0].slot == variable) {
            summed.push_back(false); // one row per value of ?v: counted as it is
        } else {
            return false;
        }
    }
    // The position of ?v in each tuple.
    std::set<std::size_t> none;
    TuplePlan first_plan = tuple_plan(first, none), second_plan = tuple_plan(second, none);
    const auto position_of = [&](const TuplePlan& tuple_plan) {
        for (unsigned pos = 0; pos < 4; ++pos)
            if (tuple_plan.positions[pos].kind == TuplePosition::SLOT && tuple_plan.positions[pos].slot == variable)
                return pos;
        return 0u;
    };
    // The smaller side is hashed; the larger streams through.
    const bool first_builds = estimate(first, none) <= estimate(second, none);
    TuplePlan& build = first_builds ? first_plan : second_plan;
    TuplePlan& probe = first_builds ? second_plan : first_plan;
    for (TuplePlan* side : {&build, &probe}) {
        unsigned mask = 0;
        for (char c : side->planned_bound)
            mask |= 1u << std::string_view("SPOC").find(c);
        side->planned_index = storage::choose_permutation(mask);
    }
    const unsigned build_position = position_of(build), probe_position = position_of(probe);
    std::string name;
    for (const auto& [n, s] : slots_)
        if (s == variable)
            name = n;

    const std::size_t count_slot = slots_.size();
    slots_.emplace(" count", count_slot); // a name no variable can have
    plan.width = slots_.size();
    auto join = std::make_unique<CountJoin>(std::make_unique<Source>(plan.width), std::move(build), std::move(probe),
                                            build_position, probe_position, variable, count_slot, name);
    join->estimate = options_.explaining ? std::min(estimate(first, none), estimate(second, none)) : 0;
    plan.root = std::move(join);
    for (std::size_t a = 0; a < plan.aggregates.size(); ++a) {
        if (!summed[a])
            continue;
        sum_of_counts(plan.aggregates[a], count_slot);
    }
    return true;
}

bool Planner::triangle_count(const ast::Query& query, QueryPlan& plan) {
    if (!options_.leapfrog || !options_.dense_triangle || query.patterns.size() != 3 ||
        query.where || plan.aggregates.empty())
        return false;
    std::set<std::size_t> none, variables;
    std::vector<TuplePlan> plans;
    std::string text;
    for (const ast::Pattern& pattern : query.patterns) {
        if (pattern.kind != ast::PatternKind::TUPLE ||
            pattern.tuple.predicate.op != ast::PathOp::TERM ||
            pattern.tuple.predicate.term.kind == ast::TermKind::VARIABLE ||
            (pattern.tuple.context && pattern.tuple.context->kind == ast::TermKind::VARIABLE))
            return false;
        plans.push_back(tuple_plan(pattern.tuple, none));
        text += (text.empty() ? "" : ", ") + plans.back().text;
        for (std::size_t slot : tuple_slots(pattern.tuple, slots_))
            variables.insert(slot);
    }
    // What is left in the predicate and context are parameters, bound by the input row.
    std::set<std::size_t> parameters;
    for (const TuplePlan& tuple : plans)
        for (unsigned pos : {storage::P, storage::C})
            if (tuple.positions[pos].kind == TuplePosition::SLOT)
                parameters.insert(tuple.positions[pos].slot);
    if (!TriangleJoin::fits(plans, parameters))
        return false;
    // The result reads no variable outside its aggregates, which are plain counts.
    const std::set<std::size_t> read = result_slots(plan);
    if (!read.empty())
        return false;
    for (const Expression& aggregate : plan.aggregates) {
        const bool counts_rows = aggregate.star || (aggregate.args.size() == 1 &&
                                                    aggregate.args[0].op == ast::ExprOp::TERM &&
                                                    variables.count(aggregate.args[0].slot));
        if (aggregate.function != "count" || aggregate.distinct || !counts_rows)
            return false;
    }
    std::vector<std::size_t> order; // the three free variables, in slot order
    for (const TuplePlan& tuple : plans)
        for (unsigned pos : {storage::S, storage::O})
            order.push_back(tuple.positions[pos].slot);
    std::sort(order.begin(), order.end());
    order.erase(std::unique(order.begin(), order.end()), order.end());
    std::string names;
    for (std::size_t v : order)
        for (const auto& [name, slot] : slots_)
            if (slot == v)
                names += (names.empty() ? "?" : ", ?") + name;

    const std::size_t count_slot = slots_.size();
    slots_.emplace(" count", count_slot); // a name no variable can have
    plan.width = slots_.size();
    auto join = std::make_unique<TriangleJoin>(
        std::make_unique<Source>(plan.width), std::move(plans),
        std::array{order[0], order[1], order[2]}, text + " order " + names, count_slot);
    join->estimate = 1;
    plan.root = std::move(join);
    for (Expression& aggregate : plan.aggregates)
        sum_of_counts(aggregate, count_slot);
    return true;
}

namespace {

bool contains_aggregate(const Expression& expr) {
    return expr.op == ast::ExprOp::AGGREGATE || std::any_of(expr.args.begin(), expr.args.end(), contains_aggregate);
}

// Replaces each aggregate of `expr` by the slot that holds its value.
void aggregates_to_slots(Expression& expr, std::size_t first_slot) {
    if (expr.op == ast::ExprOp::AGGREGATE) {
        Expression slot;
        slot.slot = first_slot + expr.aggregate_index;
        expr = std::move(slot);
        return;
    }
    for (Expression& arg : expr.args)
        aggregates_to_slots(arg, first_slot);
}

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const std::string& part : parts)
        out += (out.empty() ? "" : ", ") + part;
    return out;
}

} // namespace

void plan_result_stage(QueryPlan& plan, const PlannerOptions& options) {
    OperatorPtr root = std::move(plan.root);
    std::size_t width = plan.width;
    std::vector<Expression> columns = plan.items;
    std::vector<Expression> key_exprs;
    for (const QueryPlan::Key& key : plan.order)
        key_exprs.push_back(key.expr);
    if (plan.grouped) {
        std::vector<Expression> keys = plan.group_keys;
        std::vector<std::string> key_texts = plan.group_key_texts;
        if (keys.empty()) // implicit: the items without aggregates
            for (std::size_t i = 0; i < plan.items.size(); ++i)
                if (!contains_aggregate(plan.items[i])) {
                    keys.push_back(plan.items[i]);
                    key_texts.push_back(plan.item_texts[i]);
                }
        std::string text = joined(plan.aggregate_texts);
        if (!keys.empty())
            text = "by " + joined(key_texts) + ": " + text;
        auto aggregate = std::make_unique<HashAggregate>(std::move(root), width, std::move(keys), plan.aggregates,
                                                         std::move(text));
        for (Expression& column : columns)
            aggregates_to_slots(column, width);
        for (Expression& key : key_exprs)
            aggregates_to_slots(key, width);
        const std::size_t join_width = width;
        width = aggregate->output_width();
        root = std::move(aggregate);
        if (plan.having) {
            Expression having = *plan.having;
            aggregates_to_slots(having, join_width);
            root = std::make_unique<Filter>(std::move(root), std::move(having), "having " + plan.having_text);
        }
    }
    // Order keys that are not a returned column are computed as extra columns.
    const std::size_t returned = columns.size();
    std::vector<Order::Key> keys;
    std::vector<std::string> key_texts;
    for (std::size_t k = 0; k < plan.order.size(); ++k) {
        const QueryPlan::Key& key = plan.order[k];
        std::optional<std::size_t> column = key.column;
        const Expression& expr = key_exprs[k];
        if (!column && expr.op == ast::ExprOp::TERM && expr.slot != SIZE_MAX) // a returned variable
            for (std::size_t i = 0; i < returned && !column; ++i)
                if (columns[i].op == ast::ExprOp::TERM && columns[i].slot == expr.slot)
                    column = i;
        if (!column) {
            column = columns.size();
            columns.push_back(std::move(key_exprs[k]));
        }
        keys.push_back({*column, key.descending});
        key_texts.push_back(key.text);
    }
    if (columns.empty()) { // rows of no columns still count: carry a slot (a batch has width)
        Expression first;
        first.slot = 0;
        columns.push_back(std::move(first));
    }
    std::string text = joined(plan.item_texts);
    if (columns.size() > returned && !plan.order.empty())
        text += fmt::format(" (+{} order key{})", columns.size() - returned, columns.size() - returned == 1 ? "" : "s");
    plan.output_width = columns.size();
    root = std::make_unique<Projection>(std::move(root), width, std::move(columns), std::move(text));
    if (plan.distinct)
        root = std::make_unique<Distinct>(std::move(root), returned);
    if (!keys.empty()) {
        std::optional<std::uint64_t> keep;
        if (plan.limit && options.top_n)
            keep = *plan.limit > UINT64_MAX - plan.offset ? UINT64_MAX : *plan.limit + plan.offset;
        root = std::make_unique<Order>(std::move(root), std::move(keys), keep, joined(key_texts));
    }
    if (plan.limit || plan.offset)
        root = std::make_unique<Limit>(std::move(root), plan.limit, plan.offset);
    plan.root = std::move(root);
}

} // namespace quarry::engine
