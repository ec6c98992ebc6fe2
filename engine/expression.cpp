#include "engine/expression.hpp"

#include "engine/error.hpp"
#include "engine/op/operator.hpp"
#include "engine/rows.hpp"
#include "parser/regex.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

namespace quarry::engine {

using parser::ast::ExprOp;

std::string slot_name(const parser::ast::Term& term) {
    return term.kind == parser::ast::TermKind::PARAMETER ? "$" + term.text : term.text;
}

Expression compile_expression(const parser::ast::Expr& expr, SlotMap& slots,
                              const PrefixMap& prefixes, std::vector<Expression>* aggregates) {
    Expression out;
    out.op = expr.op;
    out.position = expr;
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
    if (expr.op == ExprOp::IN_QUERY || expr.op == ExprOp::NOT_IN_QUERY || expr.op == ExprOp::SUBQUERY)
        out.query_ast = &expr.subquery.at(0); // planned by the planner, as exists blocks are
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

namespace {

// The truth of a condition's value: a bound value that is not a boolean is an error.
Truth condition_truth(const Value& value, const Expression& expr) {
    const Truth truth = truth_of(value);
    if (truth == Truth::ERROR && value)
        throw QueryError(
            fmt::format("a condition must be true or false, and this is {} {} ({})",
                        value->kind() == TermKind::INTEGER || value->kind() == TermKind::IRI ? "an"
                                                                                             : "a",
                        kind_name(value->kind()), format_term(*value)),
            &expr.position);
    return truth;
}

} // namespace

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
    case ExprOp::NOT:
        return logical_not(evaluate_condition(expr.args[0], row, context));
    default:
        return condition_truth(evaluate(expr, row, context), expr);
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

struct Subquery {
    std::shared_ptr<const QueryPlan> plan; // its values are each run's (ExecContext)
};

std::shared_ptr<Subquery> make_subquery(std::shared_ptr<const QueryPlan> plan) {
    auto subquery = std::make_shared<Subquery>();
    subquery->plan = std::move(plan);
    return subquery;
}

namespace {

const Operator* subquery_root(const Subquery& subquery) { return subquery.plan->root.get(); }

bool is_unstored(TermId id) { return storage::id_tag(id) == storage::IdTag::SPECIAL && id != 0; }

// The values of the subquery's one column in this run: it runs at the first use, in the
// statement's context (its state kept with the exists blocks', for explain analyze).
ExecContext::SubqueryValues& subquery_values(const Subquery& subquery, ExecContext& context) {
    ExecContext::SubqueryValues& values = context.subquery_values(subquery);
    if (values.ran)
        return values;
    const QueryPlan& plan = *subquery.plan;
    OperatorState& state = context.block_state(*plan.root);
    const std::vector<TermId> unbound(plan.width, UNBOUND);
    plan.root->reset(state, unbound.data());
    RowBatch batch;
    batch.width = plan.output_width;
    while (plan.root->next(context, state, batch)) {
        context.check_cancelled();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const TermId id = batch.row(i)[0];
            if (values.rows++ == 0)
                values.first = context.value(id);
            if (id == UNBOUND)
                continue; // an empty cell is no value: nothing is in the set for it
            if (!is_unstored(id)) {
                values.ids.insert(id);
                continue;
            }
            const storage::Term& term = context.term(id);
            if (const auto stored = context.find(term))
                values.ids.insert(*stored);
            else
                values.other.insert(format_term(term));
        }
        batch.clear();
    }
    values.ran = true;
    return values;
}

// Whether the needle's value is one of the subquery's (ERROR if it is unbound).
Truth in_subquery(const Subquery& subquery, const Expression& needle, const TermId* row,
                  ExecContext& context, const std::vector<Value>* aggregate_values) {
    const ExecContext::SubqueryValues& values = subquery_values(subquery, context);
    // A variable's id is looked up as it is: no decoding, no allocation.
    if (needle.op == ExprOp::TERM && needle.slot != SIZE_MAX && !is_unstored(row[needle.slot])) {
        if (row[needle.slot] == UNBOUND)
            return Truth::ERROR;
        return values.ids.count(row[needle.slot]) ? Truth::TRUE : Truth::FALSE;
    }
    const Value value = evaluate(needle, row, context, aggregate_values);
    if (!value)
        return Truth::ERROR;
    if (const auto id = context.find(*value))
        return values.ids.count(*id) ? Truth::TRUE : Truth::FALSE;
    return values.other.count(format_term(*value)) ? Truth::TRUE : Truth::FALSE;
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
            const Truth a = condition_truth(arg(0), expr.args[0]);
            if (expr.op == ExprOp::NOT)
                return boolean_value(logical_not(a));
            const Truth b = condition_truth(arg(1), expr.args[1]);
            return boolean_value(expr.op == ExprOp::AND ? logical_and(a, b) : logical_or(a, b));
        }
    case ExprOp::NEGATE: {
        const Value operand = arg(0);
        Value result = negate(operand);
        if (!result && operand)
            throw QueryError(fmt::format("- takes a number, not a {} ({})", kind_name(operand->kind()),
                                         format_term(*operand)),
                             &expr.args[0].position);
        return result;
    }
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
    case ExprOp::ADD:
    case ExprOp::SUBTRACT:
    case ExprOp::MULTIPLY:
    case ExprOp::DIVIDE: {
        const Arithmetic op = expr.op == ExprOp::ADD        ? Arithmetic::ADD
                              : expr.op == ExprOp::SUBTRACT ? Arithmetic::SUBTRACT
                              : expr.op == ExprOp::MULTIPLY ? Arithmetic::MULTIPLY
                                                            : Arithmetic::DIVIDE;
        const Value a = arg(0), b = arg(1);
        Value result = arithmetic(a, b, op);
        if (!result && a && b) {
            const ArithmeticFailure failure = arithmetic_failure(*a, *b, op);
            throw QueryError(failure.message, &expr.args[static_cast<std::size_t>(failure.operand)].position);
        }
        return result;
    }
    case ExprOp::IN_QUERY:
    case ExprOp::NOT_IN_QUERY: {
        QUARRY_ASSERT(expr.subquery, "a subquery evaluated before it was planned");
        const Truth found = in_subquery(*expr.subquery, expr.args[0], row, context, aggregate_values);
        return boolean_value(expr.op == ExprOp::IN_QUERY ? found : logical_not(found));
    }
    case ExprOp::SUBQUERY: {
        QUARRY_ASSERT(expr.subquery, "a subquery evaluated before it was planned");
        const ExecContext::SubqueryValues& values = subquery_values(*expr.subquery, context);
        if (values.rows > 1)
            throw QueryError(fmt::format("a subquery used as a value gave {} rows: it must give one at most "
                                         "(return an aggregate, or add limit 1)",
                                         values.rows),
                             &expr.position);
        return values.first; // unbound when it gave no row
    }
    case ExprOp::CALL: {
        if (expr.function == "bound")
            return storage::Term::boolean(row[expr.args[0].slot] != UNBOUND);
        if (expr.function == "now")
            return context.now(); // one time for the whole statement
        std::vector<Value> values;
        for (std::size_t i = 0; i < expr.args.size(); ++i)
            values.push_back(arg(i));
        if (!expr.regex && (expr.function == "matches" || expr.function == "replace")) {
            // A pattern or flags given at run time: compiled here, so that an invalid one
            // is an error at its argument, not a row that silently does not match.
            const std::size_t flags_at = expr.function == "matches" ? 2 : 3;
            const bool texts =
                values[0] && values[1] && (values.size() <= flags_at || values[flags_at]);
            if (texts && values[1]->kind() == TermKind::STRING &&
                (values.size() <= flags_at || values[flags_at]->kind() == TermKind::STRING)) {
                std::optional<std::regex> compiled;
                try {
                    compiled.emplace(parser::compile_regex(
                        values[1]->text(),
                        values.size() > flags_at ? values[flags_at]->text() : std::string()));
                } catch (const parser::RegexError& e) {
                    const bool flags_bad = values.size() > flags_at && [&] {
                        try {
                            parser::compile_regex("", values[flags_at]->text());
                            return false;
                        } catch (const parser::RegexError&) {
                            return true;
                        }
                    }();
                    throw QueryError(e.what(), &expr.args[flags_bad ? flags_at : 1].position);
                }
                return call_function(expr.function, values, &*compiled);
            }
        }
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
    if (expr.subquery)
        out.push_back(subquery_root(*expr.subquery));
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
