// The checkpointed adjoint (z read from the dense output of re-integrated segments) against backsolve
// on a system whose backward re-integration must fail: a linear two-state system with a mode decaying
// at rate 100 over t ∈ [0, 10] (e^{100·10} overflows a double). Also: the seminorm, and the stats.
#include <catch2/catch.hpp>

#include <array>
#include <boost/numeric/odeint/stepper/runge_kutta_cash_karp54.hpp>
#include <boost/numeric/odeint/stepper/runge_kutta_fehlberg78.hpp>
#include <cmath>
#include <vector>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"

using namespace costate;
using Catch::Matchers::Contains;

namespace {
constexpr auto u = state<0>;
constexpr auto v = state<1>;
constexpr auto a = param<0>;
constexpr auto c = param<1>;
constexpr auto k = param<2>;
// u' = -a u + c v, v' = -k v: v decays at rate k and feeds u.
constexpr auto fast_slow = ode(-a * u + c * v, -k * v);
const auto loss = terminal_loss(0.5_c * u * u);

struct closed_form {
  double L, da, dc, dk, du0, dv0;
};
// u(T) = e^{-aT} u0 + c v0 (e^{-kT} - e^{-aT}) / (a - k); L = u(T)² / 2.
closed_form exact(double A, double C, double K, double u0, double v0, double T) {
  const double ea = std::exp(-A * T), ek = std::exp(-K * T), q = (ek - ea) / (A - K);
  const double uT = ea * u0 + C * v0 * q;
  const double duT_da = -T * ea * u0 + C * v0 * (T * ea / (A - K) - q / (A - K));
  const double duT_dk = C * v0 * (-T * ek / (A - K) + q / (A - K));
  return {0.5 * uT * uT, uT * duT_da, uT * v0 * q, uT * duT_dk, uT * ea, uT * C * q};
}

// Lotka–Volterra from (1, 1) with θ = (1.5, 1, 3, 1).
constexpr auto lv_x = state<0>;
constexpr auto lv_y = state<1>;
constexpr auto lv = ode(param<0> * lv_x - param<1> * lv_x * lv_y, -param<2> * lv_y + param<3> * lv_x * lv_y);
constexpr std::array lv_z0{1.0, 1.0};
constexpr std::array lv_theta{1.5, 1.0, 3.0, 1.0};
}  // namespace

TEST_CASE("a fast decaying mode: the checkpointed adjoint equals the closed form", "[checkpointed]") {
  const double A = 0.1, C = 2.0, K = 100.0, T = 10.0;
  const std::array z0{1.0, 3.0};
  const std::array th{A, C, K};
  const auto e = exact(A, C, K, z0[0], z0[1], T);
  // In memory (the forward pass's dense output) and re-integrated from checkpoints (dense_memory = 0).
  for (const adjoint_method m : {adjoint_method(checkpointed{}), adjoint_method(checkpointed{4}), adjoint_method{.dense_memory = 0},
                                 adjoint_method{.segments = 4, .dense_memory = 0}}) {
    const auto g = gradient(fast_slow, z0, th, {0.0, T}, loss, options<dopri5, adjoint_method>{.rtol = 1e-10, .atol = 1e-10, .adjoint = m});
    CHECK(g.loss == Approx(e.L).epsilon(1e-8));
    CHECK(g.dtheta[0] == Approx(e.da).epsilon(1e-6));
    CHECK(g.dtheta[1] == Approx(e.dc).epsilon(1e-6));
    CHECK(g.dtheta[2] == Approx(e.dk).epsilon(1e-6));
    CHECK(g.dz0[0] == Approx(e.du0).epsilon(1e-6));
    CHECK(g.dz0[1] == Approx(e.dv0).epsilon(1e-6));
    if (m.dense_memory == 0) {
      CHECK(g.stats.backsolve_drift < 1.0);  // the re-integrated segments retrace the forward pass
      CHECK(g.stats.recompute.steps == g.stats.forward.steps);
      CHECK(g.stats.max_segment_steps > 0);
      CHECK(g.stats.in_memory_steps == 0);
    } else {
      CHECK(g.stats.recompute.steps == 0);
      CHECK(g.stats.in_memory_steps == g.stats.forward.steps);
    }
  }
}

TEST_CASE("a fast decaying mode: backsolve's backward z blows up, and those intervals are done by interpolation", "[checkpointed]") {
  const std::array z0{1.0, 3.0};
  const std::array th{0.1, 2.0, 100.0};
  // Over [0, 10] the backward z grows like e^{100 t} and overflows: every interval falls back, and the
  // gradient is the closed form's, as with the checkpointed adjoint.
  for (const double T : {10.0, 0.1}) {
    const auto g = gradient(fast_slow, z0, th, {0.0, T}, loss, options<dopri5, backsolve>{.rtol = 1e-10, .atol = 1e-10});
    const auto e = exact(th[0], th[1], th[2], z0[0], z0[1], T);
    INFO("T = " << T << ": fallbacks " << g.stats.backsolve_fallbacks << ", drift " << g.stats.backsolve_drift);
    if (T == 10.0) CHECK(g.stats.backsolve_fallbacks > 0);  // over [0, 0.1] the growth e^10 is tolerable
    CHECK(g.stats.backsolve_drift <= backsolve{}.max_drift);
    CHECK(g.dtheta[0] == Approx(e.da).epsilon(1e-6));
    CHECK(g.dtheta[1] == Approx(e.dc).epsilon(1e-6));
    CHECK(g.dtheta[2] == Approx(e.dk).epsilon(1e-6).margin(1e-12));
    CHECK(g.dz0[0] == Approx(e.du0).epsilon(1e-6));
    CHECK(g.dz0[1] == Approx(e.dv0).epsilon(1e-6).margin(1e-12));
  }
  // With no tolerance for drift, every interval is interpolated: the checkpointed adjoint's numbers.
  backsolve strict;
  strict.max_drift = 0.0;
  const auto g = gradient(fast_slow, z0, th, {0.0, 0.1}, loss, options<dopri5, backsolve>{.rtol = 1e-10, .atol = 1e-10, .adjoint = strict});
  CHECK(g.stats.backsolve_fallbacks == g.stats.checkpoints);
  CHECK(g.stats.backsolve_drift == 0.0);
  CHECK_THROWS_WITH(gradient(fast_slow, z0, th, {0.0, 0.1}, loss, options<dopri5, adjoint_method>{.adjoint = adjoint_method{.interpolate = false, .max_drift = -1}}),
                    Contains("max_drift"));
}

// Backsolve never returns a gradient computed along another trajectory. Each of these returned a
// wrong gradient without a word once (the backward z stayed within 1e6 tolerance units at t0, the old
// guard, while λ went wrong); the references are checkpointed gradients at tolerances 1e-12.
TEST_CASE("backsolve's gradients agree with the checkpointed adjoint's where the backward z drifts", "[checkpointed]") {
  const auto compare = [](auto sys, auto z0, auto th, time_span span, auto loss, double tol) {
    const auto ref = gradient(sys, z0, th, span, loss, options<>{.rtol = 1e-12, .atol = 1e-12});
    const auto g = gradient(sys, z0, th, span, loss, options<dopri5, backsolve>{});
    INFO("fallbacks " << g.stats.backsolve_fallbacks << " of " << g.stats.checkpoints << ", drift " << g.stats.backsolve_drift);
    for (std::size_t i = 0; i < th.size(); ++i) CHECK(std::abs(g.dtheta[i] - ref.dtheta[i]) <= tol);
    for (std::size_t i = 0; i < z0.size(); ++i) CHECK(std::abs(g.dz0[i] - ref.dz0[i]) <= tol);
    CHECK(g.stats.backsolve_drift <= backsolve{}.max_drift);
    return g;
  };
  constexpr auto x = state<0>;
  constexpr auto y = state<1>;
  constexpr auto z = state<2>;
  // ∂f/∂x = -3 cos(a + x⁻³) x⁻⁴ - 1/2 changes sign with tiny changes of x: λ explodes (to 1e141) on
  // a backward z that is off by 1e-3.
  const auto g = compare(ode(sin(a + pow(u, -3_c)) - 0.5_c * u), std::array{-0.235}, std::array{0.1}, {0.0, 0.36},
                         terminal_loss(0.5_c * u * u), 1e-7);
  CHECK(g.stats.backsolve_fallbacks > 0);
  CHECK(g.dtheta[0] == Approx(-2.4639e-4).epsilon(1e-4));
  // Lorenz contracts volume at rate 13.7; a decay at rate 10.
  compare(ode(a * (y - x), x * (c - z) - y, x * y - k * z), std::array{1.0, 1.0, 1.0}, std::array{10.0, 28.0, 8.0 / 3.0},
          {0.0, 1.0}, terminal_loss(x + 0.5_c * y * y + 0.1_c * z), 1e-5);
  compare(ode(-a * u), std::array{1.0}, std::array{10.0}, {0.0, 1.0}, terminal_loss(u), 1e-8);
}

TEST_CASE("the seminorm takes fewer adjoint steps for the same gradient", "[checkpointed]") {
  // A neural ODE: 82 parameters whose gradient integrals g_θ would otherwise shorten the steps.
  constexpr auto zv = state_vector<2>;
  constexpr auto net = params(matrix<16, 2>, vector<16>, matrix<2, 16>, vector<2>);
  constexpr auto mlp = ode(net.get<2>() * tanh(net.get<0>() * zv + net.get<1>()) + net.get<3>());
  std::array<double, 82> th{};
  for (std::size_t i = 0; i < th.size(); ++i) th[i] = 0.5 * std::sin(1.7 * double(i) + 0.3);  // fixed, O(0.5)
  const std::array z0{1.0, -0.5};
  const auto l = terminal_loss(0.5_c * dot(zv, zv));
  const auto full = gradient(mlp, z0, th, {0.0, 5.0}, l, options<>{.rtol = 1e-8, .atol = 1e-8});
  const auto semi = gradient(mlp, z0, th, {0.0, 5.0}, l, options<>{.rtol = 1e-8, .atol = 1e-8, .seminorm = true});
  const auto ref = gradient(mlp, z0, th, {0.0, 5.0}, l, options<>{.rtol = 1e-12, .atol = 1e-12});
  double scale = 0, err_full = 0, err_semi = 0;
  for (std::size_t i = 0; i < th.size(); ++i) {
    scale = std::max(scale, std::abs(ref.dtheta[i]));
    err_full = std::max(err_full, std::abs(full.dtheta[i] - ref.dtheta[i]));
    err_semi = std::max(err_semi, std::abs(semi.dtheta[i] - ref.dtheta[i]));
  }
  INFO("backward steps: full norm " << full.stats.backward.steps << ", seminorm " << semi.stats.backward.steps
                                     << "; max error / scale: full " << err_full / scale << ", seminorm " << err_semi / scale);
  CHECK(semi.stats.backward.steps < 0.8 * double(full.stats.backward.steps));
  CHECK(err_semi < 1e-6 * scale);
  CHECK(full.stats.forward.steps == semi.stats.forward.steps);
}

TEST_CASE("stats count steps, evaluations and checkpoints of every pass", "[checkpointed]") {
  const std::array z0{1.0, 3.0};
  const std::array th{0.1, 2.0, 100.0};
  const auto g = gradient(fast_slow, z0, th, {0.0, 1.0}, loss, options<dopri5, adjoint_method>{.adjoint = adjoint_method{.steps_per_checkpoint = 10, .dense_memory = 0}});
  CHECK(g.stats.forward.steps > 20);
  CHECK(g.stats.checkpoints == (g.stats.forward.steps + 9) / 10);
  CHECK(g.stats.max_segment_steps == 10);
  CHECK(g.stats.forward.rhs_evals >= 6 * g.stats.forward.steps);
  CHECK(g.stats.backward.steps > 0);
  CHECK(g.stats.backward.jacobian_evals == 0);
  const auto eq = gradient(fast_slow, z0, th, {0.0, 1.0}, loss, options<>{.adjoint = checkpointed{3}});
  CHECK(eq.stats.checkpoints == 3);
}

TEST_CASE("automatic checkpoints thin out to stay within max_checkpoints", "[checkpointed]") {
  const std::array z0{1.0, 3.0};
  const std::array th{0.1, 2.0, 100.0};
  const auto every = options<>{.rtol = 1e-10, .atol = 1e-10,
                               .adjoint = checkpointed{.steps_per_checkpoint = 1, .max_checkpoints = 8, .dense_memory = 0}};
  const auto g = gradient(fast_slow, z0, th, {0.0, 2.0}, loss, every);
  INFO("forward steps " << g.stats.forward.steps << ", checkpoints " << g.stats.checkpoints << ", longest segment "
                        << g.stats.max_segment_steps);
  CHECK(g.stats.forward.steps > 200);
  CHECK(g.stats.checkpoints <= 9);
  CHECK(g.stats.max_segment_steps <= 2 * g.stats.forward.steps / 8 + 1);
  CHECK(g.stats.recompute.steps == g.stats.forward.steps);  // segments retrace the forward steps
  const auto e = exact(0.1, 2.0, 100.0, z0[0], z0[1], 2.0);
  CHECK(g.dtheta[2] == Approx(e.dk).epsilon(1e-6));
  CHECK(g.dz0[1] == Approx(e.dv0).epsilon(1e-6));
}

TEST_CASE("one-step segments of steppers without dense output borrow a node from the next checkpoint", "[checkpointed]") {
  // cash_karp54 has no continuous extension; with a checkpoint after every step each segment holds one
  // step, and the cubic interpolant alone lost two orders of accuracy (9.4e-6 instead of 4.6e-8).
  constexpr auto x = state<0>;
  constexpr auto y = state<1>;
  constexpr auto forced = ode(param<0> * x - param<1> * x * y, -param<2> * y + param<3> * x * y + 0.5_c * sin(t));
  const std::array z0{1.0, 1.0};
  const std::array th{1.5, 1.0, 3.0, 1.0};
  const auto l = terminal_loss(0.5_c * (x * x + y * y));
  const auto ref = gradient(forced, z0, th, {0.0, 5.0}, l, options<>{.rtol = 1e-12, .atol = 1e-12});
  const auto g = gradient(forced, z0, th, {0.0, 5.0}, l,
                          options<odeint_stepper<boost::numeric::odeint::runge_kutta_cash_karp54>>{
                              .rtol = 1e-10, .atol = 1e-10,
                                  .adjoint = checkpointed{.steps_per_checkpoint = 1, .max_checkpoints = 1'000'000, .dense_memory = 0}});
  REQUIRE(g.stats.max_segment_steps == 1);
  for (std::size_t i = 0; i < 2; ++i) CHECK(g.dz0[i] == Approx(ref.dz0[i]).epsilon(3e-7));
  for (std::size_t i = 0; i < 4; ++i) CHECK(g.dtheta[i] == Approx(ref.dtheta[i]).epsilon(3e-7));
}

TEST_CASE("the checkpointed adjoint is as accurate as backsolve with a high-order stepper", "[checkpointed]") {
  // runge_kutta_fehlberg78 has no continuous extension and takes long steps: interpolating z through
  // the ends of three steps limited the gradient to 4.9e-6 at tolerances 1e-10 (backsolve: 2.7e-9).
  // Dense output now adds two nodes inside each of its steps.
  const auto l = terminal_loss(0.5_c * (lv_x * lv_x + lv_y * lv_y));
  const auto ref = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, options<>{.rtol = 1e-13, .atol = 1e-13});
  for (const std::size_t memory : {std::size_t{0}, std::size_t{1} << 20}) {  // re-integrated, in memory
    auto o = options<odeint_stepper<boost::numeric::odeint::runge_kutta_fehlberg78>>{.rtol = 1e-10, .atol = 1e-10};
    o.adjoint.dense_memory = memory;
    const auto g = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, o);
    double err = 0, scale = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      err = std::max(err, std::abs(g.dtheta[i] - ref.dtheta[i]));
      scale = std::max(scale, std::abs(ref.dtheta[i]));
    }
    INFO("dense_memory " << memory << ": relative error " << err / scale << ", forward steps " << g.stats.forward.steps);
    CHECK(err / scale < 2e-8);
    if (memory == 0) CHECK(g.stats.recompute.steps == g.stats.forward.steps);  // the recompute pass retraces the steps
    else CHECK(g.stats.in_memory_steps == 3 * g.stats.forward.steps);          // three pieces per step
  }
}

TEST_CASE("in memory while it fits: the forward pass's dense output instead of re-integrated segments", "[checkpointed]") {
  const auto l = terminal_loss(lv_x * lv_y);
  const auto ref = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, options<>{.rtol = 1e-13, .atol = 1e-13});
  // LV at 1e-8 takes ~200 dopri5 steps of 14 doubles: 1 MiB holds them, 8 KiB does not, 0 never tries.
  for (const std::size_t memory : {std::size_t{1} << 20, std::size_t{8192}, std::size_t{0}}) {
    auto o = options<>{.rtol = 1e-8, .atol = 1e-8};
    o.adjoint.dense_memory = memory;
    const auto g = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, o);
    INFO("dense_memory " << memory << ", forward steps " << g.stats.forward.steps);
    REQUIRE(g.stats.forward.steps > 8192 / (14 * 8));
    if (memory == std::size_t{1} << 20) {
      CHECK(g.stats.in_memory_steps == g.stats.forward.steps);
      CHECK(g.stats.recompute.steps == 0);
      CHECK(g.stats.recompute.rhs_evals == 0);
    } else {
      CHECK(g.stats.in_memory_steps == 0);
      CHECK(g.stats.recompute.steps == g.stats.forward.steps);
    }
    for (std::size_t i = 0; i < 4; ++i) CHECK(g.dtheta[i] == Approx(ref.dtheta[i]).epsilon(1e-6));
    for (std::size_t i = 0; i < 2; ++i) CHECK(g.dz0[i] == Approx(ref.dz0[i]).epsilon(1e-6));
    CHECK(g.dt1 == Approx(ref.dt1).epsilon(1e-6));
  }
  // With observations the adjoint stops at each (λ jumps there), reading z from memory between them.
  const std::vector<double> times{2.0, 5.0, 7.5, 10.0};
  const std::vector<double> data{1.0, 2.0, 0.5, 1.5};
  constexpr auto d = input<0>;
  auto mem = options<>{.rtol = 1e-10, .atol = 1e-10};
  auto re = mem;
  re.adjoint.dense_memory = 0;
  const auto a = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, observations(0.5_c * (lv_x - d) * (lv_x - d), times, data), mem);
  const auto b = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, observations(0.5_c * (lv_x - d) * (lv_x - d), times, data), re);
  CHECK(a.stats.in_memory_steps == a.stats.forward.steps);
  CHECK(b.stats.in_memory_steps == 0);
  CHECK(a.loss == b.loss);
  for (std::size_t i = 0; i < 4; ++i) CHECK(a.dtheta[i] == Approx(b.dtheta[i]).epsilon(1e-7));
  for (std::size_t k = 0; k < times.size(); ++k) CHECK(a.dtimes[k] == Approx(b.dtimes[k]).epsilon(1e-7));
}

TEST_CASE("the default in-memory budget grows with the state: 2048 states, at least 1 MiB", "[checkpointed]") {
  CHECK(detail::dense_memory_bytes(adjoint_method{}, 2) == std::size_t{1} << 20);
  CHECK(detail::dense_memory_bytes(adjoint_method{}, 1000) == 2048 * 8 * 1000);
  CHECK(detail::dense_memory_bytes(adjoint_method{.dense_memory = 8192}, 1000) == 8192);  // as given
  CHECK(detail::dense_memory_bytes(adjoint_method{.dense_memory = 0}, 1000) == 0);
  // 150 oscillators x'' = -k x (n = 300 states): at 1e-8 their dense output outgrows 1 MiB (2 + 6n
  // doubles a step), but not the automatic budget (4.7 MiB), which keeps every step in memory.
  constexpr std::size_t m = 150;
  constexpr auto x = state_vector<m>;
  constexpr auto w = state_vector<m, m>;
  constexpr auto stiffness = params(vector<m>).get<0>();
  constexpr auto springs = ode(w, -stiffness * x);
  std::array<double, 2 * m> z0{};
  std::array<double, m> th{};
  for (std::size_t i = 0; i < m; ++i) {
    z0[i] = 1.0 + 0.01 * static_cast<double>(i);
    th[i] = 1.0 + 3.0 * static_cast<double>(i) / m;
  }
  const auto l = terminal_loss(0.5_c * dot(x, x));
  const auto automatic = gradient(springs, z0, th, {0.0, 10.0}, l);
  auto o = options<>{};
  o.adjoint.dense_memory = std::size_t{1} << 20;  // the former default
  const auto mib = gradient(springs, z0, th, {0.0, 10.0}, l, o);
  const std::size_t bytes_per_step = (2 + 6 * 2 * m) * sizeof(double);
  INFO("forward steps " << automatic.stats.forward.steps);
  REQUIRE(automatic.stats.forward.steps * bytes_per_step > std::size_t{1} << 20);
  CHECK(automatic.stats.in_memory_steps == automatic.stats.forward.steps);
  CHECK(automatic.stats.recompute.steps == 0);
  CHECK(mib.stats.in_memory_steps == 0);
  CHECK(mib.stats.recompute.steps == mib.stats.forward.steps);
  for (std::size_t i = 0; i < m; ++i) {
    CHECK(automatic.dtheta[i] == Approx(mib.dtheta[i]).epsilon(1e-6).margin(1e-10));
    CHECK(automatic.dz0[i] == Approx(mib.dz0[i]).epsilon(1e-6).margin(1e-10));
  }
}

TEST_CASE("the backward strategies: which options compile each, which adjoint method runs it", "[checkpointed]") {
  using detail::backsolve_backward;
  using detail::interpolated_backward;
  // The interpolated pass is every adjoint's (backsolve falls back to it); backsolve only where
  // options can ask for it, and never with a stiff stepper.
  STATIC_REQUIRE(interpolated_backward::compiled<checkpointed, dopri5>);
  STATIC_REQUIRE(interpolated_backward::compiled<backsolve, rk4>);
  STATIC_REQUIRE(!backsolve_backward::compiled<checkpointed, dopri5>);
  STATIC_REQUIRE(backsolve_backward::compiled<backsolve, dopri5>);
  STATIC_REQUIRE(backsolve_backward::compiled<adjoint_method, rk4>);
  STATIC_REQUIRE(!backsolve_backward::compiled<adjoint_method, rosenbrock4>);
  STATIC_REQUIRE(!backsolve_backward::compiled<adjoint_method, rodas5p>);
  // Exactly one strategy runs for either run-time choice.
  for (const adjoint_method m : {adjoint_method{}, adjoint_method(backsolve{}), adjoint_method(checkpointed{})}) {
    CHECK(interpolated_backward::chosen(m) == m.interpolate);
    CHECK(backsolve_backward::chosen(m) == !m.interpolate);
  }
}

TEST_CASE("the adjoint method as options' template argument runs what the run-time choice runs", "[checkpointed]") {
  static_assert(std::is_same_v<decltype(options<>{}.adjoint), checkpointed>, "options<> default to the checkpointed adjoint");
  const adjoint_method c = checkpointed{.count = 3, .steps_per_checkpoint = 5, .max_checkpoints = 7, .dense_memory = 9};
  CHECK(c.interpolate);
  CHECK(c.segments == 3);
  CHECK(c.steps_per_checkpoint == 5);
  CHECK(c.max_checkpoints == 7);
  CHECK(c.dense_memory == 9);
  const adjoint_method b = backsolve{.segments = 2, .steps_per_checkpoint = 11, .max_checkpoints = 13, .max_drift = 3.0};
  CHECK(!b.interpolate);
  CHECK(b.segments == 2);
  CHECK(b.steps_per_checkpoint == 11);
  CHECK(b.max_checkpoints == 13);
  CHECK(b.max_drift == 3.0);

  const auto l = terminal_loss(lv_x * lv_y);
  const auto same = [](const auto& g, const auto& h) {
    CHECK(g.loss == h.loss);
    for (std::size_t i = 0; i < 4; ++i) CHECK(g.dtheta[i] == h.dtheta[i]);
    for (std::size_t i = 0; i < 2; ++i) CHECK(g.dz0[i] == h.dz0[i]);
    CHECK(g.stats.backward.steps == h.stats.backward.steps);
    CHECK(g.stats.in_memory_steps == h.stats.in_memory_steps);
  };
  const auto chk = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, options<>{});
  const auto chk_rt = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, options<dopri5, adjoint_method>{.adjoint = checkpointed{}});
  same(chk, chk_rt);
  CHECK(chk.stats.in_memory_steps > 0);  // the checkpointed adjoint read z(t) from the forward pass's dense output
  const auto bs = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, options<dopri5, backsolve>{});
  const auto bs_rt = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, options<dopri5, adjoint_method>{.adjoint = backsolve{}});
  same(bs, bs_rt);
  CHECK(bs.stats.in_memory_steps == 0);  // z re-integrated backward: nothing read from a recording
  CHECK(bs.stats.backsolve_drift > 0.0);
  for (std::size_t i = 0; i < 4; ++i) CHECK(bs.dtheta[i] == Approx(chk.dtheta[i]).epsilon(1e-5));
}

TEST_CASE("backsolve at equal segments records nothing forward, and computes what the recording pass computes", "[checkpointed]") {
  const auto l = terminal_loss(lv_x * lv_y);
  // Equal segments: the plain step loop forward. Automatic checkpoints spaced beyond the pass: the
  // recording loop, which adds no checkpoint, so both take the same steps on the same intervals.
  const auto run = [&](auto stepper, std::size_t segments) {
    using St = decltype(stepper);
    return gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l,
                    options<St, backsolve>{.stepper = stepper, .rtol = 1e-8, .atol = 1e-8,
                                           .adjoint = backsolve{.segments = segments, .steps_per_checkpoint = 1u << 30}});
  };
  const auto check_same = [](const auto& plain, const auto& recorded) {
    CHECK(plain.stats.checkpoints == 1);
    CHECK(recorded.stats.checkpoints == 1);
    CHECK(plain.loss == recorded.loss);
    for (std::size_t i = 0; i < 4; ++i) CHECK(plain.dtheta[i] == recorded.dtheta[i]);
    for (std::size_t i = 0; i < 2; ++i) CHECK(plain.dz0[i] == recorded.dz0[i]);
    CHECK(plain.dt0 == recorded.dt0);
    CHECK(plain.dt1 == recorded.dt1);
    CHECK(plain.stats.forward.steps == recorded.stats.forward.steps);
    CHECK(plain.stats.backward.steps == recorded.stats.backward.steps);
  };
  const auto rk_plain = run(rk4{.dt = 0.01}, 1), rk_recorded = run(rk4{.dt = 0.01}, 0);
  check_same(rk_plain, rk_recorded);
  // rk4 evaluates f four times a step; the recording loop also evaluates f(z0) once before the first
  // step, to hand the recorder both ends of every step.
  CHECK(rk_plain.stats.forward.steps == 1000);
  CHECK(rk_plain.stats.forward.rhs_evals == 4 * 1000);
  CHECK(rk_recorded.stats.forward.rhs_evals == 4 * 1000 + 1);
  check_same(run(dopri5{}, 1), run(dopri5{}, 0));

  // The checkpointed adjoint chosen at run time, at equal segments and without the in-memory mode,
  // also records nothing forward (options<St, adjoint_method> compile the plain loop): the same
  // gradient as options<St>, whose forward pass always goes through the recorder.
  const auto tol = [](auto o) {
    o.rtol = 1e-8;
    o.atol = 1e-8;
    return o;
  };
  const auto runtime = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l,
                                tol(options<dopri5, adjoint_method>{.adjoint = checkpointed{.count = 4, .dense_memory = 0}}));
  const auto compiled = gradient(lv, lv_z0, lv_theta, {0.0, 10.0}, l, tol(options<>{.adjoint = checkpointed{.count = 4, .dense_memory = 0}}));
  CHECK(runtime.stats.checkpoints == 4);
  CHECK(runtime.stats.in_memory_steps == 0);
  CHECK(runtime.stats.recompute.steps == runtime.stats.forward.steps);
  CHECK(runtime.loss == compiled.loss);
  for (std::size_t i = 0; i < 4; ++i) CHECK(runtime.dtheta[i] == compiled.dtheta[i]);
  for (std::size_t i = 0; i < 2; ++i) CHECK(runtime.dz0[i] == compiled.dz0[i]);
  CHECK(runtime.stats.forward.steps == compiled.stats.forward.steps);
  CHECK(runtime.stats.backward.steps == compiled.stats.backward.steps);
}
