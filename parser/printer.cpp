#include "parser/printer.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace quarry::parser {

namespace {

std::string hex_escape(unsigned char c) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned>(c));
    return buffer;
}

bool scans_back_as_name(const std::string& text, TermContext context);

// Every position a value may be written in; EXPR and CONTEXT are the strictest.
bool scans_back_everywhere(const std::string& text) {
    return scans_back_as_name(text, TermContext::EXPR) &&
           scans_back_as_name(text, TermContext::CONTEXT) &&
           scans_back_as_name(text, TermContext::PATH);
}

bool scans_back_as_name(const std::string& text, TermContext context) {
    if (text.empty())
        return false;
    auto first = text.cbegin();
    ast::Term term;
    try {
        if (!scan_term(first, text.cend(), context, term))
            return false;
    } catch (const LexicalError&) {
        return false;
    }
    return first == text.cend() && term.kind == ast::TermKind::NAME && term.text == text &&
           text.front() != '`';
}

void append_name(std::string& out, const std::string& text, TermContext context,
                 bool never_bare = false) {
    if (!never_bare && scans_back_as_name(text, context)) {
        out += text;
        return;
    }
    out.push_back('`');
    for (char c : text) {
        if (c == '`' || c == '\\')
            out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('`');
}

void append_iri_ref(std::string& out, const ast::IriRef& iri) {
    if (iri.prefixed) {
        out += iri.prefix;
        out += ':';
        out += iri.text;
    } else {
        append_iri(out, iri.text);
    }
}

template <typename Items, typename Print>
std::string join(const Items& items, std::string_view separator, Print print_item) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty())
            out += separator;
        out += print_item(item);
    }
    return out;
}

// --- paths -------------------------------------------------------------------------------

enum class PathLevel { ALTERNATIVE, SEQUENCE, ELEMENT, PRIMARY };

std::string print_path(const ast::Path& path, PathLevel level) {
    using ast::PathOp;
    switch (path.op) {
    case PathOp::TERM:
        return print(path.term, TermContext::PATH);
    case PathOp::ALTERNATIVE:
    case PathOp::SEQUENCE: {
        const bool alternative = path.op == PathOp::ALTERNATIVE;
        const std::string text =
            join(path.children, alternative ? "|" : "/", [&](const ast::Path& child) {
                return print_path(child, alternative ? PathLevel::SEQUENCE : PathLevel::ELEMENT);
            });
        const PathLevel own = alternative ? PathLevel::ALTERNATIVE : PathLevel::SEQUENCE;
        return level > own ? "(" + text + ")" : text;
    }
    case PathOp::INVERSE: {
        const std::string text = "^" + print_path(path.children.at(0), PathLevel::ELEMENT);
        return level > PathLevel::ELEMENT ? "(" + text + ")" : text;
    }
    case PathOp::ONE_OR_MORE:
    case PathOp::ZERO_OR_MORE:
    case PathOp::ZERO_OR_ONE: {
        const char modifier = path.op == PathOp::ONE_OR_MORE    ? '+'
                              : path.op == PathOp::ZERO_OR_MORE ? '*'
                                                                : '?';
        // Modifiers chain without brackets (p+*): "((p+)*)" could pass the nesting limit.
        const ast::Path& child = path.children.at(0);
        const bool chained = child.op == PathOp::ONE_OR_MORE || child.op == PathOp::ZERO_OR_MORE ||
                             child.op == PathOp::ZERO_OR_ONE;
        const std::string text =
            print_path(child, chained ? PathLevel::ELEMENT : PathLevel::PRIMARY) + modifier;
        return level > PathLevel::ELEMENT ? "(" + text + ")" : text;
    }
    }
    return {};
}

// --- expressions -------------------------------------------------------------------------

// Binding strength: the higher, the tighter.
int level_of(ast::ExprOp op) {
    using ast::ExprOp;
    switch (op) {
    case ExprOp::OR: return 1;
    case ExprOp::AND: return 2;
    case ExprOp::EQ: case ExprOp::NE: case ExprOp::LT: case ExprOp::LE: case ExprOp::GT:
    case ExprOp::GE: case ExprOp::IN: case ExprOp::NOT_IN: return 3;
    case ExprOp::ADD: case ExprOp::SUBTRACT: return 4;
    case ExprOp::MULTIPLY: case ExprOp::DIVIDE: return 5;
    case ExprOp::NOT: case ExprOp::NEGATE: return 6;
    case ExprOp::TERM: case ExprOp::CALL: case ExprOp::AGGREGATE: case ExprOp::EXISTS: return 7;
    }
    return 7;
}

const char* symbol_of(ast::ExprOp op) {
    using ast::ExprOp;
    switch (op) {
    case ExprOp::OR: return " or ";
    case ExprOp::AND: return " and ";
    case ExprOp::EQ: return " = ";
    case ExprOp::NE: return " != ";
    case ExprOp::LT: return " < ";
    case ExprOp::LE: return " <= ";
    case ExprOp::GT: return " > ";
    case ExprOp::GE: return " >= ";
    case ExprOp::ADD: return " + ";
    case ExprOp::SUBTRACT: return " - ";
    case ExprOp::MULTIPLY: return " * ";
    case ExprOp::DIVIDE: return " / ";
    default: return " ? ";
    }
}

std::string print_expr(const ast::Expr& expr, int min_level) {
    using ast::ExprOp;
    const int level = level_of(expr.op);
    std::string text;
    switch (expr.op) {
    case ExprOp::TERM:
        text = print(expr.term, TermContext::EXPR);
        break;
    case ExprOp::NOT:
        text = "not " + print_expr(expr.args.at(0), 6);
        break;
    case ExprOp::NEGATE:
        // "- x": a '-' followed by a space is never a number's sign ("-3" is a literal).
        text = "- " + print_expr(expr.args.at(0), 6);
        break;
    case ExprOp::IN:
    case ExprOp::NOT_IN: {
        text = print_expr(expr.args.at(0), 4) + (expr.op == ExprOp::IN ? " in [" : " not in [");
        for (std::size_t i = 1; i < expr.args.size(); ++i)
            text += (i > 1 ? ", " : "") + print_expr(expr.args[i], 1);
        text += "]";
        break;
    }
    case ExprOp::CALL:
        text = expr.function + "(" +
               join(expr.args, ", ", [](const ast::Expr& arg) { return print_expr(arg, 1); }) + ")";
        break;
    case ExprOp::AGGREGATE:
        text = expr.function + "(" + (expr.distinct ? "distinct " : "") +
               (expr.star ? std::string("*")
                          : join(expr.args, ", ",
                                 [](const ast::Expr& arg) { return print_expr(arg, 1); })) +
               ")";
        break;
    case ExprOp::EXISTS:
        text = "exists " + print(expr.block.at(0));
        break;
    default: {
        // Binary: left-associative, except comparisons, which do not chain.
        const bool comparison = level == 3;
        text = print_expr(expr.args.at(0), comparison ? level + 1 : level) + symbol_of(expr.op) +
               print_expr(expr.args.at(1), level + 1);
        break;
    }
    }
    return level < min_level ? "(" + text + ")" : text;
}

std::string print_patterns(const std::vector<ast::Pattern>& patterns) {
    return join(patterns, ", ", [](const ast::Pattern& pattern) { return print(pattern); });
}

} // namespace

void append_quoted_string(std::string& out, std::string_view text) {
    out.push_back('"');
    for (char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
                out += hex_escape(static_cast<unsigned char>(c));
            else
                out.push_back(c);
        }
    }
    out.push_back('"');
}

void append_iri(std::string& out, std::string_view text) {
    out.push_back('<');
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || c == '<' || c == '>' || c == '"' || c == '{' || c == '}' || c == '|' ||
            c == '^' || c == '`' || c == '\\')
            out += hex_escape(u);
        else
            out.push_back(c);
    }
    out.push_back('>');
}

std::string format_decimal(double value) {
    std::array<char, 64> buffer;
    const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
    std::string text(buffer.data(), result.ptr);
    if (text.find_first_of(".e") == std::string::npos)
        text += ".0";
    return text;
}

std::string format_date_time(const ast::DateTime& when, bool with_time) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", when.year, when.month, when.day);
    std::string text = buffer;
    if (!with_time)
        return text;
    std::snprintf(buffer, sizeof buffer, "T%02d:%02d:%02d", when.hour, when.minute, when.second);
    text += buffer;
    if (when.millisecond != 0) {
        std::snprintf(buffer, sizeof buffer, ".%03d", when.millisecond);
        std::string fraction = buffer;
        while (fraction.back() == '0')
            fraction.pop_back();
        text += fraction;
    }
    if (when.offset_minutes) {
        const int offset = *when.offset_minutes;
        if (offset == 0) {
            text += 'Z';
        } else {
            std::snprintf(buffer, sizeof buffer, "%c%02d:%02d", offset < 0 ? '-' : '+',
                          std::abs(offset) / 60, std::abs(offset) % 60);
            text += buffer;
        }
    }
    return text;
}

std::string print(const ast::Term& term) {
    if (term.kind != ast::TermKind::NAME)
        return print(term, TermContext::TUPLE);
    std::string out;
    append_name(out, term.text, TermContext::TUPLE, !scans_back_everywhere(term.text));
    return out;
}

std::string print(const ast::Term& term, TermContext context) {
    using ast::TermKind;
    std::string out;
    switch (term.kind) {
    case TermKind::VARIABLE: out = "?" + term.text; break;
    case TermKind::PARAMETER: out = "$" + term.text; break;
    case TermKind::WILDCARD: out = "_"; break;
    case TermKind::DEFAULT_CONTEXT: out = "default"; break;
    case TermKind::NAME: append_name(out, term.text, context); break;
    case TermKind::IRI: append_iri_ref(out, term.iri); break;
    case TermKind::STRING:
        append_quoted_string(out, term.text);
        if (!term.lang.empty())
            out += "@" + term.lang;
        break;
    case TermKind::TYPED:
        append_quoted_string(out, term.text);
        out += "^^";
        append_iri_ref(out, term.iri);
        break;
    case TermKind::INTEGER: out = std::to_string(term.integer); break;
    case TermKind::DECIMAL: out = format_decimal(term.decimal); break;
    case TermKind::BOOLEAN: out = term.boolean ? "true" : "false"; break;
    case TermKind::DATE: out = format_date_time(term.when, false); break;
    case TermKind::DATETIME: out = format_date_time(term.when, true); break;
    }
    return out;
}

std::string print(const ast::Path& path) { return print_path(path, PathLevel::ALTERNATIVE); }

std::string print(const ast::Expr& expr) { return print_expr(expr, 1); }

std::string print(const ast::Tuple& tuple) {
    std::string out = "(" + print(tuple.subject, TermContext::TUPLE) + ", " + print(tuple.predicate) +
                      ", " + print(tuple.object, TermContext::TUPLE);
    if (tuple.context)
        out += ", " + print(*tuple.context, TermContext::CONTEXT);
    return out + ")";
}

std::string print(const ast::Pattern& pattern) {
    using ast::PatternKind;
    switch (pattern.kind) {
    case PatternKind::TUPLE:
        return print(pattern.tuple);
    case PatternKind::GROUP:
        return "{ " + print_patterns(pattern.patterns) +
               (pattern.where ? " where " + print(*pattern.where) : "") + " }";
    case PatternKind::OPTIONAL:
        return "optional " + print(pattern.patterns.at(0));
    case PatternKind::NOT:
        return "not " + print(pattern.patterns.at(0));
    case PatternKind::UNION:
        return join(pattern.patterns, " or ", [](const ast::Pattern& block) { return print(block); });
    }
    return {};
}

std::string print(const ast::Query& query) {
    std::string out = "match " + print_patterns(query.patterns);
    if (query.asserted)
        out += " asserted";
    if (query.where)
        out += " where " + print(*query.where);
    if (!query.returns.empty() || query.distinct) {
        out += " return ";
        if (query.distinct)
            out += "distinct ";
        out += query.returns.empty()
                   ? std::string("*")
                   : join(query.returns, ", ", [](const ast::ReturnItem& item) {
                         return print(item.expr) + (item.alias.empty() ? "" : " as " + item.alias);
                     });
    }
    if (!query.group_by.empty())
        out += " group by " + join(query.group_by, ", ", [](const ast::Expr& key) { return print(key); });
    if (query.having)
        out += " having " + print(*query.having);
    if (!query.order.empty())
        out += " order by " + join(query.order, ", ", [](const ast::OrderKey& key) {
                   return print(key.expr) + (key.descending ? " desc" : "");
               });
    if (query.limit)
        out += " limit " + std::to_string(*query.limit);
    if (query.offset)
        out += " offset " + std::to_string(*query.offset);
    return out;
}

std::string print(const ast::Statement& statement) {
    using ast::StatementKind;
    std::string out;
    if (statement.explain)
        out = statement.analyze ? "explain analyze " : "explain ";
    auto tuples = [&] {
        return join(statement.tuples, ", ", [](const ast::Tuple& tuple) { return print(tuple); });
    };
    auto template_match = [&] {
        if (!statement.query)
            return std::string();
        std::string text = " match " + print_patterns(statement.query->patterns);
        if (statement.query->where)
            text += " where " + print(*statement.query->where);
        return text;
    };
    auto file_clause = [&](const char* context_keyword) {
        std::string text;
        append_quoted_string(text, statement.file);
        if (!statement.format.empty())
            text += " as " + statement.format;
        if (statement.context) {
            text += std::string(" ") + context_keyword + " ";
            // After into/from, a bare `default` is the keyword: a name so spelled is quoted.
            const ast::Term& context = *statement.context;
            std::string lowered = context.text;
            for (char& c : lowered)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            if (context.kind == ast::TermKind::NAME && lowered == "default")
                append_name(text, context.text, TermContext::EXPR, /*never_bare=*/true);
            else
                text += print(context, TermContext::EXPR);
        }
        return text;
    };
    switch (statement.kind) {
    case StatementKind::ADD: out += "add " + tuples() + template_match(); break;
    case StatementKind::REMOVE: out += "remove " + tuples() + template_match(); break;
    case StatementKind::MATCH: out += statement.query ? print(*statement.query) : "match"; break;
    case StatementKind::PREFIX:
        out += "prefix " + statement.prefix + ": ";
        append_iri_ref(out, statement.iri);
        break;
    case StatementKind::LOAD: out += "load " + file_clause("into"); break;
    case StatementKind::EXPORT: out += "export " + file_clause("from"); break;
    case StatementKind::BEGIN: out += "begin"; break;
    case StatementKind::COMMIT: out += "commit"; break;
    case StatementKind::ROLLBACK: out += "rollback"; break;
    case StatementKind::RULE:
        out += "rule " + statement.name + ": " + tuples() + " if" +
               template_match().substr(std::string_view(" match").size());
        break;
    case StatementKind::DROP_RULE: out += "drop rule " + statement.name; break;
    case StatementKind::WHY: out += "why " + tuples(); break;
    }
    return out;
}

} // namespace quarry::parser
