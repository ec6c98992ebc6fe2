#pragma once

// `offset` and `limit`: skips the first rows, passes at most `limit` of the rest, and then
// stops asking its input, so a limited query without order by reads only what it returns.

#include "engine/op/operator.hpp"

#include <optional>

namespace quarry::engine {

class Limit : public Operator {
public:
    Limit(OperatorPtr child, std::optional<std::uint64_t> limit, std::uint64_t offset)
        : child_(std::move(child)), limit_(limit), offset_(offset) {}

    void reset(const TermId* input) override {
        child_->reset(input);
        skipped_ = 0;
        passed_ = 0;
    }
    std::string describe() const override;
    std::vector<const Operator*> inputs() const override { return {child_.get()}; }

protected:
    bool produce(ExecContext& context, RowBatch& out) override;

private:
    OperatorPtr child_;
    std::optional<std::uint64_t> limit_;
    std::uint64_t offset_;
    RowBatch input_;
    std::uint64_t skipped_ = 0;
    std::uint64_t passed_ = 0;
};

} // namespace quarry::engine
