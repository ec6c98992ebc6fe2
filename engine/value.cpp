#include "engine/value.hpp"

#include "parser/regex.hpp"

#include "engine/terms.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <regex>

namespace quarry::engine {

using storage::Term;
using storage::TermKind;

Truth truth_of(const Value& value) {
    if (!value || value->kind() != TermKind::BOOLEAN)
        return Truth::ERROR;
    return value->boolean_value() ? Truth::TRUE : Truth::FALSE;
}

Truth logical_and(Truth a, Truth b) {
    if (a == Truth::FALSE || b == Truth::FALSE)
        return Truth::FALSE;
    if (a == Truth::ERROR || b == Truth::ERROR)
        return Truth::ERROR;
    return Truth::TRUE;
}

Truth logical_or(Truth a, Truth b) {
    if (a == Truth::TRUE || b == Truth::TRUE)
        return Truth::TRUE;
    if (a == Truth::ERROR || b == Truth::ERROR)
        return Truth::ERROR;
    return Truth::FALSE;
}

Truth logical_not(Truth a) {
    return a == Truth::ERROR ? Truth::ERROR : a == Truth::TRUE ? Truth::FALSE : Truth::TRUE;
}

Value boolean_value(Truth truth) {
    if (truth == Truth::ERROR)
        return std::nullopt;
    return Term::boolean(truth == Truth::TRUE);
}

namespace {

bool is_number(const Term& t) { return t.kind() == TermKind::INTEGER || t.kind() == TermKind::DECIMAL; }
bool is_temporal(const Term& t) { return t.kind() == TermKind::DATE || t.kind() == TermKind::DATETIME; }

// Compares two numbers by value; integers exactly, mixed through long double.
int compare_numbers(const Term& a, const Term& b) {
    if (a.kind() == TermKind::INTEGER && b.kind() == TermKind::INTEGER)
        return a.integer_value() < b.integer_value() ? -1 : a.integer_value() > b.integer_value();
    const long double x = a.kind() == TermKind::INTEGER ? static_cast<long double>(a.integer_value())
                                                        : a.decimal_value();
    const long double y = b.kind() == TermKind::INTEGER ? static_cast<long double>(b.integer_value())
                                                        : b.decimal_value();
    return x < y ? -1 : x > y;
}

// The instant of a date (its midnight, UTC) or datetime, in ms.
std::int64_t instant_of(const Term& t) {
    return t.kind() == TermKind::DATE ? t.days() * storage::MS_PER_DAY : t.epoch_ms();
}

int compare_temporal(const Term& a, const Term& b) {
    const std::int64_t x = instant_of(a), y = instant_of(b);
    return x < y ? -1 : x > y;
}

int compare_text(std::string_view a, std::string_view b) {
    // UTF-8 byte order is code point order.
    const int c = a.compare(b);
    return c < 0 ? -1 : c > 0;
}

// Order within one kind, for ordering comparisons and the total order. Precondition:
// same kind, not numbers or temporal (handled by the callers).
int compare_same_kind(const Term& a, const Term& b) {
    switch (a.kind()) {
    case TermKind::DEFAULT_CONTEXT: return 0;
    case TermKind::NAME:
    case TermKind::IRI: return compare_text(a.text(), b.text());
    case TermKind::STRING: {
        const int c = compare_text(a.text(), b.text());
        return c != 0 ? c : compare_text(a.lang(), b.lang());
    }
    case TermKind::TYPED: {
        const int c = compare_text(a.datatype(), b.datatype());
        return c != 0 ? c : compare_text(a.text(), b.text());
    }
    case TermKind::BOOLEAN: return static_cast<int>(a.boolean_value()) - static_cast<int>(b.boolean_value());
    default: return 0;
    }
}

// Kind groups of the total order.
int group_of(const Term& t) {
    switch (t.kind()) {
    case TermKind::DEFAULT_CONTEXT: return 0;
    case TermKind::NAME: return 1;
    case TermKind::IRI: return 2;
    case TermKind::STRING: return 3;
    case TermKind::TYPED: return 4;
    case TermKind::BOOLEAN: return 5;
    case TermKind::INTEGER:
    case TermKind::DECIMAL: return 6;
    case TermKind::DATE:
    case TermKind::DATETIME: return 7;
    }
    return 8;
}

} // namespace

Truth compare(const Value& a, const Value& b, Comparison op) {
    if (!a || !b)
        return Truth::ERROR;
    int c;
    bool comparable = true;
    if (is_number(*a) && is_number(*b))
        c = compare_numbers(*a, *b);
    else if (is_temporal(*a) && is_temporal(*b))
        c = compare_temporal(*a, *b);
    else if (a->kind() == b->kind())
        c = compare_same_kind(*a, *b);
    else {
        comparable = false;
        c = 1;
    }
    switch (op) {
    case Comparison::EQ: return comparable && c == 0 ? Truth::TRUE : Truth::FALSE;
    case Comparison::NE: return comparable && c == 0 ? Truth::FALSE : Truth::TRUE;
    default: break;
    }
    // Incomparable kinds are false, not an error, so that `not (?b > 5)` holds for a name.
    if (!comparable || a->kind() == TermKind::DEFAULT_CONTEXT)
        return Truth::FALSE;
    switch (op) {
    case Comparison::LT: return c < 0 ? Truth::TRUE : Truth::FALSE;
    case Comparison::LE: return c <= 0 ? Truth::TRUE : Truth::FALSE;
    case Comparison::GT: return c > 0 ? Truth::TRUE : Truth::FALSE;
    default: return c >= 0 ? Truth::TRUE : Truth::FALSE;
    }
}

int total_order(const Value& a, const Value& b) {
    if (!a || !b)
        return a ? 1 : b ? -1 : 0;
    return total_order(*a, *b);
}

int total_order(const Term& a, const Term& b) {
    const int ga = group_of(a), gb = group_of(b);
    if (ga != gb)
        return ga < gb ? -1 : 1;
    int c = 0;
    if (ga == 6)
        c = compare_numbers(a, b);
    else if (ga == 7)
        c = compare_temporal(a, b);
    else
        c = compare_same_kind(a, b);
    if (c != 0)
        return c;
    // Equal in value but maybe different terms (2 and 2.0, 08:30+03:00 and 05:30Z).
    if (a.kind() != b.kind())
        return a.kind() < b.kind() ? -1 : 1;
    if (a.kind() == TermKind::DATETIME) {
        const int oa = a.offset_minutes() ? *a.offset_minutes() + 10000 : 0;
        const int ob = b.offset_minutes() ? *b.offset_minutes() + 10000 : 0;
        return oa < ob ? -1 : oa > ob;
    }
    return 0;
}

namespace {

double as_double(const Term& t) {
    return t.kind() == TermKind::INTEGER ? static_cast<double>(t.integer_value()) : t.decimal_value();
}

Value decimal_or_error(double value) {
    if (!std::isfinite(value))
        return std::nullopt;
    return Term::decimal(value);
}

} // namespace

Value arithmetic(const Value& a, const Value& b, Arithmetic op) {
    if (!a || !b)
        return std::nullopt;
    // Dates: date ± integer days, date − date in days.
    if (a->kind() == TermKind::DATE || b->kind() == TermKind::DATE) {
        const bool date_a = a->kind() == TermKind::DATE, date_b = b->kind() == TermKind::DATE;
        std::int64_t days;
        if (date_a && date_b && op == Arithmetic::SUBTRACT)
            return Term::integer(a->days() - b->days());
        if (date_a && b->kind() == TermKind::INTEGER && (op == Arithmetic::ADD || op == Arithmetic::SUBTRACT)) {
            if (op == Arithmetic::ADD ? __builtin_add_overflow(a->days(), b->integer_value(), &days)
                                      : __builtin_sub_overflow(a->days(), b->integer_value(), &days))
                return std::nullopt;
        } else if (date_b && a->kind() == TermKind::INTEGER && op == Arithmetic::ADD) {
            if (__builtin_add_overflow(b->days(), a->integer_value(), &days))
                return std::nullopt;
        } else {
            return std::nullopt;
        }
        const storage::CivilDate civil = storage::civil_from_days(days);
        if (civil.year < storage::MIN_YEAR || civil.year > storage::MAX_YEAR)
            return std::nullopt; // outside the years a date may have
        return Term::date_from_days(days);
    }
    if (!is_number(*a) || !is_number(*b))
        return std::nullopt;
    if (op == Arithmetic::DIVIDE) {
        if (as_double(*b) == 0.0)
            return std::nullopt;
        return decimal_or_error(as_double(*a) / as_double(*b));
    }
    if (a->kind() == TermKind::INTEGER && b->kind() == TermKind::INTEGER) {
        std::int64_t result;
        const std::int64_t x = a->integer_value(), y = b->integer_value();
        const bool overflow = op == Arithmetic::ADD        ? __builtin_add_overflow(x, y, &result)
                              : op == Arithmetic::SUBTRACT ? __builtin_sub_overflow(x, y, &result)
                                                           : __builtin_mul_overflow(x, y, &result);
        if (!overflow)
            return Term::integer(result);
    }
    const double x = as_double(*a), y = as_double(*b);
    return decimal_or_error(op == Arithmetic::ADD ? x + y : op == Arithmetic::SUBTRACT ? x - y : x * y);
}

ArithmeticFailure arithmetic_failure(const Term& a, const Term& b, Arithmetic op) {
    static constexpr std::string_view SIGNS[] = {"+", "-", "*", "/"};
    const std::string sign(SIGNS[static_cast<int>(op)]);
    const bool dates = op == Arithmetic::ADD || op == Arithmetic::SUBTRACT;
    const auto describe = [](const Term& t) {
        return fmt::format("{} {} ({})",
                           t.kind() == TermKind::INTEGER || t.kind() == TermKind::IRI ? "an" : "a",
                           kind_name(t.kind()), format_term(t));
    };
    const auto takes = [&](const Term& t) {
        return is_number(t) || (dates && t.kind() == TermKind::DATE);
    };
    for (int operand = 0; operand < 2; ++operand) {
        const Term& t = operand == 0 ? a : b;
        if (!takes(t))
            return {sign + " takes numbers" + (dates ? " (or a date and a number of days)" : "") +
                        ", not " + describe(t),
                    operand};
    }
    if (a.kind() == TermKind::DATE || b.kind() == TermKind::DATE) {
        const int other = a.kind() == TermKind::DATE ? 1 : 0;
        const Term& t = other == 0 ? a : b;
        if (t.kind() == TermKind::DATE)
            return {"+ of two dates: add a number of days to a date", 1};
        if (t.kind() != TermKind::INTEGER)
            return {"a number of days must be an integer, not " + describe(t), other};
        if (op == Arithmetic::SUBTRACT && other == 0)
            return {"a number minus a date: subtract days from the date instead", 1};
        return {"the date is outside the years a date may have", 0};
    }
    if (op == Arithmetic::DIVIDE && as_double(b) == 0.0)
        return {"division by zero", 1};
    return {"the result of " + sign + " is not a finite number", 0};
}

Value negate(const Value& a) {
    if (!a || !is_number(*a))
        return std::nullopt;
    if (a->kind() == TermKind::INTEGER) {
        if (a->integer_value() == std::numeric_limits<std::int64_t>::min())
            return Term::decimal(-static_cast<double>(a->integer_value()));
        return Term::integer(-a->integer_value());
    }
    return Term::decimal(-a->decimal_value());
}

} // namespace quarry::engine

namespace quarry {

std::string text_of(const Term& term) {
    switch (term.kind()) {
    case TermKind::NAME:
    case TermKind::IRI:
    case TermKind::STRING:
    case TermKind::TYPED:
        return term.text();
    default:
        return format_term(term);
    }
}

} // namespace quarry

namespace quarry::engine {

namespace {

bool is_textual(const Term& t) { return t.kind() == TermKind::NAME || t.kind() == TermKind::STRING; }

std::size_t code_points(std::string_view text) {
    std::size_t count = 0;
    for (char c : text)
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return count;
}

} // namespace

Term current_time() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return Term::datetime(std::chrono::duration_cast<std::chrono::milliseconds>(now).count(), 0);
}

namespace {

// `text` as a term of the kind of `like`: a name stays a name (unless the text is empty,
// which no name can be), anything else becomes a string (with the same language tag).
Value same_kind(const Term& like, const std::string& text) {
    if (like.kind() == TermKind::NAME && !text.empty())
        return Term::name(text);
    return Term::string(text, like.kind() == TermKind::STRING ? like.lang() : "");
}

// ASCII case mapping; other characters are kept (SPEC: names are compared as written).
std::string map_case(std::string_view text, bool upper) {
    std::string out(text);
    for (char& c : out) {
        if (upper && c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

} // namespace

Value call_function(std::string_view name, std::span<const Value> args, const std::regex* compiled) {
    if (name == "now")
        return current_time();
    if (name == "coalesce") {
        for (const Value& arg : args)
            if (arg)
                return arg;
        return std::nullopt;
    }
    for (const Value& arg : args)
        if (!arg)
            return std::nullopt;
    auto text_pair = [&](auto test) -> Value {
        if (!is_textual(*args[0]) || !is_textual(*args[1]))
            return std::nullopt;
        return Term::boolean(test(args[0]->text(), args[1]->text()));
    };
    if (name == "contains")
        return text_pair([](std::string_view a, std::string_view b) { return a.find(b) != std::string_view::npos; });
    if (name == "starts_with")
        return text_pair([](std::string_view a, std::string_view b) { return a.substr(0, b.size()) == b; });
    if (name == "ends_with")
        return text_pair([](std::string_view a, std::string_view b) {
            return a.size() >= b.size() && a.substr(a.size() - b.size()) == b;
        });
    if (name == "concat") {
        std::string text;
        for (const Value& arg : args)
            text += text_of(*arg);
        return Term::string(text);
    }
    if (name == "matches" || name == "replace") {
        // matches(text, pattern[, flags]); replace(text, pattern, replacement[, flags]).
        const std::size_t flags_at = name == "matches" ? 2 : 3;
        for (const Value& arg : args)
            if (!is_textual(*arg))
                return std::nullopt;
        std::regex own;
        if (!compiled) {
            try {
                own = parser::compile_regex(args[1]->text(), args.size() > flags_at ? args[flags_at]->text() : "");
            } catch (const parser::RegexError&) {
                return std::nullopt;
            }
            compiled = &own;
        }
        if (name == "matches")
            return Term::boolean(std::regex_search(args[0]->text(), *compiled));
        return same_kind(*args[0], std::regex_replace(args[0]->text(), *compiled, args[2]->text()));
    }
    if (name == "substr") {
        // substr(text, start[, length]): code points, counted from 1.
        if (!is_textual(*args[0]) || args[1]->kind() != TermKind::INTEGER ||
            (args.size() > 2 && args[2]->kind() != TermKind::INTEGER))
            return std::nullopt;
        const std::string& text = args[0]->text();
        const std::int64_t start = args[1]->integer_value();
        const std::int64_t end = args.size() > 2 ? start + std::max<std::int64_t>(args[2]->integer_value(), 0)
                                                 : std::numeric_limits<std::int64_t>::max();
        std::string out;
        std::int64_t position = 0; // of the current code point, from 1
        for (const char c : text) {
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
                ++position;
            if (position >= start && position < end)
                out += c;
        }
        return same_kind(*args[0], out);
    }
    const Term& x = *args[0];
    if (name == "lower" || name == "upper") {
        if (!is_textual(x))
            return std::nullopt;
        const std::string mapped = map_case(x.text(), name == "upper");
        return x.kind() == TermKind::NAME ? Term::name(mapped) : Term::string(mapped, x.lang());
    }
    if (name == "length")
        return is_textual(x) ? Value(Term::integer(static_cast<std::int64_t>(code_points(x.text()))))
                             : std::nullopt;
    if (name == "str")
        return Term::string(text_of(x));
    if (name == "lang")
        return x.kind() == TermKind::STRING ? Value(Term::string(x.lang())) : std::nullopt;
    if (name == "year" || name == "month" || name == "day") {
        if (!is_temporal(x))
            return std::nullopt;
        const storage::CivilDate date = x.kind() == TermKind::DATE ? storage::civil_from_days(x.days())
                                                                   : x.local_time().date;
        const std::int64_t part = name == "year" ? date.year : name == "month" ? date.month : date.day;
        return Term::integer(part);
    }
    if (name == "is_name")
        return Term::boolean(x.kind() == TermKind::NAME);
    if (name == "is_string")
        return Term::boolean(x.kind() == TermKind::STRING);
    if (name == "is_number")
        return Term::boolean(is_number(x));
    if (name == "is_date")
        return Term::boolean(is_temporal(x));
    if (name == "is_iri")
        return Term::boolean(x.kind() == TermKind::IRI);
    return std::nullopt;
}

} // namespace quarry::engine
