#include "engine/io/rdf_terms.hpp"

#include "engine/terms.hpp"
#include "parser/lexer.hpp"
#include "parser/printer.hpp"

#include <fmt/format.h>

#include <cstring>

namespace quarry::engine::io {

namespace {

bool needs_percent(unsigned char c) {
    return c <= 0x20 || c == '%' || std::strchr("<>\"{}|^`\\", c) != nullptr;
}

std::string percent_encode(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (needs_percent(static_cast<unsigned char>(c)))
            out += fmt::format("%{:02X}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        else
            out += c;
    }
    return out;
}

std::string percent_decode(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// The term the lexical form reads as in the query language, if it is exactly the
// canonical form of a value of `kind` (so that writing it back gives the same text).
std::optional<storage::Term> canonical(const std::string& lexical, parser::ast::TermKind kind) {
    auto first = lexical.cbegin();
    parser::ast::Term term;
    try {
        if (!parser::scan_term(first, lexical.cend(), parser::TermContext::TUPLE, term) || first != lexical.cend() ||
            term.kind != kind)
            return std::nullopt;
        storage::Term value = to_storage(term, {});
        if (format_term(value) != lexical)
            return std::nullopt;
        return value;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

} // namespace

storage::Term from_rdf(const RdfTerm& term, const std::string& load_id) {
    using parser::ast::TermKind;
    switch (term.kind) {
    case RdfTerm::IRI:
        if (starts_with(term.value, NAME_NAMESPACE))
            return storage::Term::name(percent_decode(term.value.substr(std::strlen(NAME_NAMESPACE))));
        return storage::Term::iri(term.value);
    case RdfTerm::BLANK:
        return storage::Term::iri(BLANK_NAMESPACE + load_id + "-" + term.value);
    case RdfTerm::LITERAL:
        break;
    }
    if (!term.lang.empty())
        return storage::Term::string(term.value, term.lang);
    const std::string& dt = term.datatype;
    if (dt.empty() || dt == std::string(XSD) + "string")
        return storage::Term::string(term.value);
    const std::pair<const char*, TermKind> INLINE[] = {{"integer", TermKind::INTEGER}, {"double", TermKind::DECIMAL},
                                                       {"boolean", TermKind::BOOLEAN}, {"date", TermKind::DATE},
                                                       {"dateTime", TermKind::DATETIME}};
    for (const auto& [name, kind] : INLINE)
        if (dt == std::string(XSD) + name)
            if (auto value = canonical(term.value, kind))
                return *value;
    return storage::Term::typed(term.value, dt);
}

RdfTerm to_rdf(const storage::Term& term) {
    using storage::TermKind;
    RdfTerm out;
    switch (term.kind()) {
    case TermKind::DEFAULT_CONTEXT:
        break;
    case TermKind::NAME:
        out.value = NAME_NAMESPACE + percent_encode(term.text());
        return out;
    case TermKind::IRI:
        out.value = term.text();
        return out;
    case TermKind::STRING:
        out.kind = RdfTerm::LITERAL;
        out.value = term.text();
        out.lang = term.lang();
        return out;
    case TermKind::TYPED:
        out.kind = RdfTerm::LITERAL;
        out.value = term.text();
        out.datatype = term.datatype();
        return out;
    default: {
        out.kind = RdfTerm::LITERAL;
        out.value = format_term(term);
        const char* type = term.kind() == TermKind::INTEGER   ? "integer"
                           : term.kind() == TermKind::DECIMAL ? "double"
                           : term.kind() == TermKind::BOOLEAN ? "boolean"
                           : term.kind() == TermKind::DATE    ? "date"
                                                              : "dateTime";
        out.datatype = std::string(XSD) + type;
        return out;
    }
    }
    return out;
}

std::string write_ntriples_term(const RdfTerm& term) {
    std::string out;
    switch (term.kind) {
    case RdfTerm::IRI:
        parser::append_iri(out, term.value);
        return out;
    case RdfTerm::BLANK:
        return "_:" + term.value;
    case RdfTerm::LITERAL:
        parser::append_quoted_string(out, term.value);
        if (!term.lang.empty())
            out += "@" + term.lang;
        else if (!term.datatype.empty()) {
            out += "^^";
            parser::append_iri(out, term.datatype);
        }
        return out;
    }
    return out;
}

} // namespace quarry::engine::io
