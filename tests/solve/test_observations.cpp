// Observation losses L = Σ ℓ(z(t_k), data_k) and running losses L = ∫ ℓ dt (+ φ(z(t1))): gradients
// against finite differences (θ, z0, t0, t1 and every observation time), the complex step and closed
// forms; bad observation input.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <vector>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/solve.hpp"

using namespace costate;
using Catch::Matchers::Contains;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto a = param<0>;
constexpr auto b = param<1>;
constexpr auto c = param<2>;
constexpr auto d = param<3>;
constexpr auto dx = input<0>;
constexpr auto dy = input<1>;
constexpr auto lv = ode(a * x - b * x * y, -c * y + d * x * y);
const auto tight = options<>{.rtol = 1e-10, .atol = 1e-10};

template <class Report>
void require_agreement(const Report& r, double tol = 1e-6) {
  INFO(r);
  CHECK(r.max_error_fd <= tol);
  CHECK(!(r.max_error_cs > tol));
}
}  // namespace

TEST_CASE("Lotka-Volterra observed at t = 1..10: every gradient matches finite differences", "[observations]") {
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  // Data: the solution for other parameters, so that the residuals are of order 1.
  std::vector<double> times;
  std::vector<std::array<double, 2>> data;
  for (int k = 1; k <= 10; ++k) {
    times.push_back(k);
    const auto s = solve(lv, z0, std::array{1.4, 0.9, 3.1, 1.1}, {0.0, double(k)}, tight);
    data.push_back(s.final_state());
  }
  const auto loss = observations(0.5_c * ((x - dx) * (x - dx) + (y - dy) * (y - dy)), times, data);
  for (const adjoint_method m : {adjoint_method(checkpointed{}), adjoint_method(backsolve{})}) {
    const auto opts = options<dopri5, adjoint_method>{.rtol = 1e-10, .atol = 1e-10, .adjoint = m};
    // Steps of 1e-4 (relative): LV's sharp peaks leave 1e-3 steps in t_k with 1e-6 truncation error.
    const auto r = check_gradient(lv, z0, th, {0.0, 10.0}, loss, opts, {.relative_step = 1e-4});
    require_agreement(r);
    CHECK(r.entries.size() == 4 + 2 + 2 + 10);  // θ, z0, t0, t1, t_1..t_10
    const auto g = gradient(lv, z0, th, {0.0, 10.0}, loss, opts);
    REQUIRE(g.dtimes.size() == 10);
    CHECK(g.dt1 == 0.0);  // the last observation is at t1 and L does not depend on t1 itself
    // Between jumps d/dt[λᵀf] = λᵀ∂f/∂t = 0 (autonomous), so the jumps account for dL/dt0 + dL/dt1.
    double sum = 0;
    for (double v : g.dtimes) sum += v;
    CHECK(g.dt0 == Approx(-sum).epsilon(1e-7));
    CHECK(g.stats.checkpoints >= 10);
  }
}

TEST_CASE("observations of an exponential decay equal the closed form", "[observations]") {
  constexpr auto decay = ode(-a * x);
  const double k = 0.7, z0 = 2.0;
  const std::vector<double> times{0.0, 0.5, 1.25, 3.0};
  const std::vector<double> data{1.9, 1.1, 0.6, 0.2};
  const auto loss = observations(0.5_c * (x - dx) * (x - dx), times, data);
  const auto g = gradient(decay, std::array{z0}, std::array{k}, {0.0, 4.0}, loss, tight);
  double L = 0, dk = 0, dz0 = 0;
  for (std::size_t i = 0; i < times.size(); ++i) {
    const double t = times[i], z = z0 * std::exp(-k * t), r = z - data[i];
    L += 0.5 * r * r;
    dk += r * (-t * z);
    dz0 += r * std::exp(-k * t);
    CHECK(g.dtimes[i] == Approx(r * (-k * z)).epsilon(1e-8));
  }
  CHECK(g.loss == Approx(L).epsilon(1e-9));
  CHECK(g.dtheta[0] == Approx(dk).epsilon(1e-8));
  CHECK(g.dz0[0] == Approx(dz0).epsilon(1e-8));
}

TEST_CASE("observations: a loss with parameters and no data", "[observations]") {
  // ℓ = d·x(t_k)²: ∂ℓ/∂θ enters dθ directly at each observation.
  // (Time steps of 1e-4 · span: at 1e-3 · span the fourth-order differences in t_k are off by 1e-6.)
  const auto loss = observations(d * x * x + 0.1_c * y, std::vector{2.0, 4.5, 7.0});
  require_agreement(check_gradient(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 8.0}, loss, tight,
                                   {.relative_step = 1e-4}));
}

TEST_CASE("observations: bad times and data are rejected by name", "[observations][errors]") {
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  const auto ell = 0.5_c * (x - dx) * (x - dx);
  const auto grad = [&](std::vector<double> t, std::vector<double> v) {
    return gradient(lv, z0, th, {0.0, 10.0}, observations(ell, t, v));
  };
  CHECK_THROWS_WITH(grad({1.0, 3.0, 2.0}, {1, 1, 1}), Contains("times must increase strictly") && Contains("times[2] = 2"));
  CHECK_THROWS_WITH(grad({1.0, 1.0}, {1, 1}), Contains("times must increase strictly"));
  CHECK_THROWS_WITH(grad({1.0, 11.0}, {1, 1}), Contains("times[1] = 11 is outside [t0, t1] = [0, 10]"));
  CHECK_THROWS_WITH(grad({-1.0}, {1}), Contains("outside [t0, t1]"));
  CHECK_THROWS_WITH(grad({1.0, 2.0}, {1}), Contains("(input<0> .. input<0>), so 2 times need 2 data values; got 1"));
  CHECK_THROWS_WITH(gradient(lv, z0, th, {0.0, 10.0}, observations(x * x, std::vector{1.0}, std::vector{3.0})),
                    Contains("reads no data (no input<j>), so 1 times need 0 data values; got 1"));
  CHECK_THROWS_WITH(grad({}, {}), Contains("no observation times"));
  CHECK_THROWS_WITH(grad({1.0, NAN}, {1, 1}), Contains("times[1] is not finite"));
  CHECK_THROWS_WITH(grad({1.0, 2.0}, {1, INFINITY}), Contains("observations: data[1] is not finite"));
}

TEST_CASE("observations at t0: check_gradient has no finite-difference reference for dL/dt0", "[observations]") {
  // L(t0) has a kink at an observation at t0 itself; the adjoint's dt0 is the derivative from the left,
  // consistent with dtimes (dt0 = -Σ dtimes for an autonomous f).
  const auto loss = observations(0.5_c * (x - dx) * (x - dx), std::vector{0.0, 2.0, 4.0}, std::vector{1.0, 0.5, 2.0});
  const auto r = check_gradient(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 5.0}, loss, tight,
                                {.relative_step = 1e-4});
  require_agreement(r);
  const auto g = gradient(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 5.0}, loss, tight);
  CHECK(g.dt0 == Approx(-(g.dtimes[0] + g.dtimes[1] + g.dtimes[2])).epsilon(1e-7));
}

TEST_CASE("max_steps bounds a pass across observation intervals, and says so with the user's value", "[observations][errors]") {
  std::vector<double> times;
  for (int k = 1; k <= 100; ++k) times.push_back(0.1 * k);
  const auto loss = observations(x * x, times);
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  CHECK_THROWS_WITH(gradient(lv, z0, th, {0.0, 10.0}, loss, options<rk4>{.stepper = {.dt = 0.1}, .max_steps = 60}),
                    Contains("forward pass") && Contains("after 60 in this pass, more than max_steps = 60"));
  CHECK_THROWS_WITH(gradient(lv, z0, th, {0.0, 10.0}, loss, options<>{.max_steps = 100}),
                    Contains("forward pass: exceeded max_steps = 100 (accepted 99, rejected 1 in this pass)"));
  CHECK_NOTHROW(gradient(lv, z0, th, {0.0, 10.0}, loss, options<rk4>{.stepper = {.dt = 0.1}, .max_steps = 100}));
}

TEST_CASE("a running loss that is not finite at t0 is reported as such", "[running][errors]") {
  CHECK_THROWS_WITH(gradient(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 1.0}, running_loss(log(x - 10_c)), tight),
                    Contains("forward pass: the right-hand side (f, or a running loss's integrand) is not finite at the start (component 2)"));
}

TEST_CASE("running loss: closed form for the integral of a squared decay", "[running]") {
  constexpr auto decay = ode(-a * x);
  const double k = 0.8, z0 = 1.5, T = 2.0;
  const auto g = gradient(decay, std::array{z0}, std::array{k}, {0.0, T}, running_loss(x * x), tight);
  const double e = std::exp(-2 * k * T);
  CHECK(g.loss == Approx(z0 * z0 * (1 - e) / (2 * k)).epsilon(1e-9));
  CHECK(g.dtheta[0] == Approx(z0 * z0 * (-(1 - e) / (2 * k * k) + T * e / k)).epsilon(1e-8));
  CHECK(g.dz0[0] == Approx(z0 * (1 - e) / k).epsilon(1e-8));
  CHECK(g.dt1 == Approx(z0 * z0 * e).epsilon(1e-8));
  CHECK(g.dt0 == Approx(-z0 * z0 * e).epsilon(1e-8));  // autonomous: shifting t0 shortens the span
  CHECK(g.z1[0] == Approx(z0 * std::exp(-k * T)).epsilon(1e-9));
}

TEST_CASE("running loss with parameters, time and a terminal term matches finite differences", "[running]") {
  const auto loss = running_loss((x - 1_c) * (x - 1_c) + 0.5_c * b * y * y * t) + terminal_loss(0.5_c * x * y);
  for (const adjoint_method m : {adjoint_method(checkpointed{}), adjoint_method(backsolve{})}) {
    require_agreement(check_gradient(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 5.0}, loss,
                                     options<dopri5, adjoint_method>{.rtol = 1e-10, .atol = 1e-10, .adjoint = m}));
  }
  // The terminal term may come first.
  const auto g1 = gradient(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 5.0}, loss, tight);
  const auto g2 = gradient(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 5.0},
                           terminal_loss(0.5_c * x * y) + running_loss((x - 1_c) * (x - 1_c) + 0.5_c * b * y * y * t), tight);
  CHECK(g1.loss == g2.loss);
  CHECK(g1.dtheta == g2.dtheta);
}
