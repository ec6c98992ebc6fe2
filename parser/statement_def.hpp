#pragma once

#include "parser/ast.hpp"
#include "parser/error_handler.hpp"
#include "parser/expression.hpp"
#include "parser/grammar_actions.hpp"
#include "parser/pattern.hpp"
#include "parser/primitives.hpp"
#include "parser/statement.hpp"

#include <boost/spirit/home/x3.hpp>

#include <cctype>

namespace quarry::parser::grammar {

using ast::Statement;
using ast::StatementKind;

// The top rule handles expectation failures for everything below it.
struct statement_class : error_handler_base {};
struct return_item_class {};
struct order_key_class {};

statement_type const statement =
    "a statement (add, remove, match, prefix, load, export, begin, commit, rollback, rule, "
    "drop rule, why or explain)";
x3::rule<return_item_class, ast::ReturnItem> const return_item = "a value to return";
x3::rule<order_key_class, ast::OrderKey> const order_key = "a value to order by";
x3::rule<class tuples_class, std::vector<ast::Tuple>> const tuples =
    "a tuple such as (Khaji, met, Syrian delegation)";
x3::rule<class context_value_class, ast::Term> const context_value =
    "a context (a name, an IRI or default)";
x3::rule<class explained_class, Statement> const explained = "match, add or remove";

auto const file_name = string_parser("a quoted file name");
auto const prefix_name = prefix_name_parser("a prefix name such as ex:");
auto const iri = iri_parser("an IRI (<…> or prefix:name)");
auto const alias = identifier_parser("an alias", /*allow_question_mark=*/true);
auto const rule_name = identifier_parser("a rule name (letters, digits and _)");
auto const format = identifier_parser("a format such as nquads, ntriples, tsv, csv or qry");
auto const count = count_parser();
auto const context_name = term_parser(TermContext::EXPR, "a context (a name or an IRI)");

auto const kind = [](StatementKind k) { return [k](auto& ctx) { x3::_val(ctx).kind = k; }; };
auto const query = [](auto& ctx) -> ast::Query& {
    auto& statement = x3::_val(ctx);
    if (!statement.query)
        statement.query.emplace();
    return *statement.query;
};
auto const set_patterns = [](auto& ctx) { query(ctx).patterns = std::move(x3::_attr(ctx)); };
auto const set_where = [](auto& ctx) { query(ctx).where = std::move(x3::_attr(ctx)); };
auto const set_distinct = [](auto& ctx) { query(ctx).distinct = true; };
auto const set_asserted = [](auto& ctx) { query(ctx).asserted = true; };
auto const set_name = [](auto& ctx) { x3::_val(ctx).name = std::move(x3::_attr(ctx)); };
auto const push_tuple = [](auto& ctx) {
    x3::_val(ctx).tuples.push_back(std::move(x3::_attr(ctx)));
};
auto const push_return = [](auto& ctx) { query(ctx).returns.push_back(std::move(x3::_attr(ctx))); };
auto const push_order = [](auto& ctx) { query(ctx).order.push_back(std::move(x3::_attr(ctx))); };
auto const push_group = [](auto& ctx) { query(ctx).group_by.push_back(std::move(x3::_attr(ctx))); };
auto const set_having = [](auto& ctx) { query(ctx).having = std::move(x3::_attr(ctx)); };
auto const set_limit = [](auto& ctx) { query(ctx).limit = x3::_attr(ctx); };
auto const set_offset = [](auto& ctx) { query(ctx).offset = x3::_attr(ctx); };
auto const set_tuples = [](auto& ctx) { x3::_val(ctx).tuples = std::move(x3::_attr(ctx)); };
auto const set_prefix = [](auto& ctx) { x3::_val(ctx).prefix = std::move(x3::_attr(ctx)); };
auto const set_iri = [](auto& ctx) { x3::_val(ctx).iri = std::move(x3::_attr(ctx)); };
auto const set_file = [](auto& ctx) { x3::_val(ctx).file = std::move(x3::_attr(ctx)); };
auto const set_format = [](auto& ctx) {
    std::string name = std::move(x3::_attr(ctx));
    for (char& c : name)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    x3::_val(ctx).format = std::move(name);
};
auto const set_context = [](auto& ctx) { x3::_val(ctx).context = std::move(x3::_attr(ctx)); };
auto const default_context = [](auto& ctx) {
    ast::Term term;
    term.kind = ast::TermKind::DEFAULT_CONTEXT;
    x3::_val(ctx) = std::move(term);
};
auto const set_explain = [](auto& ctx) { x3::_val(ctx).explain = true; };
auto const set_analyze = [](auto& ctx) { x3::_val(ctx).analyze = true; };
auto const item_expr = [](auto& ctx) { x3::_val(ctx).expr = std::move(x3::_attr(ctx)); };
auto const item_alias = [](auto& ctx) { x3::_val(ctx).alias = std::move(x3::_attr(ctx)); };
auto const key_descending = [](auto& ctx) { x3::_val(ctx).descending = true; };
// Takes the explained statement, keeping the explain flags already set.
auto const adopt_explained = [](auto& ctx) {
    Statement& statement = x3::_val(ctx);
    const bool analyze = statement.analyze;
    statement = std::move(x3::_attr(ctx));
    statement.explain = true;
    statement.analyze = analyze;
};

// Parts of statements; not rules, so their actions see the statement as _val.
auto const where_clause = kw("where") > condition()[set_where];
auto const return_clause =
    kw("return") > -kw("distinct")[set_distinct] >
    (x3::lit('*') | (return_item[push_return] >> *(x3::lit(',') > return_item[push_return])));
auto const group_clause = kw("group") > kw("by") >
                          (condition()[push_group] >> *(x3::lit(',') > condition()[push_group]));
auto const having_clause = kw("having") > condition()[set_having];
auto const order_clause = kw("order") > kw("by") >
                          (order_key[push_order] >> *(x3::lit(',') > order_key[push_order]));
auto const match_body = kw("match")[kind(StatementKind::MATCH)] > patterns()[set_patterns] >
                        -kw("asserted")[set_asserted] > -where_clause > -return_clause > -group_clause > -having_clause > -order_clause >
                        -((kw("limit") > count[set_limit] > -(kw("offset") > count[set_offset])) |
                          (kw("offset") > count[set_offset] > -(kw("limit") > count[set_limit])));
auto const tuples_def = tuple() >> *(x3::lit(',') > tuple());
auto const template_match = kw("match") > patterns()[set_patterns] > -where_clause;
auto const add_body = kw("add")[kind(StatementKind::ADD)] > tuples[set_tuples] > -template_match;
auto const remove_body =
    kw("remove")[kind(StatementKind::REMOVE)] > tuples[set_tuples] > -template_match;
// rule NAME: HEAD if BODY: the head's tuples, the body a pattern with an optional where.
auto const rule_body = kw("rule")[kind(StatementKind::RULE)] > rule_name[set_name] >
                       x3::lit(':') > tuples[set_tuples] > kw("if") > patterns()[set_patterns] >
                       -where_clause;
auto const drop_rule_body = kw("drop")[kind(StatementKind::DROP_RULE)] >
                            kw("rule") > rule_name[set_name];
auto const why_body = kw("why")[kind(StatementKind::WHY)] > tuple()[push_tuple];
auto const context_value_def = kw("default")[default_context] | context_name[set_val];

auto const statement_def = annotated[(kw("explain")[set_explain] > -kw("analyze")[set_analyze] > explained[adopt_explained]) | match_body |
    add_body | remove_body |
    (kw("prefix")[kind(StatementKind::PREFIX)] > prefix_name[set_prefix] > iri[set_iri]) |
    (kw("load")[kind(StatementKind::LOAD)] > file_name[set_file] >
     -(kw("as") > format[set_format]) > -(kw("into") > context_value[set_context])) |
    (kw("export")[kind(StatementKind::EXPORT)] > file_name[set_file] >
     -(kw("as") > format[set_format]) > -(kw("from") > context_value[set_context])) |
    kw("begin")[kind(StatementKind::BEGIN)] | kw("commit")[kind(StatementKind::COMMIT)] |
    kw("rollback")[kind(StatementKind::ROLLBACK)] | rule_body | drop_rule_body | why_body];
auto const explained_def = match_body | add_body | remove_body;
auto const return_item_def = annotated[condition()[item_expr] >> -(kw("as") > alias[item_alias])];
auto const order_key_def = annotated[condition()[item_expr] >> -(kw("asc") | kw("desc")[key_descending])];
BOOST_SPIRIT_DEFINE(statement, explained, return_item, order_key, tuples, context_value)

} // namespace quarry::parser::grammar
