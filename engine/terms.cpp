#include "engine/terms.hpp"

#include "engine/error.hpp"
#include "parser/printer.hpp"

#include <fmt/format.h>

namespace quarry::engine {

namespace ast = parser::ast;
using storage::TermKind;

ast::Term to_ast(const storage::Term& term) {
    ast::Term out;
    switch (term.kind()) {
    case TermKind::DEFAULT_CONTEXT:
        out.kind = ast::TermKind::DEFAULT_CONTEXT;
        break;
    case TermKind::NAME:
        out.kind = ast::TermKind::NAME;
        out.text = term.text();
        break;
    case TermKind::IRI:
        out.kind = ast::TermKind::IRI;
        out.iri.text = term.text();
        break;
    case TermKind::STRING:
        out.kind = ast::TermKind::STRING;
        out.text = term.text();
        out.lang = term.lang();
        break;
    case TermKind::TYPED:
        out.kind = ast::TermKind::TYPED;
        out.text = term.text();
        out.iri.text = term.datatype();
        break;
    case TermKind::BOOLEAN:
        out.kind = ast::TermKind::BOOLEAN;
        out.boolean = term.boolean_value();
        break;
    case TermKind::INTEGER:
        out.kind = ast::TermKind::INTEGER;
        out.integer = term.integer_value();
        break;
    case TermKind::DECIMAL:
        out.kind = ast::TermKind::DECIMAL;
        out.decimal = term.decimal_value();
        break;
    case TermKind::DATE: {
        out.kind = ast::TermKind::DATE;
        const storage::CivilDate civil = storage::civil_from_days(term.days());
        out.when.year = static_cast<std::int32_t>(civil.year);
        out.when.month = static_cast<std::int32_t>(civil.month);
        out.when.day = static_cast<std::int32_t>(civil.day);
        break;
    }
    case TermKind::DATETIME: {
        out.kind = ast::TermKind::DATETIME;
        const storage::CivilDateTime local = term.local_time();
        out.when = ast::DateTime{static_cast<std::int32_t>(local.date.year),
                                 static_cast<std::int32_t>(local.date.month),
                                 static_cast<std::int32_t>(local.date.day),
                                 static_cast<std::int32_t>(local.hour),
                                 static_cast<std::int32_t>(local.minute),
                                 static_cast<std::int32_t>(local.second),
                                 static_cast<std::int32_t>(local.millisecond),
                                 term.offset_minutes()};
        break;
    }
    }
    return out;
}

namespace {

std::string resolve(const ast::IriRef& iri, const PrefixMap& prefixes, const ast::Term& node) {
    if (!iri.prefixed)
        return iri.text;
    const auto found = prefixes.find(iri.prefix);
    if (found == prefixes.end())
        throw QueryError(fmt::format("unknown prefix '{}:' (declare it with prefix {}: <…>)",
                                     iri.prefix, iri.prefix),
                         &node);
    return found->second + iri.text;
}

} // namespace

storage::Term to_storage(const ast::Term& term, const PrefixMap& prefixes) {
    try {
        switch (term.kind) {
        case ast::TermKind::VARIABLE:
        case ast::TermKind::WILDCARD:
            throw QueryError("a value is needed here, not a variable", &term);
        case ast::TermKind::PARAMETER:
            throw QueryError("$" + term.text + " has no value here", &term);
        case ast::TermKind::DEFAULT_CONTEXT:
            return storage::Term::default_context();
        case ast::TermKind::NAME:
            return storage::Term::name(term.text);
        case ast::TermKind::IRI:
            return storage::Term::iri(resolve(term.iri, prefixes, term));
        case ast::TermKind::STRING:
            return storage::Term::string(term.text, term.lang);
        case ast::TermKind::TYPED:
            return storage::Term::typed(term.text, resolve(term.iri, prefixes, term));
        case ast::TermKind::INTEGER:
            return storage::Term::integer(term.integer);
        case ast::TermKind::DECIMAL:
            return storage::Term::decimal(term.decimal);
        case ast::TermKind::BOOLEAN:
            return storage::Term::boolean(term.boolean);
        case ast::TermKind::DATE:
            return storage::Term::date(term.when.year, static_cast<unsigned>(term.when.month),
                                       static_cast<unsigned>(term.when.day));
        case ast::TermKind::DATETIME:
            return storage::Term::datetime(
                term.when.year, static_cast<unsigned>(term.when.month),
                static_cast<unsigned>(term.when.day), static_cast<unsigned>(term.when.hour),
                static_cast<unsigned>(term.when.minute), static_cast<unsigned>(term.when.second),
                static_cast<unsigned>(term.when.millisecond), term.when.offset_minutes);
        }
    } catch (const TermError& e) {
        throw QueryError(e.what(), &term);
    }
    throw QueryError("unknown kind of term", &term);
}

} // namespace quarry::engine

std::string quarry::format_term(const Term& term) { return parser::print(engine::to_ast(term)); }
