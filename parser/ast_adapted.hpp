#pragma once

// Fusion adaptations, for rules whose attribute is filled by X3's attribute propagation
// (the rest are built by semantic actions). Included by the grammar only, so that users
// of the AST need not see Fusion.

#include "parser/ast.hpp"
#include "parser/primitives.hpp"

#include <boost/fusion/include/adapt_struct.hpp>

BOOST_FUSION_ADAPT_STRUCT(quarry::parser::ast::Tuple, subject, predicate, object, context)

namespace quarry::parser::grammar {
// A path element as read: inverse marks, the primary, postfix modifiers.
struct PathElementParts {
    std::string inverses;
    ast::Path primary;
    std::vector<PathModifier> modifiers;
};
// A unary expression as read: prefix operators ('!' for not, '-'), then the operand.
struct UnaryParts {
    std::string operators;
    ast::Expr operand;
};
} // namespace quarry::parser::grammar

BOOST_FUSION_ADAPT_STRUCT(quarry::parser::grammar::PathElementParts, inverses, primary, modifiers)
BOOST_FUSION_ADAPT_STRUCT(quarry::parser::grammar::UnaryParts, operators, operand)
