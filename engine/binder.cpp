#include "engine/binder.hpp"

#include "engine/planner.hpp"

namespace quarry::engine {

namespace ast = parser::ast;

namespace {

void pattern_expr_variables(const std::vector<ast::Pattern>& patterns, SlotMap& slots);

// Slots for the variables of an expression, and of the blocks of its `exists`.
void expr_variables(const ast::Expr& expr, SlotMap& slots) {
    if (expr.op == ast::ExprOp::TERM && expr.term.kind == ast::TermKind::VARIABLE)
        slots.emplace(expr.term.text, slots.size());
    for (const auto& arg : expr.args)
        expr_variables(arg, slots);
    Planner::assign_slots(expr.block, slots);
    pattern_expr_variables(expr.block, slots);
}

void pattern_expr_variables(const std::vector<ast::Pattern>& patterns, SlotMap& slots) {
    for (const auto& pattern : patterns) {
        if (pattern.where)
            expr_variables(*pattern.where, slots);
        pattern_expr_variables(pattern.patterns, slots);
    }
}

} // namespace

Binding bind_query(const ast::Query& query, const std::vector<const ast::Term*>& parameters,
                   bool results) {
    Binding binding;
    SlotMap& slots = binding.slots;
    for (const ast::Term* parameter : parameters) {
        binding.bound.insert(slots.size());
        slots.emplace(slot_name(*parameter), slots.size());
    }
    Planner::assign_slots(query.patterns, slots, &binding.visible);
    pattern_expr_variables(query.patterns, slots);
    if (query.where)
        expr_variables(*query.where, slots);
    if (results) {
        for (const auto& item : query.returns)
            expr_variables(item.expr, slots);
        for (const auto& key : query.order)
            expr_variables(key.expr, slots);
    }
    if (slots.empty())
        slots.emplace("", 0);
    return binding;
}

} // namespace quarry::engine
