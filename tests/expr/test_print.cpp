#include <catch2/catch.hpp>

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
}  // namespace

TEST_CASE("expressions print as infix with the parentheses precedence needs", "[print]") {
  CHECK(to_string(a * x - b * x * y) == "θ0*z0 - θ1*z0*z1");
  CHECK(to_string(x - (y - a)) == "z0 - (z1 - θ0)");
  CHECK(to_string((x - y) - a) == "z0 - z1 - θ0");
  CHECK(to_string(x / (y * a)) == "z0/(z1*θ0)");
  CHECK(to_string((x + y) * a) == "(z0 + z1)*θ0");
  CHECK(to_string(-(x + y)) == "-(z0 + z1)");
  CHECK(to_string(pow(x + y, 2_c)) == "(z0 + z1)^2");
  CHECK(to_string(pow(x, 0.5_c)) == "pow(z0, 0.5)");
  CHECK(to_string(tanh(a * x + b)) == "tanh(θ0*z0 + θ1)");
  CHECK(to_string(input<2> * t + adjoint<1>) == "u2*t + λ1");
}

TEST_CASE("constants print as exact decimals or fractions", "[print]") {
  CHECK(to_string(2_c) == "2");
  CHECK(to_string(0.5_c) == "0.5");
  CHECK(to_string(1e-3_c) == "0.001");
  CHECK(to_string(constant<-3, 4>{}) == "-0.75");
  CHECK(to_string(constant<1, 3>{}) == "1/3");
  CHECK(to_string(x * constant<-2>{}) == "z0*(-2)");
  CHECK(to_string(x / constant<1, 3>{}) == "z0/(1/3)");
}
