#pragma once

// Errors of statements that parsed but cannot run: an unknown prefix, a variable where a
// value must stand, an invalid value. The node, when given, is the AST node to blame; it
// points into the statement being run and is valid only while that statement lives.

#include "parser/ast.hpp"
#include "storage/error.hpp"

namespace quarry {

class QueryError : public Error {
public:
    explicit QueryError(const std::string& message, const parser::ast::Node* node = nullptr)
        : Error(message), node_(node) {}
    const parser::ast::Node* node() const noexcept { return node_; }

private:
    const parser::ast::Node* node_;
};

} // namespace quarry
