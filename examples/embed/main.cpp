// Embedding Quarry: open a database, add facts from code and with a statement, and read
// typed rows back.
//
//   quarry-embed DB

#include <quarry/quarry.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: quarry-embed DB\n";
        return 2;
    }
    try {
        quarry::Database db(argv[1]);
        using quarry::Term;
        db.add({{Term::name("Khaji"), Term::name("met"), Term::name("Syrian delegation"), Term::name("Astana")},
                {Term::name("Aref"), Term::name("met"), Term::name("Mohammed bin Salman"), Term::name("Riyadh")}});
        db.execute("add (Astana talks, launched, 2017);");
        auto rows = db.query("match (?who, met, ?whom, ?where) return ?who, ?where order by ?who");
        for (const auto& column : rows->columns())
            std::cout << column << '\t';
        std::cout << '\n';
        while (auto row = rows->next()) {
            for (const auto& value : *row)
                std::cout << (value ? quarry::format_term(*value) : "") << '\t';
            std::cout << '\n';
        }
        auto launched = db.query("match (Astana talks, launched, ?year) return ?year");
        const auto year = launched->next();
        std::cout << "launched " << (*year)[0]->integer_value() << " ("
                  << quarry::kind_name((*year)[0]->kind()) << ")\n";
    } catch (const quarry::ParseError& e) {
        std::cerr << e.render() << '\n';
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "quarry-embed: " << e.what() << '\n';
        return 1;
    }
    return 0;
}
