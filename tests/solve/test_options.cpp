// options.hpp: tolerances one per state or one for all, and for the quadratures; their validation.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/batch.hpp"

using namespace costate;
using Catch::Matchers::Contains;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
// Two decays on scales 1 and 1e-6: x = e^{-at}, y = 1e-6 e^{-bt}.
constexpr auto decays = ode(-a * x, -b * y);
const std::array z0{1.0, 1e-6};
const std::array th{1.0, 2.0};
}  // namespace

TEST_CASE("absolute_tolerance: one value for all, or one per state", "[options]") {
  const absolute_tolerance one = 1e-8;
  CHECK_FALSE(one.per_state());
  CHECK(one[5] == 1e-8);
  CHECK(one.smallest() == 1e-8);
  CHECK(one.value() == 1e-8);
  const absolute_tolerance each = {1e-8, 1e-14, 1e-6};
  CHECK(each.per_state());
  CHECK(each.size() == 3);
  CHECK(each[1] == 1e-14);
  CHECK(each.smallest() == 1e-14);
  CHECK_THROWS_WITH(each.value(), Contains("one value per state"));
  const options<> o{.atol = {1e-8, 1e-12}, .adjoint_atol = {1e-6, 1e-9}, .quadrature_atol = 1e-4};
  CHECK(o.atol[1] == 1e-12);
  CHECK(o.adjoint_atol[1] == 1e-9);
  CHECK_FALSE(options<>{}.adjoint_atol.is_set());
  CHECK(options<>{.adjoint_atol = 1e-3}.adjoint_atol.value() == 1e-3);
}

TEST_CASE("a per-state atol holds each state to its own scale", "[options]") {
  // atol = 1e-8 for both: y (at 1e-6) gets 1e-2 relative accuracy at best. Per state, 1e-14 for y.
  const auto error_of = [](const options<>& o) {
    const auto s = solve(decays, z0, th, {0.0, 3.0}, o);
    return std::array{std::abs(s.final_state()[0] - std::exp(-3.0)), std::abs(s.final_state()[1] - 1e-6 * std::exp(-6.0)),
                      double(s.stats.steps)};
  };
  const auto scalar = error_of({.rtol = 1e-3, .atol = 1e-8});
  const auto each = error_of({.rtol = 1e-3, .atol = {1e-8, 1e-14}});
  INFO("scalar: y error " << scalar[1] << ", " << scalar[2] << " steps; per state: " << each[1] << ", " << each[2]);
  CHECK(each[1] < 1e-3 * 1e-6 * std::exp(-6.0) * 10);  // y relative to its own size
  CHECK(each[1] < scalar[1] / 10);
  CHECK(each[2] > scalar[2]);
  // The same list for all states is the scalar tolerance: the same steps, the same result.
  const auto s1 = solve(decays, z0, th, {0.0, 3.0}, options<>{.atol = 1e-9});
  const auto s2 = solve(decays, z0, th, {0.0, 3.0}, options<>{.atol = {1e-9, 1e-9}});
  CHECK(s1.t == s2.t);
  CHECK(s1.final_state() == s2.final_state());
  const auto g1 = gradient(decays, z0, th, {0.0, 3.0}, terminal_loss(x + 1e6_c * y), options<>{.atol = 1e-9});
  const auto g2 = gradient(decays, z0, th, {0.0, 3.0}, terminal_loss(x + 1e6_c * y),
                           options<>{.atol = {1e-9, 1e-9}, .adjoint_atol = {1e-9, 1e-9}, .quadrature_atol = 1e-9});
  CHECK(g1.dtheta == g2.dtheta);
  CHECK(g1.stats.backward.steps == g2.stats.backward.steps);
}

TEST_CASE("gradients with per-state and quadrature tolerances agree with finite differences and closed forms", "[options]") {
  // L = ∫ (x + 1e6 y) dt over [0, T]: dL/da = -∫ t e^{-at} dt, dL/db = -∫ t e^{-bt} dt (the 1e-6 cancels).
  const double T = 3.0;
  const auto dint = [&](double k) { return -(1 - std::exp(-k * T) * (1 + k * T)) / (k * k); };
  for (const bool backsolve_it : {false, true}) {
    const options<dopri5, adjoint_method> o{.rtol = 1e-10, .atol = {1e-12, 1e-18}, .adjoint_atol = {1e-12, 1e-6}, .quadrature_atol = 1e-12,
                                            .adjoint = backsolve_it ? adjoint_method(backsolve{}) : adjoint_method(checkpointed{})};
    const auto g = gradient(decays, z0, th, {0.0, T}, running_loss(x + 1e6_c * y), o);
    INFO("backsolve " << backsolve_it);
    CHECK(g.dtheta[0] == Approx(dint(1.0)).epsilon(1e-8));
    CHECK(g.dtheta[1] == Approx(dint(2.0)).epsilon(1e-8));
    const auto report = check_gradient(decays, z0, th, {0.0, T}, running_loss(x + 1e6_c * y), o);
    INFO(report);
    CHECK(report.max_error_fd < 1e-6);
  }
  // A looser quadrature tolerance costs the adjoint fewer steps and holds g_θ to it.
  const auto tight = gradient(decays, z0, th, {0.0, T}, running_loss(x + 1e6_c * y),
                              options<>{.rtol = 1e-12, .atol = {1e-12, 1e-18}, .quadrature_atol = 1e-14});
  const auto loose = gradient(decays, z0, th, {0.0, T}, running_loss(x + 1e6_c * y),
                              options<>{.rtol = 1e-12, .atol = {1e-12, 1e-18}, .adjoint_rtol = 1e-6, .quadrature_atol = 1e-4});
  CHECK(loose.stats.backward.steps < tight.stats.backward.steps);
  CHECK(loose.dtheta[0] == Approx(dint(1.0)).epsilon(1e-3));
}

TEST_CASE("per-state tolerances of a batch hold for every sample", "[options]") {
  const auto bs = batch<3>(decays);
  const std::array<std::array<double, 2>, 3> z0s{{{1.0, 1e-6}, {2.0, 2e-6}, {0.5, 5e-7}}};
  const auto g1 = gradient(bs, z0s, th, {0.0, 1.0}, terminal_loss(x + 1e6_c * y), options<>{.atol = 1e-10});
  const auto g2 = gradient(bs, z0s, th, {0.0, 1.0}, terminal_loss(x + 1e6_c * y), options<>{.atol = {1e-10, 1e-10}});
  CHECK(g1.dtheta == g2.dtheta);
  CHECK_THROWS_WITH(gradient(bs, z0s, th, {0.0, 1.0}, terminal_loss(x), options<>{.atol = {1e-10, 1e-10, 1e-10}}),
                    Contains("atol lists 3 values, but the system has 2 states"));
}

TEST_CASE("bad tolerances name what is wrong", "[options][errors]") {
  const auto L = terminal_loss(x);
  CHECK_THROWS_WITH(solve(decays, z0, th, {0.0, 1.0}, options<>{.atol = {1e-8, 1e-8, 1e-8}}),
                    Contains("atol lists 3 values, but the system has 2 states"));
  CHECK_THROWS_WITH(gradient(decays, z0, th, {0.0, 1.0}, L, options<>{.atol = {1e-8}}),
                    Contains("atol lists 1 values, but the system has 2 states"));
  CHECK_THROWS_WITH(gradient(decays, z0, th, {0.0, 1.0}, L, options<>{.adjoint_atol = {1e-8, 1e-8, 1.0}}),
                    Contains("adjoint_atol lists 3 values"));
  // A running loss's integral is not a state the user lists.
  CHECK_THROWS_WITH(gradient(decays, z0, th, {0.0, 1.0}, running_loss(x), options<>{.atol = {1e-8, 1e-8, 1e-8}}),
                    Contains("atol lists 3 values, but the system has 2 states"));
  CHECK_THROWS_WITH(solve(decays, z0, th, {0.0, 1.0}, options<>{.atol = {1e-8, -1.0}}), Contains("atol[1] must be finite and non-negative"));
  CHECK_THROWS_WITH(solve(decays, z0, th, {0.0, 1.0}, options<>{.atol = {1e-8, std::nan("")}}), Contains("atol[1]"));
  CHECK_THROWS_WITH(solve(decays, z0, th, {0.0, 1.0}, options<>{.atol = {}}), Contains("atol is unset"));
  CHECK_THROWS_WITH(gradient(decays, z0, th, {0.0, 1.0}, L, options<>{.quadrature_atol = -1.0}), Contains("quadrature_atol"));
  CHECK_THROWS_WITH(gradient(decays, z0, th, {0.0, 1.0}, L, options<>{.rtol = 0.0, .atol = {1e-8, 0.0}}),
                    Contains("rtol must be at least 1e-15"));
  CHECK_THROWS_WITH(gradient(decays, z0, th, {0.0, 1.0}, L, options<>{.adjoint_rtol = 0.0, .quadrature_atol = 0.0}),
                    Contains("quadrature tolerances"));
}
