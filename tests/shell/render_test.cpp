#include "shell/render.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace quarry;
using quarry::Term;

namespace {

// Rows from fixed values.
class FixedRows : public Rows {
public:
    FixedRows(std::vector<std::string> columns, std::vector<Row> rows)
        : columns_(std::move(columns)), rows_(std::move(rows)) {}
    const std::vector<std::string>& columns() const override { return columns_; }
    std::optional<Row> next() override {
        if (next_ >= rows_.size())
            return std::nullopt;
        return rows_[next_++];
    }

private:
    std::vector<std::string> columns_;
    std::vector<Row> rows_;
    std::size_t next_ = 0;
};

std::string table(std::vector<Row> rows, std::size_t width) {
    FixedRows source({"country", "said"}, std::move(rows));
    std::ostringstream out;
    shell::render(source, shell::Mode::TABLE, out, width);
    return out.str();
}

} // namespace

TEST_CASE("table columns are as wide as their widest value, in display columns", "[shell][render]") {
    CHECK(shell::display_width("Türkiye") == 7);
    CHECK(shell::display_width("北京") == 4);
    CHECK(shell::display_width("🙂") == 2);
    CHECK(shell::display_width("e\u0301") == 1); // a combining accent takes no column
    const std::string wide = table({{Term::name("北京"), Term::string("x")}, {Term::name("Zoë"), std::nullopt}}, 0);
    CHECK(wide == "┌─────────┬──────┐\n"
                  "│ country │ said │\n"
                  "├─────────┼──────┤\n"
                  "│ 北京    │ \"x\"  │\n"
                  "│ Zoë     │      │\n"
                  "└─────────┴──────┘\n");
    // Cut to fit, a wide character is not split across the edge.
    const std::string cut = table({{Term::name("x"), Term::string(std::string(40, 'a') + "北京北京北京")}}, 30);
    std::istringstream cut_lines(cut);
    for (std::string line; std::getline(cut_lines, line);)
        CHECK(shell::display_width(line) <= 30);
    const std::string out = table({{Term::name("Türkiye"), Term::string("yes")}, {Term::name("Iran"), std::nullopt}}, 0);
    CHECK(out == "┌─────────┬───────┐\n"
                 "│ country │ said  │\n"
                 "├─────────┼───────┤\n"
                 "│ Türkiye │ \"yes\" │\n"
                 "│ Iran    │       │\n"
                 "└─────────┴───────┘\n");
}

TEST_CASE("long values are cut with … to fit the terminal", "[shell][render]") {
    const std::string long_text(200, 'x');
    const std::string out = table({{Term::name("Türkiye"), Term::string(long_text)}}, 40);
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);)
        CHECK(shell::display_width(line) <= 40);
    CHECK(out.find("…") != std::string::npos);
    CHECK(out.find("Türkiye") != std::string::npos); // the narrow column is kept whole
}

TEST_CASE("csv quotes what it must and ends lines with CRLF; tsv escapes", "[shell][render]") {
    FixedRows csv_rows({"a", "b"}, {{Term::name("Organization, the"), Term::string("say \"hi\"")}, {std::nullopt, Term::integer(3)}});
    std::ostringstream csv;
    shell::render(csv_rows, shell::Mode::CSV, csv, 0);
    CHECK(csv.str() == "a,b\r\n\"Organization, the\",\"say \"\"hi\"\"\"\r\n,3\r\n");
    FixedRows tsv_rows({"a"}, {{Term::string("tab\there\nnew")}});
    std::ostringstream tsv;
    shell::render(tsv_rows, shell::Mode::TSV, tsv, 0);
    CHECK(tsv.str() == "a\ntab\\there\\nnew\n");
}
