#pragma once

// Fusion adaptations, for rules whose attribute is filled by X3's attribute propagation
// (the rest are built by semantic actions). Included by the grammar only, so that users
// of the AST need not see Fusion.

#include "parser/ast.hpp"

#include <boost/fusion/include/adapt_struct.hpp>

BOOST_FUSION_ADAPT_STRUCT(quarry::parser::ast::Tuple, subject, predicate, object, context)
