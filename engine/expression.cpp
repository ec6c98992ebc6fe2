#include "engine/expression.hpp"

#include "engine/error.hpp"
#include "engine/op/operator.hpp"
#include "parser/regex.hpp"

#include <algorithm>

namespace quarry::engine {

using parser::ast::ExprOp;

std::string slot_name(const parser::ast::Term& term) {
    return term.kind == parser::ast::TermKind::PARAMETER ? "$" + term.text : term.text;
}

Expression compile_expression(const parser::ast::Expr& expr, SlotMap& slots,
                              const PrefixMap& prefixes, std::vector<Expression>* aggregates) {
    Expression out;
    out.op = expr.op;
    out.function = expr.function;
    out.distinct = expr.distinct;
    out.star = expr.star;
    if (expr.op == ExprOp::TERM) {
        if (expr.term.kind == parser::ast::TermKind::VARIABLE ||
            expr.term.kind == parser::ast::TermKind::PARAMETER) {
            const auto [it, added] = slots.emplace(slot_name(expr.term), slots.size());
            out.slot = it->second;
        } else {
            out.constant = to_storage(expr.term, prefixes);
        }
        return out;
    }
    if (expr.op == ExprOp::EXISTS) {
        out.block_ast = &expr.block.at(0); // planned by the planner (Planner::plan_exists)
        return out;
    }
    if (expr.op == ExprOp::AGGREGATE) {
        if (!aggregates)
            throw QueryError(expr.function + "() is an aggregate: it belongs in return or order by",
                             &expr);
        // The argument is evaluated per row by rows.cpp.
        for (const auto& arg : expr.args)
            out.args.push_back(compile_expression(arg, slots, prefixes, nullptr));
        out.aggregate_index = aggregates->size();
        aggregates->push_back(out);
        return out;
    }
    for (const auto& arg : expr.args)
        out.args.push_back(compile_expression(arg, slots, prefixes, aggregates));
    if (expr.op == ExprOp::CALL && (expr.function == "matches" || expr.function == "replace")) {
        const std::size_t flags_at = expr.function == "matches" ? 2 : 3;
        auto constant_text = [&](std::size_t i) -> const storage::Term* {
            if (i >= out.args.size())
                return nullptr;
            const Expression& arg = out.args[i];
            return arg.op == ExprOp::TERM && arg.slot == SIZE_MAX && arg.constant ? &*arg.constant
                                                                                  : nullptr;
        };
        const storage::Term* pattern = constant_text(1);
        const storage::Term* flags = constant_text(flags_at);
        if (pattern && (flags || out.args.size() <= flags_at)) {
            try {
                out.regex = std::make_shared<const std::regex>(
                    parser::compile_regex(pattern->text(), flags ? flags->text() : std::string()));
            } catch (const parser::RegexError& e) {
                throw QueryError(e.what(), &expr.args[flags ? flags_at : 1]);
            }
        }
    }
    return out;
}

Truth evaluate_condition(const Expression& expr, const TermId* row, ExecContext& context) {
    switch (expr.op) {
    case ExprOp::AND: {
        const Truth left = evaluate_condition(expr.args[0], row, context);
        if (left == Truth::FALSE)
            return Truth::FALSE;
        return logical_and(left, evaluate_condition(expr.args[1], row, context));
    }
    case ExprOp::OR: {
        const Truth left = evaluate_condition(expr.args[0], row, context);
        if (left == Truth::TRUE)
            return Truth::TRUE;
        return logical_or(left, evaluate_condition(expr.args[1], row, context));
    }
    case ExprOp::NOT: return logical_not(evaluate_condition(expr.args[0], row, context));
    default: return truth_of(evaluate(expr, row, context));
    }
}

namespace {

Comparison comparison_of(ExprOp op) {
    switch (op) {
    case ExprOp::EQ: return Comparison::EQ;
    case ExprOp::NE: return Comparison::NE;
    case ExprOp::LT: return Comparison::LT;
    case ExprOp::LE: return Comparison::LE;
    case ExprOp::GT: return Comparison::GT;
    default: return Comparison::GE;
    }
}

} // namespace

Value evaluate(const Expression& expr, const TermId* row, ExecContext& context,
               const std::vector<Value>* aggregate_values) {
    auto arg = [&](std::size_t i) {
        return evaluate(expr.args[i], row, context, aggregate_values);
    };
    switch (expr.op) {
    case ExprOp::TERM: return expr.slot == SIZE_MAX ? expr.constant : context.value(row[expr.slot]);
    case ExprOp::AND:
    case ExprOp::OR:
    case ExprOp::NOT:
        if (!aggregate_values)
            return boolean_value(evaluate_condition(expr, row, context));
        {
            const Truth a = truth_of(arg(0));
            if (expr.op == ExprOp::NOT)
                return boolean_value(logical_not(a));
            const Truth b = truth_of(arg(1));
            return boolean_value(expr.op == ExprOp::AND ? logical_and(a, b) : logical_or(a, b));
        }
    case ExprOp::NEGATE: return negate(arg(0));
    case ExprOp::EQ:
    case ExprOp::NE:
    case ExprOp::LT:
    case ExprOp::LE:
    case ExprOp::GT:
    case ExprOp::GE: return boolean_value(compare(arg(0), arg(1), comparison_of(expr.op)));
    case ExprOp::IN:
    case ExprOp::NOT_IN: {
        const Value needle = arg(0);
        Truth found = Truth::FALSE;
        for (std::size_t i = 1; i < expr.args.size() && found != Truth::TRUE; ++i)
            found = logical_or(found, compare(needle, arg(i), Comparison::EQ));
        return boolean_value(expr.op == ExprOp::IN ? found : logical_not(found));
    }
    case ExprOp::ADD: return arithmetic(arg(0), arg(1), Arithmetic::ADD);
    case ExprOp::SUBTRACT: return arithmetic(arg(0), arg(1), Arithmetic::SUBTRACT);
    case ExprOp::MULTIPLY: return arithmetic(arg(0), arg(1), Arithmetic::MULTIPLY);
    case ExprOp::DIVIDE: return arithmetic(arg(0), arg(1), Arithmetic::DIVIDE);
    case ExprOp::CALL: {
        if (expr.function == "bound")
            return storage::Term::boolean(row[expr.args[0].slot] != UNBOUND);
        if (expr.function == "now")
            return context.now(); // one time for the whole statement
        std::vector<Value> values;
        for (std::size_t i = 0; i < expr.args.size(); ++i)
            values.push_back(arg(i));
        return call_function(expr.function, values, expr.regex.get());
    }
    case ExprOp::AGGREGATE:
        if (!aggregate_values)
            return std::nullopt;
        return (*aggregate_values)[expr.aggregate_index];
    case ExprOp::EXISTS: {
        QUARRY_ASSERT(expr.block, "exists evaluated before it was planned");
        OperatorState& state = context.block_state(*expr.block);
        expr.block->reset(state, row);
        RowBatch batch;
        batch.width = expr.block_width;
        return storage::Term::boolean(expr.block->next(context, state, batch) && !batch.empty());
    }
    }
    return std::nullopt;
}

bool contains_exists(const Expression& expr) {
    return expr.op == ExprOp::EXISTS ||
           std::any_of(expr.args.begin(), expr.args.end(), contains_exists);
}

void collect_blocks(const Expression& expr, std::vector<const Operator*>& out) {
    if (expr.block)
        out.push_back(expr.block.get());
    for (const auto& arg : expr.args)
        collect_blocks(arg, out);
}

void collect_slots(const Expression& expr, std::set<std::size_t>& out) {
    if (expr.op == ExprOp::TERM && expr.slot != SIZE_MAX)
        out.insert(expr.slot);
    for (const auto& arg : expr.args)
        collect_slots(arg, out);
}

} // namespace quarry::engine
