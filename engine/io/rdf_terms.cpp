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

// The value of a hex digit, or -1.
int hex_value(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// `text` with %XX escapes decoded into `out`; a '%' not followed by two hex digits is kept
// as it is.
void percent_decode(std::string_view text, std::string& out) {
    out.clear();
    std::size_t done = 0; // text before this is in `out`
    for (std::size_t i = text.find('%'); i != std::string_view::npos && i + 2 < text.size(); i = text.find('%', i)) {
        const int high = hex_value(text[i + 1]), low = hex_value(text[i + 2]);
        if (high < 0 || low < 0) {
            ++i;
            continue;
        }
        out.append(text, done, i - done);
        out += static_cast<char>(high * 16 + low);
        done = i += 3;
    }
    out.append(text, done);
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// The local name of an XSD datatype IRI ("integer"), or empty for any other IRI.
std::string_view xsd_name(std::string_view datatype) {
    return starts_with(datatype, XSD) ? datatype.substr(std::strlen(XSD)) : std::string_view();
}

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

void from_rdf(const RdfTerm& term, const std::string& load_id, std::optional<storage::Term>& out) {
    using parser::ast::TermKind;
    if (!out)
        out.emplace();
    thread_local std::string scratch; // a decoded name or a blank node's IRI
    switch (term.kind) {
    case RdfTerm::IRI:
        if (starts_with(term.value, NAME_NAMESPACE)) {
            percent_decode(std::string_view(term.value).substr(std::strlen(NAME_NAMESPACE)), scratch);
            out->assign_name(scratch);
        } else {
            out->assign_iri(term.value);
        }
        return;
    case RdfTerm::BLANK:
        scratch.assign(BLANK_NAMESPACE);
        scratch += load_id;
        scratch += '-';
        scratch += term.value;
        out->assign_iri(scratch);
        return;
    case RdfTerm::LITERAL:
        break;
    }
    if (!term.lang.empty()) {
        out->assign_string(term.value, term.lang);
        return;
    }
    const std::string& dt = term.datatype;
    const std::string_view xsd = xsd_name(dt);
    if (dt.empty() || xsd == "string") {
        out->assign_string(term.value);
        return;
    }
    const std::pair<std::string_view, TermKind> INLINE[] = {{"integer", TermKind::INTEGER}, {"double", TermKind::DECIMAL},
                                                            {"boolean", TermKind::BOOLEAN}, {"date", TermKind::DATE},
                                                            {"dateTime", TermKind::DATETIME}};
    for (const auto& [name, kind] : INLINE)
        if (xsd == name)
            if (auto value = canonical(term.value, kind)) {
                out = std::move(value);
                return;
            }
    out = storage::Term::typed(term.value, dt);
}

storage::Term from_rdf(const RdfTerm& term, const std::string& load_id) {
    std::optional<storage::Term> out;
    from_rdf(term, load_id, out);
    return std::move(*out);
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
