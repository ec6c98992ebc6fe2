#pragma once

// Errors of statements that parsed but cannot run: an unknown prefix, a variable where a
// value must stand, an invalid value. The node, when given, is the AST node to blame. The
// error keeps a copy of its position tag (not a pointer), so it stays valid when the node
// it came from is gone: a write's copy of its statement, kept for running it again, dies
// as its error unwinds.

#include "parser/ast.hpp"
#include "storage/error.hpp"

#include <optional>

namespace quarry {

class QueryError : public Error {
public:
    explicit QueryError(const std::string& message, const parser::ast::Node* node = nullptr)
        : Error(message) {
        if (node)
            node_ = *node;
    }
    const parser::ast::Node* node() const noexcept { return node_ ? &*node_ : nullptr; }

private:
    std::optional<parser::ast::Node> node_;
};

} // namespace quarry
