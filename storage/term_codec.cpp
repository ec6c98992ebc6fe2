#include "storage/term_codec.hpp"

#include "storage/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>

namespace quarry::storage {

namespace {

constexpr std::uint64_t SIGN_BIT = std::uint64_t{1} << 63;
constexpr std::int64_t INTEGER_BIAS = std::int64_t{1} << 59;
// Days and ms are counted from 0000-01-01 (minus a day of slack for UTC offsets), so the
// payload is non-negative for every valid date and datetime.
const std::int64_t DATE_BASE_DAYS = days_from_civil(0, 1, 1);
const std::int64_t DATETIME_BASE_MS = (DATE_BASE_DAYS - 1) * MS_PER_DAY;
constexpr unsigned ZONE_BITS = 11;           // 0: no zone; 1..1681: offset + 841 minutes
constexpr int ZONE_OFFSET_BIAS = MAX_OFFSET_MINUTES + 1;

std::uint64_t order_preserving(double value) {
    const auto bits = std::bit_cast<std::uint64_t>(value);
    return (bits & SIGN_BIT) ? ~bits : bits | SIGN_BIT;
}

double from_order_preserving(std::uint64_t bits) {
    return std::bit_cast<double>((bits & SIGN_BIT) ? bits & ~SIGN_BIT : ~bits);
}

[[noreturn]] void corrupt(std::string_view what) {
    throw StorageError(fmt::format("corrupt term record: {}", what));
}

} // namespace

void append_be64(std::string& out, std::uint64_t value) {
    char bytes[8];
    for (int i = 7; i >= 0; --i) {
        bytes[i] = static_cast<char>(value & 0xFF);
        value >>= 8;
    }
    out.append(bytes, 8);
}

std::uint64_t read_be64(const char* bytes) {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i)
        value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    return value;
}

bool is_inline_tag(IdTag tag) {
    switch (tag) {
    case IdTag::BOOLEAN:
    case IdTag::INTEGER:
    case IdTag::DATE:
    case IdTag::DATETIME:
        return true;
    default:
        return false;
    }
}

TermKind kind_of(TermId id) {
    switch (id_tag(id)) {
    case IdTag::SPECIAL:
        if (id == DEFAULT_CONTEXT_ID)
            return TermKind::DEFAULT_CONTEXT;
        break;
    case IdTag::NAME: return TermKind::NAME;
    case IdTag::IRI: return TermKind::IRI;
    case IdTag::STRING: return TermKind::STRING;
    case IdTag::TYPED: return TermKind::TYPED;
    case IdTag::BOOLEAN: return TermKind::BOOLEAN;
    case IdTag::INTEGER:
    case IdTag::BIG_INTEGER: return TermKind::INTEGER;
    case IdTag::DECIMAL: return TermKind::DECIMAL;
    case IdTag::DATE: return TermKind::DATE;
    case IdTag::DATETIME: return TermKind::DATETIME;
    }
    throw StorageError(fmt::format("corrupt term id {:#018x}: unknown tag", id));
}

TermId inline_integer_id(std::int64_t value) {
    QUARRY_ASSERT(value >= INLINE_INTEGER_MIN && value <= INLINE_INTEGER_MAX,
                  "integer outside the inline range");
    return make_id(IdTag::INTEGER, static_cast<TermId>(value + INTEGER_BIAS));
}

TermId inline_date_id(std::int64_t days_since_epoch) {
    return make_id(IdTag::DATE, static_cast<TermId>(days_since_epoch - DATE_BASE_DAYS));
}

std::pair<TermId, TermId> inline_datetime_range(std::int64_t from_ms, std::int64_t to_ms) {
    constexpr std::int64_t MAX_MS_PAYLOAD = std::int64_t{1} << (ID_TAG_SHIFT - ZONE_BITS);
    auto ms_payload = [](std::int64_t ms) {
        return std::clamp<std::int64_t>(ms - DATETIME_BASE_MS, 0, MAX_MS_PAYLOAD - 1);
    };
    const auto lo = static_cast<TermId>(ms_payload(from_ms)) << ZONE_BITS;
    const auto hi = (static_cast<TermId>(ms_payload(to_ms)) << ZONE_BITS) |
                    ((TermId{1} << ZONE_BITS) - 1);
    return {make_id(IdTag::DATETIME, lo), make_id(IdTag::DATETIME, hi)};
}

std::optional<TermId> inline_id(const Term& term) {
    switch (term.kind()) {
    case TermKind::DEFAULT_CONTEXT:
        return DEFAULT_CONTEXT_ID;
    case TermKind::BOOLEAN:
        return make_id(IdTag::BOOLEAN, term.boolean_value() ? 1 : 0);
    case TermKind::INTEGER:
        if (term.integer_value() < INLINE_INTEGER_MIN || term.integer_value() > INLINE_INTEGER_MAX)
            return std::nullopt;
        return inline_integer_id(term.integer_value());
    case TermKind::DATE:
        return inline_date_id(term.days());
    case TermKind::DATETIME: {
        const auto offset = term.offset_minutes();
        const TermId zone = offset ? static_cast<TermId>(*offset + ZONE_OFFSET_BIAS) : 0;
        const auto ms = static_cast<TermId>(term.epoch_ms() - DATETIME_BASE_MS);
        return make_id(IdTag::DATETIME, (ms << ZONE_BITS) | zone);
    }
    default:
        return std::nullopt;
    }
}

Term decode_inline(TermId id) {
    const TermId payload = id_payload(id);
    switch (id_tag(id)) {
    case IdTag::SPECIAL:
        if (id == DEFAULT_CONTEXT_ID)
            return Term::default_context();
        break;
    case IdTag::BOOLEAN:
        if (payload <= 1)
            return Term::boolean(payload == 1);
        break;
    case IdTag::INTEGER:
        return Term::integer(static_cast<std::int64_t>(payload) - INTEGER_BIAS);
    case IdTag::DATE:
        return Term::date_from_days(static_cast<std::int64_t>(payload) + DATE_BASE_DAYS);
    case IdTag::DATETIME: {
        const TermId zone = payload & ((TermId{1} << ZONE_BITS) - 1);
        const auto ms = static_cast<std::int64_t>(payload >> ZONE_BITS) + DATETIME_BASE_MS;
        if (zone > 2 * MAX_OFFSET_MINUTES + 1)
            break;
        return Term::datetime(ms, zone == 0 ? std::nullopt
                                            : std::optional<int>(static_cast<int>(zone) -
                                                                 ZONE_OFFSET_BIAS));
    }
    default:
        break;
    }
    throw StorageError(fmt::format("corrupt term id {:#018x}: not an inline value", id));
}

IdTag dictionary_tag(const Term& term) {
    switch (term.kind()) {
    case TermKind::NAME: return IdTag::NAME;
    case TermKind::IRI: return IdTag::IRI;
    case TermKind::STRING: return IdTag::STRING;
    case TermKind::TYPED: return IdTag::TYPED;
    case TermKind::INTEGER: return IdTag::BIG_INTEGER;
    case TermKind::DECIMAL: return IdTag::DECIMAL;
    default: break;
    }
    QUARRY_ASSERT(false, "dictionary_tag of an inline term");
    return IdTag::SPECIAL;
}

std::string encode_term(const Term& term) {
    std::string out;
    encode_term(term, out);
    return out;
}

void encode_term(const Term& term, std::string& out) {
    out.push_back(static_cast<char>(term.kind()));
    switch (term.kind()) {
    case TermKind::DEFAULT_CONTEXT:
        break;
    case TermKind::NAME:
    case TermKind::IRI:
        out += term.text();
        break;
    case TermKind::STRING:
        out += term.lang();
        out.push_back('\0');
        out += term.text();
        break;
    case TermKind::TYPED:
        out += term.datatype();
        out.push_back('\0');
        out += term.text();
        break;
    case TermKind::BOOLEAN:
        out.push_back(term.boolean_value() ? 1 : 0);
        break;
    case TermKind::INTEGER:
        append_be64(out, static_cast<std::uint64_t>(term.integer_value()) ^ SIGN_BIT);
        break;
    case TermKind::DECIMAL:
        append_be64(out, order_preserving(term.decimal_value()));
        break;
    case TermKind::DATE:
        append_be64(out, static_cast<std::uint64_t>(term.days()) ^ SIGN_BIT);
        break;
    case TermKind::DATETIME: {
        append_be64(out, static_cast<std::uint64_t>(term.epoch_ms()) ^ SIGN_BIT);
        const auto offset = term.offset_minutes();
        out.push_back(offset ? 1 : 0);
        const auto bits = static_cast<std::uint16_t>(offset.value_or(0));
        out.push_back(static_cast<char>(bits >> 8));
        out.push_back(static_cast<char>(bits & 0xFF));
        break;
    }
    }
}

Term decode_term(std::string_view bytes) {
    if (bytes.empty())
        corrupt("empty");
    const auto kind = static_cast<TermKind>(static_cast<unsigned char>(bytes[0]));
    const std::string_view body = bytes.substr(1);
    auto split_at_nul = [&](std::string_view what) {
        const auto nul = body.find('\0');
        if (nul == std::string_view::npos)
            corrupt(what);
        return std::pair{body.substr(0, nul), body.substr(nul + 1)};
    };
    auto fixed = [&](std::size_t size) {
        if (body.size() != size)
            corrupt(fmt::format("{} of {} bytes", kind_name(kind), body.size()));
    };
    try {
        switch (kind) {
        case TermKind::DEFAULT_CONTEXT:
            fixed(0);
            return Term::default_context();
        case TermKind::NAME:
            return Term::name(body);
        case TermKind::IRI:
            return Term::iri(body);
        case TermKind::STRING: {
            const auto [lang, text] = split_at_nul("string without language separator");
            return Term::string(text, lang);
        }
        case TermKind::TYPED: {
            const auto [datatype, lexical] = split_at_nul("typed literal without separator");
            return Term::typed(lexical, datatype);
        }
        case TermKind::BOOLEAN:
            fixed(1);
            if (static_cast<unsigned char>(body[0]) > 1)
                corrupt("boolean");
            return Term::boolean(body[0] == 1);
        case TermKind::INTEGER:
            fixed(8);
            return Term::integer(static_cast<std::int64_t>(read_be64(body.data()) ^ SIGN_BIT));
        case TermKind::DECIMAL:
            fixed(8);
            return Term::decimal(from_order_preserving(read_be64(body.data())));
        case TermKind::DATE:
            fixed(8);
            return Term::date_from_days(
                static_cast<std::int64_t>(read_be64(body.data()) ^ SIGN_BIT));
        case TermKind::DATETIME: {
            fixed(11);
            const auto ms = static_cast<std::int64_t>(read_be64(body.data()) ^ SIGN_BIT);
            const auto bits = static_cast<std::uint16_t>(
                (static_cast<unsigned char>(body[9]) << 8) | static_cast<unsigned char>(body[10]));
            const std::optional<int> offset =
                body[8] ? std::optional<int>(static_cast<std::int16_t>(bits)) : std::nullopt;
            return Term::datetime(ms, offset);
        }
        }
    } catch (const TermError& e) {
        corrupt(e.what());
    }
    corrupt(fmt::format("unknown kind byte {}", static_cast<unsigned>(kind)));
}

} // namespace quarry::storage
