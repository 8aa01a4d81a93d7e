// Every operation's derivative (and the reverse sweep's, and the second derivative) against a
// numerical derivative at several points, through the one shared helper.
#include <catch2/catch.hpp>

#include "../numeric_derivative.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;
using costate::test::check_partials;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
// Points away from the kinks and poles of the operations checked with them.
constexpr std::array<std::array<double, 2>, 4> generic{{{0.7, -1.3}, {-0.4, 0.9}, {1.9, 0.35}, {-2.2, -0.6}}};
constexpr std::array<std::array<double, 2>, 4> positive{{{0.7, 1.3}, {0.4, 0.9}, {1.9, 0.35}, {2.2, 2.6}}};
}  // namespace

TEST_CASE("add, sub, mul, div, neg: partials match numerical derivatives", "[ops]") {
  check_partials<2>(x + y, generic);
  check_partials<2>(x - y, generic);
  check_partials<2>(x * y, generic);
  check_partials<2>(x / y, generic);
  check_partials<2>(-x, generic);
  check_partials<2>(x * x * y - y / (x * x + 1_c), generic);
}

TEST_CASE("integer and real powers: partials match numerical derivatives", "[ops]") {
  check_partials<2>(pow(x, 3_c), generic);
  check_partials<2>(pow(x, -2_c), generic);
  check_partials<2>(square(x - y), generic);
  check_partials<2>(pow(x, 0.5_c), positive);
  check_partials<2>(pow(x, y), positive);  // both operands vary
  check_partials<2>(pow(x + y, 2.5_c), positive);
}

TEST_CASE("sqrt, exp, log: partials match numerical derivatives", "[ops]") {
  check_partials<2>(sqrt(x * y), positive);
  check_partials<2>(exp(x - 2_c * y), generic);
  check_partials<2>(log(x + y), positive);
}

TEST_CASE("sin, cos, tan: partials match numerical derivatives", "[ops]") {
  check_partials<2>(sin(x * y), generic);
  check_partials<2>(cos(x - y), generic);
  check_partials<2>(tan(0.5_c * x), generic);
}

TEST_CASE("tanh, sigmoid, softplus: partials match numerical derivatives", "[ops]") {
  check_partials<2>(tanh(x * y), generic);
  check_partials<2>(sigmoid(x - y), generic);
  check_partials<2>(softplus(x + y), generic);
  check_partials<2>(softplus(40_c * x), generic);  // large arguments: the stable form
}

TEST_CASE("abs and sign: partials match numerical derivatives away from 0", "[ops]") {
  check_partials<2>(abs(x * y), generic);
  check_partials<2>(sign(x) * y, generic);
}

TEST_CASE("values of the operations", "[ops]") {
  const std::array z{0.3, -1.7};
  using costate::test::value_at;
  CHECK(value_at(pow(y, 3_c), z) == Approx(-1.7 * -1.7 * -1.7).epsilon(1e-15));
  CHECK(value_at(pow(y, -2_c), z) == Approx(1 / (1.7 * 1.7)).epsilon(1e-15));
  CHECK(value_at(softplus(1000_c * x), z) == Approx(300.0));           // no overflow
  CHECK(value_at(softplus(-1000_c * x), z) == Approx(std::exp(-300.0)));
  CHECK(value_at(sigmoid(-10000_c * x), z) == 0.0);  // exp overflows to inf: exactly 0, no NaN
  CHECK(value_at(abs(y), z) == 1.7);
  CHECK(value_at(sign(y), z) == -1.0);
  CHECK(value_at(sign(x - x), z) == 0.0);
  CHECK(value_at(tanh(x), z) == Approx(std::tanh(0.3)).epsilon(1e-15));
}
