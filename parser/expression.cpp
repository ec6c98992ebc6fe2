#include "parser/config.hpp"
#include "parser/expression_def.hpp"

namespace quarry::parser::grammar {
BOOST_SPIRIT_INSTANTIATE(condition_type, iterator_type, context_type)
} // namespace quarry::parser::grammar

namespace quarry::parser {
grammar::condition_type const& condition() { return grammar::condition; }
} // namespace quarry::parser
