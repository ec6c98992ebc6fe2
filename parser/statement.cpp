#include "parser/config.hpp"
#include "parser/statement_def.hpp"

namespace quarry::parser::grammar {
BOOST_SPIRIT_INSTANTIATE(statement_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(query_type, iterator_type, context_type)
} // namespace quarry::parser::grammar

namespace quarry::parser {
grammar::statement_type const& statement() { return grammar::statement; }
grammar::query_type const& query() { return grammar::query; }
} // namespace quarry::parser
