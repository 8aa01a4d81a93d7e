#include <catch2/catch.hpp>

#include <type_traits>

#include "costate/expr/constant.hpp"

using namespace costate;

TEST_CASE("_c literals are exact rationals", "[constant]") {
  STATIC_REQUIRE(std::is_same_v<decltype(2_c), constant<2, 1>>);
  STATIC_REQUIRE(std::is_same_v<decltype(0.5_c), constant<1, 2>>);
  STATIC_REQUIRE(std::is_same_v<decltype(1e-3_c), constant<1, 1000>>);
  STATIC_REQUIRE(std::is_same_v<decltype(1.5e2_c), constant<150, 1>>);
  STATIC_REQUIRE(std::is_same_v<decltype(0.125_c), constant<1, 8>>);
  STATIC_REQUIRE(std::is_same_v<decltype(2.50_c), constant<5, 2>>);
  STATIC_REQUIRE(std::is_same_v<decltype(0_c), constant<0, 1>>);
  CHECK(constant<1, 3>::value<double>() == 1.0 / 3.0);
  CHECK(decltype(1e-3_c)::value<double>() == 1e-3);
}

TEST_CASE("rational arithmetic normalises and detects overflow", "[constant]") {
  using namespace costate::detail;
  constexpr auto r = add({1, 2}, {1, 3});
  STATIC_REQUIRE(r.num == 5);
  STATIC_REQUIRE(r.den == 6);
  constexpr auto m = mul({-2, 3}, {3, -4});
  STATIC_REQUIRE(m.num == 1);
  STATIC_REQUIRE(m.den == 2);
  constexpr auto q = div({1, 2}, {-1, 4});
  STATIC_REQUIRE(q.num == -2);
  STATIC_REQUIRE(q.den == 1);
  // Overflow throws, which in a constant expression is a compile error.
  CHECK_THROWS(mul({INTMAX_MAX, 1}, {2, 1}));
  CHECK_THROWS(normalise(1, 0));
}
