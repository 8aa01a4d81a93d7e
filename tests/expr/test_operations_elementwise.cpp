// Every elementwise operation in costate::operations through the framework (tests/op_test.hpp), and
// an operation defined here, in the test, that needs nothing but its struct, its function and one
// entry in the list it is tested with.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "operation_specs.hpp"

using namespace costate;

namespace {
// cube(a) = a³: a new elementwise operation, written as an operation header would be.
struct cube_op {
  static constexpr const char* name = "cube";
  static constexpr notation note{notation::function, "cube", "\\operatorname{cube}", precedence::atom};
  static constexpr const char* cpp = "costate_cube";
  static constexpr const char* cpp_definition = "inline double costate_cube(double x) { return x * x * x; }\n";
  template <class T> static constexpr T eval(const T& a) { return a * a * a; }
  template <class Self, class A> using partials = detail::tlist<node<mul_op, constant<3>, node<mul_op, A, A>>>;
};
template <Expr A> constexpr node<cube_op, A> cube(A) { return detail::make<cube_op, A>(); }

// The one line: the library's list and the new operation.
using tested_operations = detail::push_back<operations, cube_op>::type;
}  // namespace

template <> struct costate::test::op_spec<cube_op> {
  template <class A> static constexpr auto apply(A a) { return cube(a); }
  static double value(double a) { return a * a * a; }
  static constexpr auto points = any1;
  static constexpr std::array<edge<1>, 4> edges{{{{0}, 0, {0}}, {{inf}, inf, {inf}}, {{-inf}, -inf, {inf}}, {{nan}, nan, {nan}}}};
};
static_assert(costate::test::all_specified(tested_operations{}));

namespace {
template <class... Ops>
void expect_elementwise_operations(detail::tlist<Ops...>) {
  ([] {
    if constexpr (!detail::tensor_operation<Ops>) {
      DYNAMIC_SECTION(Ops::name) { costate::test::expect_operation<Ops>(); }
    }
  }(), ...);
}
}  // namespace

TEST_CASE("every elementwise operation: values, derivatives to second order, float and complex, tensors, edges",
          "[ops][framework]") {
  expect_elementwise_operations(tested_operations{});
}

TEST_CASE("an operation defined outside the library orders after the list's, by name", "[ops][framework]") {
  constexpr auto x = state<0>;
  using C = decltype(cube(x));
  STATIC_REQUIRE(detail::compare<C, decltype(relu(x))>::value > 0);
  STATIC_REQUIRE(detail::compare<decltype(sin(x)), C>::value < 0);
  STATIC_REQUIRE(detail::compare<C, C>::value == 0);
  CHECK(to_string(cube(x) * sin(x)) == "cube(z0)*sin(z0)");
  CHECK(to_cpp(cube(x)) == "costate_cube(z[0])");
}

// to_cpp of every elementwise operation and of its derivatives, compiled on its own with the
// compiler that built this test, evaluated at the points and edges of its spec: the same values as
// the template path (NaN where it gives NaN).
TEST_CASE("every elementwise operation: to_cpp compiles warning-free and agrees with the template path", "[ops][framework][cpp]") {
#ifndef COSTATE_TEST_CXX
  WARN("no compiler given (COSTATE_TEST_CXX): the printed C++ is not checked");
#else
  const std::string dir = "costate_op_cpp_check";
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  std::ofstream(dir + "/ops.cpp") << costate::test::cpp_program<tested_operations>(tested_operations{});
  const std::string compile = std::string(COSTATE_TEST_CXX) + " -std=c++17 -O2 -Wall -Wextra -Wpedantic -Werror " + dir +
                              "/ops.cpp -o " + dir + "/ops 2> " + dir + "/compile.log";
  INFO(compile << " (see " << dir << "/compile.log)");
  REQUIRE(std::system(compile.c_str()) == 0);
  INFO("its output is in " << dir << "/run.log");
  CHECK(std::system((dir + "/ops > " + dir + "/run.log").c_str()) == 0);
#endif
}
