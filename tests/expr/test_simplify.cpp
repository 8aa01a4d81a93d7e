// The named rewrite rules, one by one, and the fixpoint: simplify(simplify(e)) == simplify(e),
// including on the expressions where two rules could undo each other.
#include <catch2/catch.hpp>

#include <array>
#include <type_traits>

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/simplify.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;

template <class A, class B>
constexpr bool same(A, B) { return std::is_same_v<A, B>; }
template <class E>
constexpr bool is_fixpoint(E) { return std::is_same_v<simplify_t<E>, simplify_t<simplify_t<E>>>; }
}  // namespace

TEST_CASE("constant folding is exact", "[simplify]") {
  STATIC_REQUIRE(same(simplify(2_c + 3_c), 5_c));
  STATIC_REQUIRE(same(simplify(0.5_c * 4_c - 1_c), 1_c));
  STATIC_REQUIRE(same(simplify(1_c / 3_c + 1_c / 6_c), 0.5_c));
  STATIC_REQUIRE(same(simplify(-(2_c)), constant<-2>{}));
  STATIC_REQUIRE(same(simplify(pow(2_c, 3_c)), 8_c));
  STATIC_REQUIRE(same(simplify(pow(2_c, -2_c)), 0.25_c));
}

TEST_CASE("zeros and ones", "[simplify]") {
  STATIC_REQUIRE(same(simplify(x + 0_c), x));
  STATIC_REQUIRE(same(simplify(0_c + x), x));
  STATIC_REQUIRE(same(simplify(x - 0_c), x));
  STATIC_REQUIRE(same(simplify(0_c - x), -x));
  STATIC_REQUIRE(same(simplify(x - x), 0_c));
  STATIC_REQUIRE(same(simplify(0_c * x), 0_c));
  STATIC_REQUIRE(same(simplify(x * 0_c), 0_c));
  STATIC_REQUIRE(same(simplify(0_c / x), 0_c));
  STATIC_REQUIRE(same(simplify(1_c * x), x));
  STATIC_REQUIRE(same(simplify(x * 1_c), x));
  STATIC_REQUIRE(same(simplify(x / 1_c), x));
  STATIC_REQUIRE(same(simplify(pow(x, 1_c)), x));
  STATIC_REQUIRE(same(simplify(pow(x, 0_c)), 1_c));
  STATIC_REQUIRE(same(simplify(sin(x) * (y - y)), 0_c));
}

TEST_CASE("signs move outwards and cancel", "[simplify]") {
  STATIC_REQUIRE(same(simplify(-(-x)), x));
  STATIC_REQUIRE(same(simplify((-x) * (-y)), x * y));
  STATIC_REQUIRE(same(simplify((-x) * y), -(x * y)));
  STATIC_REQUIRE(same(simplify(x + (-y)), x - y));
  STATIC_REQUIRE(same(simplify(x - (-y)), x + y));
  STATIC_REQUIRE(same(simplify(-(x - y)), y - x));
  STATIC_REQUIRE(same(simplify(constant<-1>{} * x), -x));
}

TEST_CASE("canonical order of commutative operands makes a*b and b*a one type", "[simplify]") {
  STATIC_REQUIRE(same(simplify(x * a), simplify(a * x)));
  STATIC_REQUIRE(same(simplify(x * 2_c), 2_c * x));
  STATIC_REQUIRE(same(simplify(sin(x) + y), y + sin(x)));
  STATIC_REQUIRE(same(simplify(x * y - y * x), 0_c));
  STATIC_REQUIRE(same(simplify(x + x), 2_c * x));
  STATIC_REQUIRE(same(simplify(2_c * (3_c * x)), 6_c * x));
  STATIC_REQUIRE(!same(simplify(x - y), simplify(y - x)));  // sub is not commutative
}

TEST_CASE("simplification preserves values", "[simplify]") {
  const std::array<double, 2> z{0.7, -1.3};
  const std::array<double, 1> th{0.4};
  const context<double> c{z.data(), nullptr, th.data(), nullptr, 0.0};
  const auto same_value = [&](auto e) {
    INFO(to_string(e) << "  ->  " << to_string(simplify(e)));
    CHECK(evaluate(simplify(e), c) == Approx(evaluate(e, c)).epsilon(1e-14));
  };
  same_value(y * (-(x * 2_c)) + (-(a * y)));
  same_value(-(x - y) * (-(y - x)));
  same_value((x * y + y * x) - 2_c * (y * x));
  same_value(tanh(x * a) * (1_c - tanh(a * x) * tanh(x * a)));
  same_value((-x) / (y * 1_c) + 0_c * sin(a) - (-(3_c * (0.5_c * x))));
  same_value(pow(x - 0_c, 2_c) * pow(y, 1_c) + pow(a, 0_c));
  same_value((1_c / 3_c + 1_c / 6_c) * (x + x) - (-y) * (-a));
}

TEST_CASE("0/0 is not simplified to 0", "[simplify]") {
  STATIC_REQUIRE(!same(simplify(0_c / 0_c), 0_c));
}

TEST_CASE("the rules reach a fixpoint and do not oscillate", "[simplify]") {
  // Each of these mixes rules that touch the same node (negation, ordering, constants). simplify_t
  // only returns at a fixpoint, so these compile only if the rewriting terminates (a pair of rules that
  // undo each other hits the depth guard's static_assert); the checks document the property.
  STATIC_REQUIRE(is_fixpoint((-x) + (-y)));
  STATIC_REQUIRE(is_fixpoint(y * (-(x * 2_c)) + (-(a * y))));
  STATIC_REQUIRE(is_fixpoint(-(x - y) * (-(y - x))));
  STATIC_REQUIRE(is_fixpoint((x * y + y * x) - 2_c * (y * x)));
  STATIC_REQUIRE(is_fixpoint(tanh(x * a) * (1_c - tanh(a * x) * tanh(x * a))));
  STATIC_REQUIRE(same(simplify(tanh(x * a) - tanh(a * x)), 0_c));
  // A value check that simplification preserves meaning is in test_reverse.cpp (VJPs vs forward).
  CHECK(to_string(simplify(y * (-(x * 2_c)) + (-(a * y)))) == to_string(simplify(simplify(y * (-(x * 2_c)) + (-(a * y))))));
}
