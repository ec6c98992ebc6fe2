#include "storage/term.hpp"

#include "storage/error.hpp"

#include <boost/locale/utf.hpp>
#include <fmt/format.h>

#include <cmath>
#include <cstring>

namespace quarry {

std::string_view kind_name(TermKind kind) {
    switch (kind) {
    case TermKind::DEFAULT_CONTEXT: return "default context";
    case TermKind::NAME: return "name";
    case TermKind::IRI: return "IRI";
    case TermKind::STRING: return "string";
    case TermKind::TYPED: return "typed literal";
    case TermKind::BOOLEAN: return "boolean";
    case TermKind::INTEGER: return "integer";
    case TermKind::DECIMAL: return "decimal";
    case TermKind::DATE: return "date";
    case TermKind::DATETIME: return "datetime";
    }
    return "unknown";
}

std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day) {
    year -= month <= 2;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yoe = static_cast<unsigned>(year - era * 400);                 // [0, 399]
    const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;              // [0, 146096]
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t days) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {y + (m <= 2), m, d};
}

CivilDateTime civil_from_epoch_ms(std::int64_t ms) {
    std::int64_t day = ms / MS_PER_DAY;
    std::int64_t ms_of_day = ms % MS_PER_DAY;
    if (ms_of_day < 0) {
        ms_of_day += MS_PER_DAY;
        --day;
    }
    const auto seconds = static_cast<unsigned>(ms_of_day / 1000);
    return {civil_from_days(day), seconds / 3600, seconds / 60 % 60, seconds % 60,
            static_cast<unsigned>(ms_of_day % 1000)};
}

bool is_valid_date(std::int64_t year, unsigned month, unsigned day) {
    if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1)
        return false;
    static constexpr unsigned DAYS_IN_MONTH[] = {31, 28, 31, 30, 31, 30,
                                                 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    const unsigned limit = month == 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
    return day <= limit;
}

bool is_valid_utf8(std::string_view text) {
    using traits = boost::locale::utf::utf_traits<char>;
    const char* p = text.data();
    const char* end = p + text.size();
    while (p != end) {
        // ASCII, the common case, eight bytes at a time.
        for (std::uint64_t word; end - p >= 8; p += 8) {
            std::memcpy(&word, p, 8);
            if (word & 0x8080808080808080ULL)
                break;
        }
        if (p == end)
            break;
        if (static_cast<unsigned char>(*p) < 0x80) {
            ++p;
            continue;
        }
        const auto cp = traits::decode(p, end);
        if (cp == boost::locale::utf::illegal || cp == boost::locale::utf::incomplete)
            return false;
    }
    return true;
}

namespace {

void require_utf8(std::string_view text, std::string_view what) {
    if (!is_valid_utf8(text))
        throw TermError(fmt::format("{} is not valid UTF-8", what));
}

bool is_valid_lang(std::string_view lang) {
    // BCP 47 as N-Triples' LANGTAG: [a-zA-Z]+ ('-' [a-zA-Z0-9]+)*
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0;
    while (i < lang.size() && alpha(lang[i]))
        ++i;
    if (i == 0)
        return false;
    while (i < lang.size()) {
        if (lang[i] != '-')
            return false;
        const std::size_t start = ++i;
        while (i < lang.size() && (alpha(lang[i]) || digit(lang[i])))
            ++i;
        if (i == start)
            return false;
    }
    return true;
}

// Throws unless the date falls in years MIN_YEAR–MAX_YEAR.
void require_year_in_range(const CivilDate& civil, std::string_view kind) {
    if (civil.year < MIN_YEAR || civil.year > MAX_YEAR)
        throw TermError(fmt::format("{} out of range: year {} is outside {:04}–{}", kind,
                                    civil.year, MIN_YEAR, MAX_YEAR));
}

bool is_iri_char(unsigned char c) {
    if (c <= 0x20)
        return false;
    switch (c) {
    case '<': case '>': case '"': case '{': case '}': case '|': case '^': case '`':
    case '\\':
        return false;
    default:
        return true;
    }
}

} // namespace

void Term::set(TermKind kind, std::string_view text, std::string_view aux) {
    kind_ = kind;
    has_offset_ = false;
    offset_ = 0;
    number_ = 0;
    decimal_ = 0.0;
    text_.assign(text.data(), text.size()); // safe even if `text` is in text_
    aux_.assign(aux.data(), aux.size());
}

void Term::assign_name(std::string_view text) {
    if (text.empty())
        throw TermError("a name cannot be empty");
    require_utf8(text, "name");
    set(TermKind::NAME, text, {});
}

void Term::assign_iri(std::string_view text) {
    require_utf8(text, "IRI");
    for (unsigned char c : text)
        if (!is_iri_char(c))
            throw TermError(fmt::format("IRI <{}> holds a character not allowed in an IRI "
                                        "(space, control or one of <>\"{{}}|^`\\)",
                                        text));
    set(TermKind::IRI, text, {});
}

void Term::assign_string(std::string_view text, std::string_view lang) {
    require_utf8(text, "string");
    if (!lang.empty() && !is_valid_lang(lang))
        throw TermError(fmt::format("'{}' is not a valid language tag", lang));
    set(TermKind::STRING, text, lang);
}

Term Term::name(std::string_view text) {
    Term term;
    term.assign_name(text);
    return term;
}

Term Term::iri(std::string_view text) {
    Term term;
    term.assign_iri(text);
    return term;
}

Term Term::string(std::string_view text, std::string_view lang) {
    Term term;
    term.assign_string(text, lang);
    return term;
}

Term Term::typed(std::string_view lexical, std::string_view datatype) {
    require_utf8(lexical, "typed literal");
    const Term dt = iri(datatype); // validates the datatype IRI
    Term term;
    term.kind_ = TermKind::TYPED;
    term.text_ = lexical;
    term.aux_ = dt.text_;
    return term;
}

Term Term::boolean(bool value) {
    Term term;
    term.kind_ = TermKind::BOOLEAN;
    term.number_ = value ? 1 : 0;
    return term;
}

Term Term::integer(std::int64_t value) {
    Term term;
    term.kind_ = TermKind::INTEGER;
    term.number_ = value;
    return term;
}

Term Term::decimal(double value) {
    if (!std::isfinite(value))
        throw TermError("a decimal must be finite (not NaN or infinity)");
    Term term;
    term.kind_ = TermKind::DECIMAL;
    term.decimal_ = value == 0.0 ? 0.0 : value; // folds -0.0 into 0.0
    return term;
}

Term Term::date(std::int64_t year, unsigned month, unsigned day) {
    if (!is_valid_date(year, month, day))
        throw TermError(fmt::format("{:04}-{:02}-{:02} is not a valid date (years {:04}–{})",
                                    year, month, day, MIN_YEAR, MAX_YEAR));
    return date_from_days(days_from_civil(year, month, day));
}

Term Term::date_from_days(std::int64_t days_since_epoch) {
    require_year_in_range(civil_from_days(days_since_epoch), "date");
    Term term;
    term.kind_ = TermKind::DATE;
    term.number_ = days_since_epoch;
    return term;
}

Term Term::datetime(std::int64_t epoch_ms, std::optional<int> offset_minutes) {
    if (offset_minutes && std::abs(*offset_minutes) > MAX_OFFSET_MINUTES)
        throw TermError(fmt::format("UTC offset of {} minutes is outside ±14:00",
                                    *offset_minutes));
    const std::int64_t local_ms = epoch_ms + std::int64_t{offset_minutes.value_or(0)} * 60'000;
    require_year_in_range(civil_from_epoch_ms(local_ms).date, "datetime");
    Term term;
    term.kind_ = TermKind::DATETIME;
    term.number_ = epoch_ms;
    term.has_offset_ = offset_minutes.has_value();
    term.offset_ = static_cast<std::int16_t>(offset_minutes.value_or(0));
    return term;
}

Term Term::datetime(std::int64_t year, unsigned month, unsigned day, unsigned hour,
                    unsigned minute, unsigned second, unsigned millisecond,
                    std::optional<int> offset_minutes) {
    if (!is_valid_date(year, month, day))
        throw TermError(fmt::format("{:04}-{:02}-{:02} is not a valid date", year, month, day));
    if (hour > 23 || minute > 59 || second > 59 || millisecond > 999)
        throw TermError(fmt::format("{:02}:{:02}:{:02}.{:03} is not a valid time of day", hour,
                                    minute, second, millisecond));
    const std::int64_t local_ms = days_from_civil(year, month, day) * MS_PER_DAY +
                                  ((hour * 60 + minute) * 60 + second) * 1000LL + millisecond;
    return datetime(local_ms - std::int64_t{offset_minutes.value_or(0)} * 60'000,
                    offset_minutes);
}

} // namespace quarry
