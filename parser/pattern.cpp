#include "parser/config.hpp"
#include "parser/pattern_def.hpp"

namespace quarry::parser::grammar {
BOOST_SPIRIT_INSTANTIATE(tuple_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(patterns_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(block_type, iterator_type, context_type)
} // namespace quarry::parser::grammar

namespace quarry::parser {
grammar::tuple_type const& tuple() { return grammar::tuple; }
grammar::patterns_type const& patterns() { return grammar::patterns; }
grammar::block_type const& block() { return grammar::block; }
} // namespace quarry::parser
