#pragma once

// The term model of SPEC §1: every value a quad position can hold.
//
// A Term is a plain value type. Factories validate and throw TermError for values that
// are not valid for their kind (invalid UTF-8, a 30th of February, a NaN decimal, …), so
// every Term that exists is valid and has exactly one canonical binary encoding
// (in storage); its canonical text form is the query language's (format_term, below).
//
// Identity: two terms are equal iff they have the same kind and the same value. A decimal
// 2.0 differs from the integer 2; "22" differs from 22; 08:30+03:00 differs from 05:30Z
// (same instant, different terms). Comparing values across kinds is the engine's job.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace quarry {

// The order of the enumerators is the order of kinds in the total order of SPEC §1.
enum class TermKind : std::uint8_t {
    DEFAULT_CONTEXT = 0, // the default context, written `default`
    NAME = 1,            // an entity: Khaji, `Organization, the`
    IRI = 2,             // <http://example.org/e/Khaji>
    STRING = 3,          // "IRNA reported", "Astana"@en
    TYPED = 4,           // "abc"^^<http://…>, any other RDF datatype, lexical form verbatim
    BOOLEAN = 5,
    INTEGER = 6,  // signed 64-bit
    DECIMAL = 7,  // IEEE double, finite
    DATE = 8,     // proleptic Gregorian, years 0000–9999
    DATETIME = 9, // millisecond precision, optional UTC offset
};

std::string_view kind_name(TermKind kind);

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Hinnant's algorithms).
std::int64_t days_from_civil(std::int64_t year, unsigned month, unsigned day);
struct CivilDate {
    std::int64_t year;
    unsigned month;
    unsigned day;
};
CivilDate civil_from_days(std::int64_t days);
// A local date and time of day from milliseconds since 1970-01-01T00:00 (floor division,
// so instants before 1970 work too).
struct CivilDateTime {
    CivilDate date;
    unsigned hour, minute, second, millisecond;
};
CivilDateTime civil_from_epoch_ms(std::int64_t ms);
bool is_valid_date(std::int64_t year, unsigned month, unsigned day);

constexpr std::int64_t MIN_YEAR = 0;
constexpr std::int64_t MAX_YEAR = 9999;
constexpr int MAX_OFFSET_MINUTES = 14 * 60;
constexpr std::int64_t MS_PER_DAY = 86'400'000;

// True if `text` is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
bool is_valid_utf8(std::string_view text);

class Term {
public:
    // The default context (tag value 0 in the id space).
    Term() = default;

    static Term default_context() { return Term(); }
    // A name, kept as given (the parser folds whitespace in bare names). Non-empty UTF-8.
    static Term name(std::string_view text);
    // An absolute or relative IRI reference, without the angle brackets. UTF-8, no spaces
    // or characters N-Triples forbids in IRIREF (<>"{}|^`\ and controls).
    static Term iri(std::string_view text);
    // A string, with an optional BCP 47 language tag (letters, then -alnum groups).
    static Term string(std::string_view text, std::string_view lang = {});
    // A typed literal: lexical form and datatype IRI, both verbatim.
    static Term typed(std::string_view lexical, std::string_view datatype);
    static Term boolean(bool value);
    static Term integer(std::int64_t value);
    // A finite double; -0.0 is stored as 0.0.
    static Term decimal(double value);
    static Term date(std::int64_t year, unsigned month, unsigned day);
    static Term date_from_days(std::int64_t days_since_epoch);
    // A datetime from its UTC instant in milliseconds since 1970-01-01T00:00Z and its
    // offset in minutes (nullopt: a local time without zone, stored as if UTC). The local
    // date must fall in years 0000–9999.
    static Term datetime(std::int64_t epoch_ms, std::optional<int> offset_minutes);
    // A datetime from local calendar fields; `millisecond` < 1000.
    static Term datetime(std::int64_t year, unsigned month, unsigned day, unsigned hour,
                         unsigned minute, unsigned second, unsigned millisecond,
                         std::optional<int> offset_minutes);

    // The same, made in place: this term becomes the name, IRI or string, keeping its
    // strings' capacity (for loaders that make millions of terms). The same checks; on an
    // error this term is left unchanged.
    void assign_name(std::string_view text);
    void assign_iri(std::string_view text);
    void assign_string(std::string_view text, std::string_view lang = {});

    TermKind kind() const noexcept { return kind_; }

    // NAME, IRI, STRING: the text; TYPED: the lexical form.
    const std::string& text() const noexcept { return text_; }
    // STRING: the language tag ("" if none).
    const std::string& lang() const noexcept { return aux_; }
    // TYPED: the datatype IRI.
    const std::string& datatype() const noexcept { return aux_; }
    bool boolean_value() const noexcept { return number_ != 0; }
    std::int64_t integer_value() const noexcept { return number_; }
    double decimal_value() const noexcept { return decimal_; }
    // DATE: days since 1970-01-01.
    std::int64_t days() const noexcept { return number_; }
    // DATETIME: the UTC instant in ms since 1970-01-01T00:00Z (local time if no offset).
    std::int64_t epoch_ms() const noexcept { return number_; }
    std::optional<int> offset_minutes() const noexcept {
        return has_offset_ ? std::optional<int>(offset_) : std::nullopt;
    }
    // DATETIME: the local date and time as written (the instant shifted by the offset).
    CivilDateTime local_time() const noexcept {
        return civil_from_epoch_ms(number_ + std::int64_t{offset_} * 60'000);
    }

    friend bool operator==(const Term&, const Term&) = default;

private:
    // Becomes a term of `kind` with these strings and no other value, reusing capacity.
    void set(TermKind kind, std::string_view text, std::string_view aux);

    TermKind kind_ = TermKind::DEFAULT_CONTEXT;
    bool has_offset_ = false;
    std::int16_t offset_ = 0;
    std::int64_t number_ = 0; // BOOLEAN, INTEGER, DATE (days), DATETIME (epoch ms)
    double decimal_ = 0.0;
    std::string text_;
    std::string aux_; // STRING: language tag; TYPED: datatype IRI
};

// The canonical text of a term, as the query language writes it: Syrian delegation (a
// name that needs no quotes), `Organization, the`, 22, "Astana"@en, 2024-11-12, <http://…>.
std::string format_term(const Term& term);

// The text of a term for str() and the text functions: a name's or string's text, an
// IRI, a typed literal's lexical form, or the canonical form of a number or date.
std::string text_of(const Term& term);

} // namespace quarry
