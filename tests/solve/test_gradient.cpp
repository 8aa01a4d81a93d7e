// Adjoint gradients against central finite differences of the forward solve (≤ 1e-6 relative at
// tolerances 1e-10), against the complex step, and against closed forms.
#include <catch2/catch.hpp>

#include <array>
#include <boost/numeric/odeint/stepper/runge_kutta_cash_karp54.hpp>
#include <cmath>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto z = state<2>;
constexpr auto p0 = param<0>;
constexpr auto p1 = param<1>;
constexpr auto p2 = param<2>;
constexpr auto p3 = param<3>;
const auto tight = options<>{.rtol = 1e-10, .atol = 1e-10};

template <class Report>
void require_agreement(const Report& r) {
  INFO(r);
  CHECK(r.entries.size() > 0);
  CHECK(r.max_error_fd <= 1e-6);
  CHECK(r.max_error_cs <= 1e-6);
}
}  // namespace

TEST_CASE("Lotka-Volterra: dθ, dz0, dt0, dt1 match finite differences", "[gradient]") {
  constexpr auto lv = ode(p0 * x - p1 * x * y, -p2 * y + p3 * x * y);
  const auto loss = terminal_loss(0.5_c * (x * x + y * y));
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  require_agreement(check_gradient(lv, z0, th, {0.0, 10.0}, loss, tight));
  const auto g = gradient(lv, z0, th, {0.0, 10.0}, loss, tight);
  CHECK(g.g_t == 0.0);  // autonomous: λᵀ∂f/∂t = 0
  CHECK(g.dt0 == Approx(-g.dt1).epsilon(1e-8));
}

TEST_CASE("Lorenz on t in [0, 1]: gradients match finite differences with checkpoints", "[gradient]") {
  constexpr auto lorenz = ode(p0 * (y - x), x * (p1 - z) - y, x * y - p2 * z);
  const auto loss = terminal_loss(x + 0.5_c * y * y + 0.1_c * z);
  const std::array z0{1.0, 1.0, 1.0};
  const std::array th{10.0, 28.0, 8.0 / 3.0};
  // Lorenz contracts volume at rate σ + 1 + β ≈ 13.7: re-integrated backward over [0, 1], z's errors
  // grow ~e^13.7. Backsolve over one segment sees its z leave the forward trajectory and does the
  // segment again with z interpolated.
  const auto plain_opts = options<dopri5, backsolve>{.rtol = 1e-10, .atol = 1e-10, .adjoint = {.segments = 1}};
  CHECK(gradient(lorenz, z0, th, {0.0, 1.0}, loss, plain_opts).stats.backsolve_fallbacks == 1);
  require_agreement(check_gradient(lorenz, z0, th, {0.0, 1.0}, loss, plain_opts));
  // Backsolve restarting z from 8 stored forward values (or automatic checkpoints) is accurate again,
  // and so are the checkpointed adjoints, which never integrate z backward (8 equal segments, or automatic).
  for (const adjoint_method m : {adjoint_method{.segments = 8, .interpolate = false}, adjoint_method(backsolve{}), adjoint_method(checkpointed{8}),
                                 adjoint_method(checkpointed{})}) {
    const auto opts = options<dopri5, adjoint_method>{.rtol = 1e-10, .atol = 1e-10, .adjoint = m};
    require_agreement(check_gradient(lorenz, z0, th, {0.0, 1.0}, loss, opts));
    CHECK(gradient(lorenz, z0, th, {0.0, 1.0}, loss, opts).stats.backsolve_drift < 100);
  }
}

TEST_CASE("Van der Pol: gradients match finite differences", "[gradient]") {
  constexpr auto vdp = ode(y, p0 * (1_c - x * x) * y - x);
  const auto loss = terminal_loss(x * x + 3_c * y);
  require_agreement(check_gradient(vdp, std::array{2.0, 0.0}, std::array{1.0}, {0.0, 5.0}, loss, tight));
}

TEST_CASE("forced damped pendulum: gradients match and dL/dt0 = -dL/dt1 + g_t(t0)", "[gradient]") {
  constexpr auto pendulum = ode(y, -p0 * y - p1 * sin(x) + p2 * cos(p3 * t));
  const auto loss = terminal_loss(0.5_c * x * x + 0.25_c * y * y);
  const std::array z0{0.5, 0.0};
  const std::array th{0.3, 9.81, 1.2, 2.0};
  require_agreement(check_gradient(pendulum, z0, th, {0.0, 5.0}, loss, tight));
  const auto g = gradient(pendulum, z0, th, {0.0, 5.0}, loss, tight);
  CHECK(std::abs(g.g_t) > 1e-3);  // non-trivial
  CHECK(g.dt0 == Approx(-g.dt1 + g.g_t).epsilon(1e-8));
}

TEST_CASE("exponential decay: the gradient equals the closed form", "[gradient]") {
  // z' = -a z, L = z(T)²/2 = z0² e^{-2aT}/2
  constexpr auto decay = ode(-p0 * x);
  const double a = 0.7, z0 = 1.3, T = 2.0, e = std::exp(-2 * a * T);
  const auto g = gradient(decay, std::array{z0}, std::array{a}, {0.0, T}, terminal_loss(0.5_c * x * x), tight);
  CHECK(g.loss == Approx(0.5 * z0 * z0 * e).epsilon(1e-9));
  CHECK(g.dtheta[0] == Approx(-T * z0 * z0 * e).epsilon(1e-8));
  CHECK(g.dz0[0] == Approx(z0 * e).epsilon(1e-8));
  CHECK(g.dt1 == Approx(-a * z0 * z0 * e).epsilon(1e-8));
  CHECK(g.dt0 == Approx(a * z0 * z0 * e).epsilon(1e-8));
}

TEST_CASE("time-dependent f: gradients including dt0 and g_t equal the closed form", "[gradient]") {
  // z' = a t z: z(T) = z0 exp(a (T² - t0²)/2), L = z(T)
  constexpr auto growth = ode(p0 * t * x);
  const double a = 0.4, z0 = 0.8, t0 = 0.5, T = 1.5;
  const double zT = z0 * std::exp(a * (T * T - t0 * t0) / 2);
  const auto g = gradient(growth, std::array{z0}, std::array{a}, {t0, T}, terminal_loss(x), tight);
  CHECK(g.loss == Approx(zT).epsilon(1e-9));
  CHECK(g.dtheta[0] == Approx(zT * (T * T - t0 * t0) / 2).epsilon(1e-8));
  CHECK(g.dz0[0] == Approx(zT / z0).epsilon(1e-8));
  CHECK(g.dt1 == Approx(a * T * zT).epsilon(1e-8));
  CHECK(g.dt0 == Approx(-a * t0 * zT).epsilon(1e-8));
  CHECK(g.g_t == Approx(g.dt0 + g.dt1).epsilon(1e-8));
}

TEST_CASE("loss with parameters and inputs, system with inputs", "[gradient]") {
  // z' = u0 - a z; L = (z(T) - u1)² + b z(T): dL/db is the direct term only.
  constexpr auto sys = ode(input<0> - p0 * x);
  const auto bound = sys.with_inputs(std::array{2.0});
  const auto loss = terminal_loss(square(x - input<0>) + p1 * x);
  const double a = 0.5, b = 0.3, z0 = 0.1, T = 1.0, u = 2.0;
  const auto g = gradient(bound, std::array{z0}, std::array{a, b}, {0.0, T}, loss, tight);
  const double zT = u / a + (z0 - u / a) * std::exp(-a * T);
  CHECK(g.loss == Approx((zT - u) * (zT - u) + b * zT).epsilon(1e-9));
  CHECK(g.dtheta[1] == Approx(zT).epsilon(1e-9));
  const double dzT_da = -u / (a * a) + (u / (a * a)) * std::exp(-a * T) - (z0 - u / a) * T * std::exp(-a * T);
  CHECK(g.dtheta[0] == Approx((2 * (zT - u) + b) * dzT_da).epsilon(1e-8));
  require_agreement(check_gradient(bound, std::array{z0}, std::array{a, b}, {0.0, T}, loss, tight));
}

TEST_CASE("non-FSAL error steppers and checkpoints on a time-dependent f", "[gradient]") {
  constexpr auto growth = ode(p0 * t * x);
  const double a = 0.4, z0 = 0.8, t0 = 0.5, T = 1.5;
  const double zT = z0 * std::exp(a * (T * T - t0 * t0) / 2);
  for (const auto& g :
       {gradient(growth, std::array{z0}, std::array{a}, {t0, T}, terminal_loss(x),
                 options<odeint_stepper<boost::numeric::odeint::runge_kutta_cash_karp54>>{.rtol = 1e-10, .atol = 1e-10}),
        gradient(growth, std::array{z0}, std::array{a}, {t0, T}, terminal_loss(x),
                 options<>{.rtol = 1e-10, .atol = 1e-10, .adjoint = checkpointed{5}})}) {
    CHECK(g.dtheta[0] == Approx(zT * (T * T - t0 * t0) / 2).epsilon(1e-8));
    CHECK(g.dt0 == Approx(-a * t0 * zT).epsilon(1e-8));
    CHECK(g.g_t == Approx(g.dt0 + g.dt1).epsilon(1e-8));
  }
}

TEST_CASE("rk4 with a fixed step gives the adaptive gradient", "[gradient]") {
  constexpr auto lv = ode(p0 * x - p1 * x * y, -p2 * y + p3 * x * y);
  const auto loss = terminal_loss(0.5_c * (x * x + y * y));
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  const auto ref = gradient(lv, z0, th, {0.0, 10.0}, loss, tight);
  const auto fixed = gradient(lv, z0, th, {0.0, 10.0}, loss, options<rk4>{.stepper = {.dt = 1e-3}});
  CHECK(fixed.stats.forward.steps == 10000);
  CHECK(fixed.stats.backward.steps == 10000);
  for (std::size_t k = 0; k < 4; ++k) CHECK(fixed.dtheta[k] == Approx(ref.dtheta[k]).epsilon(1e-7));
  CHECK(fixed.dt0 == Approx(ref.dt0).epsilon(1e-7));
}

TEST_CASE("adjoint tolerances are separate from the forward ones", "[gradient]") {
  constexpr auto lv = ode(p0 * x - p1 * x * y, -p2 * y + p3 * x * y);
  const auto loss = terminal_loss(x);
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  const auto same = gradient(lv, z0, th, {0.0, 5.0}, loss, options<>{.rtol = 1e-10, .atol = 1e-10});
  const auto loose = gradient(lv, z0, th, {0.0, 5.0}, loss, options<>{.rtol = 1e-10, .atol = 1e-10, .adjoint_rtol = 1e-5, .adjoint_atol = 1e-5});
  CHECK(loose.stats.forward.steps == same.stats.forward.steps);
  CHECK(loose.stats.backward.steps < same.stats.backward.steps / 3);
  CHECK(same.stats.backsolve_drift < 100);
}
