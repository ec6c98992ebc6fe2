// A university ontology in the style of LUBM, as rules (SPEC §10): subclass and
// subproperty hierarchies, an inverse pair and a transitive property. Queries for a
// superclass return the members of its subclasses; removing a fact takes away what
// depended on it, and only that. Written twice: one rule per axiom, and generic rules over
// stored schema facts (variables in the predicate position).

#include "quarry/quarry.hpp"
#include "tests/support/rows_text.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace quarry;
using quarry::testing::TempDir;
using Names = std::vector<std::string>;

namespace {

// The rows of `statement` as text, one "a | b" line per row, in the order it asks for.
Names rows(Database& db, const std::string& statement) {
    return quarry::testing::rows_text(db, statement);
}

// Who is of `type`, in order.
Names members(Database& db, const std::string& type) {
    return rows(db, "match (?x, type, " + type + ") return distinct ?x order by ?x");
}

// What an error thrown by `statement` says ("" if it succeeds).
std::string error_of(Database& db, const std::string& statement) {
    try {
        db.execute(statement);
    } catch (const Error& error) {
        return error.what();
    }
    return {};
}

// The people, departments and universities: only the most specific facts are stored.
const char* const UNIVERSITY = R"(
add (Dept0, subOrganizationOf, Univ0), (Dept1, subOrganizationOf, Univ0),
    (Group0, subOrganizationOf, Dept0), (Dept2, subOrganizationOf, Univ1),
    (Dept0, type, Department), (Dept1, type, Department), (Dept2, type, Department),
    (alice, type, FullProfessor), (alice, headOf, Dept0), (alice, degreeFrom, Univ1),
    (bob, type, AssociateProfessor), (bob, worksFor, Dept1),
    (carol, type, GraduateStudent), (carol, memberOf, Dept0), (carol, degreeFrom, Univ0),
    (dave, type, UndergraduateStudent), (dave, memberOf, Dept1),
    (erin, type, Lecturer), (erin, worksFor, Dept2),
    (frank, type, Person), (Univ1, hasAlumnus, frank, Registry),
    (gina, type, Person), (gina, headOf, Dept2);
)";

// One rule per axiom. A chair is a person who heads a department (LUBM's Chair), and a
// chair is a professor: a cycle through Person, Faculty, Professor and Chair.
const char* const AXIOM_RULES = R"(
rule graduate_student: (?x, type, Student) if (?x, type, GraduateStudent);
rule undergraduate_student: (?x, type, Student) if (?x, type, UndergraduateStudent);
rule student_person: (?x, type, Person) if (?x, type, Student);
rule full_professor: (?x, type, Professor) if (?x, type, FullProfessor);
rule associate_professor: (?x, type, Professor) if (?x, type, AssociateProfessor);
rule chair_professor: (?x, type, Professor) if (?x, type, Chair);
rule professor_faculty: (?x, type, Faculty) if (?x, type, Professor);
rule lecturer_faculty: (?x, type, Faculty) if (?x, type, Lecturer);
rule faculty_person: (?x, type, Person) if (?x, type, Faculty);
rule chair: (?x, type, Chair) if (?x, type, Person), (?x, headOf, ?d), (?d, type, Department);
rule head_works_for: (?x, worksFor, ?o) if (?x, headOf, ?o);
rule works_for_member: (?x, memberOf, ?o) if (?x, worksFor, ?o);
rule alumnus: (?u, hasAlumnus, ?x) if (?x, degreeFrom, ?u);
rule degree: (?x, degreeFrom, ?u) if (?u, hasAlumnus, ?x);
rule sub_organization: (?a, subOrganizationOf, ?c) if (?a, subOrganizationOf, ?b), (?b, subOrganizationOf, ?c);
)";

// The same axioms as stored facts, and six generic rules that read them.
const char* const SCHEMA = R"(
add (GraduateStudent, subClassOf, Student), (UndergraduateStudent, subClassOf, Student),
    (Student, subClassOf, Person), (FullProfessor, subClassOf, Professor),
    (AssociateProfessor, subClassOf, Professor), (Chair, subClassOf, Professor),
    (Professor, subClassOf, Faculty), (Lecturer, subClassOf, Faculty), (Faculty, subClassOf, Person),
    (headOf, subPropertyOf, worksFor), (worksFor, subPropertyOf, memberOf),
    (hasAlumnus, inverseOf, degreeFrom), (subOrganizationOf, type, TransitiveProperty);
rule subclass: (?x, type, ?super) if (?x, type, ?sub), (?sub, subClassOf, ?super);
rule subclass_transitive: (?a, subClassOf, ?c) if (?a, subClassOf, ?b), (?b, subClassOf, ?c);
rule subproperty: (?x, ?super, ?y) if (?x, ?sub, ?y), (?sub, subPropertyOf, ?super);
rule inverse: (?y, ?q, ?x) if (?x, ?p, ?y), (?p, inverseOf, ?q);
rule inverse_back: (?y, ?p, ?x) if (?x, ?q, ?y), (?p, inverseOf, ?q);
rule transitive: (?x, ?p, ?z) if (?x, ?p, ?y), (?y, ?p, ?z), (?p, type, TransitiveProperty);
rule chair: (?x, type, Chair) if (?x, type, Person), (?x, headOf, ?d), (?d, type, Department);
)";

// The answers both versions give on UNIVERSITY, and after each removal.
void check_university(Database& db, const std::string& chair_rule_derives_person) {
    CHECK(members(db, "Person") == Names{"alice", "bob", "carol", "dave", "erin", "frank", "gina"});
    CHECK(members(db, "Student") == Names{"carol", "dave"});
    CHECK(members(db, "Faculty") == Names{"alice", "bob", "erin", "gina"});
    CHECK(members(db, "Professor") == Names{"alice", "bob", "gina"});
    CHECK(members(db, "Chair") == Names{"alice", "gina"});
    // `asserted` sees the stored facts only.
    CHECK(rows(db, "match (?x, type, Person) asserted return ?x order by ?x") ==
          Names{"frank", "gina"});
    CHECK(rows(db, "match (?x, memberOf, Dept0) return ?x order by ?x") == Names{"alice", "carol"});
    CHECK(rows(db, "match (?x, worksFor, ?d) return ?x, ?d order by ?x") ==
          Names{"alice | Dept0", "bob | Dept1", "erin | Dept2", "gina | Dept2"});
    CHECK(rows(db, "match (Univ1, hasAlumnus, ?x) return ?x order by ?x") ==
          Names{"alice", "frank"});
    CHECK(rows(db, "match (?x, degreeFrom, Univ1) return ?x order by ?x") ==
          Names{"alice", "frank"});
    CHECK(rows(db, "match (?x, subOrganizationOf, Univ0) return ?x order by ?x") ==
          Names{"Dept0", "Dept1", "Group0"});
    // LUBM query 2, in small: graduate students who are members of a department of the
    // university they have a degree from.
    CHECK(rows(db, "match (?x, type, GraduateStudent), (?x, memberOf, ?d), (?d, type, Department), "
                   "(?d, subOrganizationOf, ?u), (?x, degreeFrom, ?u) return ?x, ?d, ?u") ==
          Names{"carol | Dept0 | Univ0"});
    // A derived fact cannot be removed; the error names a rule that derives it.
    const std::string message = error_of(db, "remove (alice, type, Person);");
    INFO(message);
    CHECK(message.find(chair_rule_derives_person) != std::string::npos);
    CHECK(members(db, "Person").size() == 7);

    // alice no longer heads Dept0: she no longer works for it, is no member of it, is no
    // chair, and is still a professor.
    db.execute("remove (alice, headOf, Dept0);");
    CHECK(members(db, "Chair") == Names{"gina"});
    CHECK(members(db, "Professor") == Names{"alice", "bob", "gina"});
    CHECK(rows(db, "match (?x, memberOf, Dept0) return ?x order by ?x") == Names{"carol"});
    CHECK(rows(db, "match (alice, worksFor, ?d) return ?d").empty());

    // gina was a person only because it was stored: chair, professor, faculty and person
    // held each other up in a cycle, which holds nothing on its own.
    db.execute("remove (gina, type, Person);");
    CHECK(members(db, "Chair").empty());
    CHECK(members(db, "Professor") == Names{"alice", "bob"});
    CHECK(members(db, "Faculty") == Names{"alice", "bob", "erin"});
    CHECK(members(db, "Person") == Names{"alice", "bob", "carol", "dave", "erin", "frank"});
    CHECK(rows(db, "match (gina, ?p, ?o) return ?p, ?o order by ?p") ==
          Names{"headOf | Dept2", "memberOf | Dept2", "worksFor | Dept2"});

    // The department leaves the university: the group below it does too, and carol's
    // department is no longer one of her degree's university.
    db.execute("remove (Dept0, subOrganizationOf, Univ0);");
    CHECK(rows(db, "match (?x, subOrganizationOf, Univ0) return ?x order by ?x") == Names{"Dept1"});
    CHECK(rows(db, "match (Group0, subOrganizationOf, ?x) return ?x order by ?x") ==
          Names{"Dept0"});
    CHECK(
        rows(db,
             "match (?x, type, GraduateStudent), (?x, memberOf, ?d), (?d, subOrganizationOf, ?u), "
             "(?x, degreeFrom, ?u) return ?x")
            .empty());

    // Adding back what was removed brings back what follows from it.
    db.execute(
        "add (gina, type, Person), (alice, headOf, Dept0), (Dept0, subOrganizationOf, Univ0);");
    CHECK(members(db, "Chair") == Names{"alice", "gina"});
    CHECK(rows(db, "match (?x, subOrganizationOf, Univ0) return ?x order by ?x") ==
          Names{"Dept0", "Dept1", "Group0"});
    CHECK(rows(db, "match (?x, memberOf, Dept0) return ?x order by ?x") == Names{"alice", "carol"});
}

} // namespace

TEST_CASE("rules: a university ontology, one rule per axiom, answers for superclasses and forgets "
          "what a removed fact supported",
          "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("university.qdb"));
    db.execute(UNIVERSITY);
    db.execute(AXIOM_RULES);
    check_university(db, "faculty_person");

    SECTION("why a member of a department: worksFor, then headOf, a stored fact") {
        auto results = db.execute("why (alice, memberOf, Dept0);");
        REQUIRE(results.size() == 1);
        std::string output = results[0].message;
        if (results[0].rows)
            for (const std::string& line : quarry::testing::rows_text(*results[0].rows))
                output += "\n" + line;
        INFO(output);
        CHECK(output.find("works_for_member") != std::string::npos);
        CHECK(output.find("head_works_for") != std::string::npos);
        CHECK(output.find("(alice, headOf, Dept0") != std::string::npos);
    }
    SECTION("dropping the inverse rule keeps the stored alumnus") {
        db.execute("drop rule alumnus;");
        CHECK(rows(db, "match (Univ1, hasAlumnus, ?x) return ?x order by ?x") == Names{"frank"});
        CHECK(rows(db, "match (?x, degreeFrom, Univ1) return ?x order by ?x") ==
              Names{"alice", "frank"});
        db.execute("drop rule degree;");
        CHECK(rows(db, "match (?x, degreeFrom, Univ1) return ?x order by ?x") == Names{"alice"});
    }
}

TEST_CASE("rules: a university ontology as schema facts and generic rules answers for superclasses "
          "and forgets what a removed fact supported",
          "[engine][rules]") {
    TempDir dir;
    Database db(dir.file("university.qdb"));
    db.execute(UNIVERSITY);
    db.execute(SCHEMA);
    CHECK(rows(db, "match (GraduateStudent, subClassOf, ?c) return ?c order by ?c") ==
          Names{"Person", "Student"});
    check_university(db, "subclass");

    SECTION("removing a schema fact takes its consequences away") {
        db.execute("remove (Faculty, subClassOf, Person);");
        CHECK(members(db, "Person") == Names{"carol", "dave", "frank", "gina"});
        CHECK(members(db, "Faculty") == Names{"alice", "bob", "erin", "gina"});
        // gina is still a stored person, and so a chair; alice is no person any more.
        CHECK(members(db, "Chair") == Names{"gina"});
        CHECK(rows(db, "match (FullProfessor, subClassOf, ?c) return ?c order by ?c") ==
              Names{"Faculty", "Professor"});
    }
    SECTION("why a person: down the subclass axioms to alice's stored type") {
        auto results = db.execute("why (alice, type, Person);");
        REQUIRE(results.size() == 1);
        REQUIRE(results[0].rows);
        Names lines; // the text of each line, unquoted
        while (auto row = results[0].rows->next())
            lines.push_back(text_of(*(*row)[0]));
        std::string output;
        for (const std::string& line : lines)
            output += line + "\n";
        INFO(output);
        REQUIRE(!lines.empty());
        CHECK(lines[0].find("(alice, type, Person)") == 0);
        CHECK(lines[0].find("subclass") != std::string::npos);
        // However it goes, it ends at the one stored type of alice, never at Chair, which
        // itself follows from Person.
        CHECK(output.find("(alice, type, FullProfessor)") != std::string::npos);
        CHECK(output.find("(alice, type, Chair)") == std::string::npos);
    }
    SECTION("removing a subproperty axiom takes the derived memberships away") {
        db.execute("remove (worksFor, subPropertyOf, memberOf);");
        CHECK(rows(db, "match (?x, memberOf, ?d) return ?x, ?d order by ?x") ==
              Names{"carol | Dept0", "dave | Dept1"});
        CHECK(rows(db, "match (?x, worksFor, ?d) return ?x order by ?x") ==
              Names{"alice", "bob", "erin", "gina"});
    }
}
