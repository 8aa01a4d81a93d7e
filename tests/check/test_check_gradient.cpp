// check_gradient reports per component and detects a wrong gradient.
#include <catch2/catch.hpp>

#include <array>
#include <sstream>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
}  // namespace

TEST_CASE("the report has one entry per component, with both references", "[check]") {
  constexpr auto sys = ode(a * y, -b * x);
  const auto r = check_gradient(sys, std::array{1.0, 0.5}, std::array{1.0, 2.0}, {0.0, 2.0}, terminal_loss(x * y),
                                options<>{.rtol = 1e-10, .atol = 1e-10});
  REQUIRE(r.entries.size() == 2 + 2 + 2);
  CHECK(r.entries[0].name == "dtheta[0]");
  CHECK(r.entries[2].name == "dz0[0]");
  CHECK(r.entries[4].name == "dt0");
  CHECK(r.entries[5].name == "dt1");
  CHECK(std::isnan(r.entries[4].complex_step));  // no complex step for the time bounds
  CHECK(!std::isnan(r.entries[0].complex_step));
  CHECK(r.passed(1e-6));
  CHECK(r.max_error_fd < 1e-6);
  std::ostringstream os;
  os << r;
  CHECK_THAT(os.str(), Catch::Matchers::Contains("dtheta[1]") && Catch::Matchers::Contains("max relative error"));
}

TEST_CASE("a gradient at loose adjoint tolerances fails a strict check", "[check]") {
  // The check compares against an independent reference, so a poor adjoint shows up.
  constexpr auto sys = ode(a * x - b * x * y, -y + x * y);
  const auto r = check_gradient(sys, std::array{1.0, 1.0}, std::array{1.5, 1.0}, {0.0, 10.0}, terminal_loss(x),
                                options<>{.rtol = 1e-10, .atol = 1e-10, .adjoint_rtol = 1e-3, .adjoint_atol = 1e-3});
  CHECK(r.max_error_fd > 1e-6);
  CHECK(!r.passed(1e-6));
}
