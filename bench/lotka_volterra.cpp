// Lotka–Volterra: costate against hand-written C++.
//
//   BM_vjp_*       one evaluation of the augmented adjoint right-hand side on the 9-state
//                  [z(2), λ(2), g_θ(4), g_t(1)]: f, -λᵀ∂f/∂z, -λᵀ∂f/∂θ, -λᵀ∂f/∂t.
//   BM_gradient_*  one full gradient (forward pass, loss gradient, backward pass, dt0/dt1) with
//                  dopri5 at rtol = atol = 1e-8, with rk4 at dt = 1e-3, and (…_rk4_steps/N) with rk4
//                  at N = 1e2 … 1e5 steps; each reports rel_err, its dθ's error against a 1e-13
//                  reference.
//
// The hand-written side runs the very same algorithm: the same step loop (costate::detail::integrate)
// with the same stepper tag and tolerances; only the right-hand sides and the loss gradient are
// written by hand. Both right-hand sides carry the same [[gnu::always_inline]] attribute, so that
// inlining decisions do not differ between the two. main() checks once that both sides agree before
// any timing: the RHS to 1e-15 relative on 1000 random states (relative to max(|output|, Σ|terms|):
// see check_vjp), dθ to 1e-12 relative with the same numbers of RHS evaluations.
//
// BM_gradient_odeint is the same gradient as a user without costate writes it: Boost.Odeint's own
// integrate_adaptive with make_controlled(dopri5) forward, then the 8-state [z, λ, g_θ] backward
// (bench/odeint_adjoint.hpp), with the hand-written right-hand sides. Its steps are odeint's, so the
// step counts (steps_fwd, steps_bwd) and the accuracy differ from costate's.
//
// Run: bash bench/run_benchmarks.sh (builds, runs, writes the table into docs/performance.md).
#include <costate/costate.hpp>

#include <benchmark/benchmark.h>

#include "costate_problems.hpp"
#include "odeint_adjoint.hpp"
#include "timing.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

using namespace costate;

namespace {

using problem = bench::lotka_volterra;
constexpr const auto& lv = bench::expressions<problem>::system;
constexpr const auto& lv_loss = bench::expressions<problem>::loss;

using Sys = system_of_t<decltype(lv)>;
using costate_forward = forward_rhs<Sys, double>;
using costate_adjoint = adjoint_rhs<Sys, double>;
constexpr std::size_t n = 2, p = 4, m = 2 * n + p + 1;  // m = 9
static_assert(costate_adjoint::size == m);

constexpr std::array<double, n> z0_ref = problem::z0;
constexpr std::array<double, p> theta_ref = problem::theta;
constexpr time_span span = bench::span_of<problem>;

// ---------------------------------------------------------------------------------------------------
// Hand-written right-hand sides.

// dz/dt = f(z, θ)
struct hand_forward {
  const double* theta;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& s, State& ds, double /*t*/) const {
    const double a = theta[0], b = theta[1], c = theta[2], d = theta[3];
    const double x = s[0], y = s[1];
    const double xy = x * y;
    ds[0] = a * x - b * xy;
    ds[1] = d * xy - c * y;
  }
};

// The augmented adjoint system: [z, λ, g_θ, g_t]' = [f, -λᵀ∂f/∂z, -λᵀ∂f/∂θ, -λᵀ∂f/∂t].
//   ∂f/∂z = [[a - b y, -b x], [d y, d x - c]],  ∂f/∂θ = [[x, -xy, 0, 0], [0, 0, -y, xy]],  ∂f/∂t = 0.
struct hand_adjoint {
  const double* theta;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& s, State& ds, double /*t*/) const {
    const double a = theta[0], b = theta[1], c = theta[2], d = theta[3];
    const double x = s[0], y = s[1], l0 = s[2], l1 = s[3];
    const double xy = x * y;
    ds[0] = a * x - b * xy;
    ds[1] = d * xy - c * y;
    ds[2] = -(l0 * (a - b * y) + l1 * (d * y));
    ds[3] = -(l1 * (d * x - c) - l0 * (b * x));
    ds[4] = -(l0 * x);
    ds[5] = l0 * xy;
    ds[6] = l1 * y;
    ds[7] = -(l1 * xy);
    if constexpr (std::tuple_size_v<State> > 8) ds[8] = 0.0;  // g_t, in costate's layout only
  }
};

struct hand_result {
  double loss;
  std::array<double, p> dtheta;
  std::array<double, n> dz0;
  double dt0, dt1, g_t;
  pass_stats forward, backward;
};

// The gradient as costate::gradient computes it for one segment (backsolve), with hand-written parts:
// forward pass, L = ½|z(t1)|², λ(t1) = z(t1), dL/dt1 = λ(t1)ᵀf(z(t1)), backward pass over [z, λ, g_θ]
// (costate leaves g_t out for f without t),
// dL/dt0 = -λ(t0)ᵀf(z0). ∂ℓ/∂θ = 0 for this loss.
template <class Tag, class A>
hand_result hand_gradient(const std::array<double, n>& z0, const std::array<double, p>& theta, time_span sp,
                          const options<Tag, A>& opt) {
  hand_result r{};
  const detail::tolerances tol{opt.rtol, opt.atol.value()};
  hand_forward f{theta.data()};

  std::array<double, n> z = z0;
  r.forward = detail::integrate(opt.stepper, f, z, sp.t0, sp.t1, tol, opt.max_steps, "forward", detail::no_observer{});

  r.loss = 0.5 * (z[0] * z[0] + z[1] * z[1]);
  std::array<double, n> f1{};
  f(z, f1, sp.t1);
  r.dt1 = z[0] * f1[0] + z[1] * f1[1];

  std::array<double, m - 1> s{z[0], z[1], z[0], z[1]};  // [z(t1), λ(t1) = z(t1), 0...]
  hand_adjoint adj{theta.data()};
  r.backward = detail::integrate(opt.stepper, adj, s, sp.t1, sp.t0, tol, opt.max_steps, "adjoint", detail::no_observer{});

  r.dz0 = {s[2], s[3]};
  for (std::size_t k = 0; k < p; ++k) r.dtheta[k] = s[4 + k];
  r.g_t = 0.0;
  std::array<double, n> f0{};
  f(z0, f0, sp.t0);
  r.dt0 = -(r.dz0[0] * f0[0] + r.dz0[1] * f0[1]);
  return r;
}

// The plain Boost.Odeint program: its own step loop and controller over [z, λ, g_θ] (8 states, no g_t).
// The first step, 1e-3 (t1 - t0), is what a user might pass: odeint's controller grows it.
hand_result odeint_gradient(const std::array<double, n>& z0, const std::array<double, p>& theta, time_span sp,
                            double rtol, double atol) {
  hand_result r{};
  const hand_forward f{theta.data()};
  const auto o = bench::odeint_adjoint<2 * n + p>(f, hand_adjoint{theta.data()}, z0, sp.t0, sp.t1, rtol, atol,
                                                  1e-3 * (sp.t1 - sp.t0), [](const auto& z1, auto& y) {
                                                    y[2] = z1[0];  // λ(t1) = ∂L/∂z(t1) = z(t1)
                                                    y[3] = z1[1];
                                                  });
  const auto& z = o.z1;
  r.loss = 0.5 * (z[0] * z[0] + z[1] * z[1]);
  std::array<double, n> f1{};
  f(z, f1, sp.t1);
  r.dt1 = z[0] * f1[0] + z[1] * f1[1];
  r.dz0 = {o.y0[2], o.y0[3]};
  for (std::size_t k = 0; k < p; ++k) r.dtheta[k] = o.y0[4 + k];
  std::array<double, n> f0{};
  f(z0, f0, sp.t0);
  r.dt0 = -(r.dz0[0] * f0[0] + r.dz0[1] * f0[1]);
  r.forward.steps = o.steps_fwd;
  r.backward.steps = o.steps_bwd;
  return r;
}

// backsolve: the algorithm the hand-written adjoints implement (z re-integrated backward with λ).
const auto opt_dopri5 = options<dopri5, backsolve>{.rtol = 1e-8, .atol = 1e-8, .adjoint = bench::backsolve_one_segment};
const auto opt_rk4 = options<rk4, backsolve>{.stepper = {.dt = 1e-3}, .adjoint = bench::backsolve_unchecked};

// ---------------------------------------------------------------------------------------------------
// One evaluation of the augmented adjoint RHS, timed as every peer's is (bench/timing.hpp); θ is
// laundered through DoNotOptimize so that it is not constant-propagated into the right-hand side.

void BM_vjp_costate(benchmark::State& st) {
  std::array<double, p> theta = theta_ref;
  benchmark::DoNotOptimize(theta);
  bench::run_vjp<problem>(st, costate_adjoint{theta.data(), nullptr});
}
void BM_vjp_handwritten(benchmark::State& st) {
  std::array<double, p> theta = theta_ref;
  benchmark::DoNotOptimize(theta);
  bench::run_vjp<problem>(st, hand_adjoint{theta.data()});
}

// ---------------------------------------------------------------------------------------------------
// Full gradients. z0, θ, the span and the options are copied into locals that go through
// DoNotOptimize, so the compiler cannot constant-propagate them into either side (it would otherwise
// specialise whichever call it happens to clone for the constant options); z0 and θ are laundered
// every iteration, so the call cannot be hoisted.

// Accuracy: rel_err = max_k |dθ_k − ref_k| / max_k |ref_k| against bench::reference (rtol = atol =
// 1e-13), a counter of every gradient benchmark (computed once, outside the timed loop).
double rel_err(const std::array<double, p>& g) { return bench::rel_err(g, bench::reference<problem>().dtheta); }

template <class Tag, class A>
void run_gradient_costate(benchmark::State& st, const options<Tag, A>& opt_in) {
  std::array<double, n> z0 = z0_ref;
  std::array<double, p> theta = theta_ref;
  time_span sp = span;
  options<Tag, A> opt = opt_in;
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(opt);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = gradient(lv, z0, theta, sp, lv_loss, opt);
    benchmark::DoNotOptimize(g);
  }
  const auto g = gradient(lv, z0_ref, theta_ref, span, lv_loss, opt_in);
  st.counters["rel_err"] = rel_err(g.dtheta);
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}

template <class Tag, class A>
void run_gradient_handwritten(benchmark::State& st, const options<Tag, A>& opt_in) {
  std::array<double, n> z0 = z0_ref;
  std::array<double, p> theta = theta_ref;
  time_span sp = span;
  options<Tag, A> opt = opt_in;
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(opt);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = hand_gradient(z0, theta, sp, opt);
    benchmark::DoNotOptimize(g);
  }
  st.counters["rel_err"] = rel_err(hand_gradient(z0_ref, theta_ref, span, opt_in).dtheta);
}

void BM_gradient_odeint(benchmark::State& st) {
  std::array<double, n> z0 = z0_ref;
  std::array<double, p> theta = theta_ref;
  time_span sp = span;
  // (Laundered as one array: benchmark 1.7.1's DoNotOptimize on a lone double, at -O2, handed the
  // loop 0 instead of 1e-8 here.)
  std::array<double, 2> tol{opt_dopri5.rtol, opt_dopri5.atol.value()};
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(tol);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = odeint_gradient(z0, theta, sp, tol[0], tol[1]);
    benchmark::DoNotOptimize(g);
  }
  const auto g = odeint_gradient(z0_ref, theta_ref, span, opt_dopri5.rtol, opt_dopri5.atol.value());
  st.counters["rel_err"] = rel_err(g.dtheta);
  st.counters["steps_fwd"] = static_cast<double>(g.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.backward.steps);
}

void BM_gradient_costate(benchmark::State& st) { run_gradient_costate(st, opt_dopri5); }
// costate's own backsolve (z restarted and checked at automatic checkpoints), against the plain peer.
void BM_gradient_costate_backsolve(benchmark::State& st) {
  run_gradient_costate(st, bench::adjoint_variant<2>(opt_dopri5));
}
void BM_gradient_handwritten(benchmark::State& st) { run_gradient_handwritten(st, opt_dopri5); }
void BM_gradient_costate_rk4(benchmark::State& st) { run_gradient_costate(st, opt_rk4); }
void BM_gradient_handwritten_rk4(benchmark::State& st) { run_gradient_handwritten(st, opt_rk4); }
// The default adjoint (checkpointed): what its safety costs over backsolve, costate against costate.
void BM_gradient_costate_checkpointed(benchmark::State& st) {
  run_gradient_costate(st, bench::adjoint_variant<1>(opt_dopri5));
}
void BM_gradient_costate_rk4_checkpointed(benchmark::State& st) {
  run_gradient_costate(st, bench::adjoint_variant<1>(opt_rk4));
}

// rk4 with N equal steps on [0, 10], N = 1e2 … 1e5: time and accuracy against the number of steps.
options<rk4> rk4_steps(benchmark::State& st) { return {.stepper = rk4{.dt = (span.t1 - span.t0) / static_cast<double>(st.range(0))}}; }
void BM_gradient_costate_rk4_steps(benchmark::State& st) {
  run_gradient_costate(st, options<rk4, backsolve>{.stepper = rk4_steps(st).stepper, .adjoint = bench::backsolve_unchecked});
}
void BM_gradient_handwritten_rk4_steps(benchmark::State& st) { run_gradient_handwritten(st, rk4_steps(st)); }
void BM_gradient_costate_rk4_steps_checkpointed(benchmark::State& st) { run_gradient_costate(st, rk4_steps(st)); }

BENCHMARK(BM_vjp_costate);
BENCHMARK(BM_vjp_handwritten);
BENCHMARK(BM_gradient_costate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_handwritten)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_odeint)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_costate_backsolve)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_costate_rk4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_handwritten_rk4)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_costate_checkpointed)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_costate_rk4_checkpointed)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_gradient_costate_rk4_steps)->Unit(benchmark::kMicrosecond)->RangeMultiplier(10)->Range(100, 100000);
BENCHMARK(BM_gradient_handwritten_rk4_steps)->Unit(benchmark::kMicrosecond)->RangeMultiplier(10)->Range(100, 100000);
BENCHMARK(BM_gradient_costate_rk4_steps_checkpointed)->Unit(benchmark::kMicrosecond)->RangeMultiplier(10)->Range(100, 100000);

// ---------------------------------------------------------------------------------------------------
// One-time checks that both sides compute the same thing.

bool close(double u, double v, double rel) { return std::abs(u - v) <= rel * std::max(std::abs(u), std::abs(v)); }

[[noreturn]] void fail(const char* what, std::size_t i, double u, double v) {
  std::fprintf(stderr, "bench_lotka_volterra: check failed: %s[%zu]: costate %.17g, hand-written %.17g\n", what, i, u, v);
  std::abort();
}

// The two sides evaluate the same formulas in different orders (costate: θ0*z0 - z1*(θ1*z0); by hand:
// a*x - b*(x*y)), so they round differently. Where an output is a difference of larger terms, a few
// ulps of the terms are a large fraction of the output; the error is therefore measured relative to
// max(|output|, Σ|terms|), which is the plain relative error wherever nothing cancels.
std::array<double, m> term_scale(const std::array<double, p>& th, const std::array<double, m>& s) {
  using std::abs;
  const double a = abs(th[0]), b = abs(th[1]), c = abs(th[2]), d = abs(th[3]);
  const double x = abs(s[0]), y = abs(s[1]), l0 = abs(s[2]), l1 = abs(s[3]);
  return {a * x + b * x * y, d * x * y + c * y, a * l0 + b * y * l0 + d * y * l1, d * x * l1 + b * x * l0 + c * l1,
          x * l0, x * y * l0, y * l1, x * y * l1, 0.0};
}

void check_vjp() {
  std::mt19937_64 rng(20240601);
  std::uniform_real_distribution<double> dist(-2.0, 2.0);
  double worst = 0.0;
  for (int trial = 0; trial < 1000; ++trial) {
    std::array<double, p> theta{};
    for (auto& v : theta) v = dist(rng);
    std::array<double, m> s{}, ds_c{}, ds_h{};
    for (auto& v : s) v = dist(rng);
    const double t = dist(rng);
    costate_adjoint{theta.data(), nullptr}(s, ds_c, t);
    hand_adjoint{theta.data()}(s, ds_h, t);
    const auto scale = term_scale(theta, s);
    for (std::size_t i = 0; i < m; ++i) {
      const double ref = std::max({std::abs(ds_c[i]), std::abs(ds_h[i]), scale[i]});
      const double err = std::abs(ds_c[i] - ds_h[i]);
      if (!(err <= 1e-15 * ref)) fail("adjoint rhs", i, ds_c[i], ds_h[i]);
      if (ref > 0) worst = std::max(worst, err / ref);
    }
  }
  std::fprintf(stderr, "check: adjoint RHS, 1000 random states: max |costate - hand| / max(|out|, sum |terms|) = %.2g\n", worst);
}

template <class Tag, class A>
void check_gradient_agrees(const options<Tag, A>& opt, const char* name) {
  const auto g = gradient(lv, z0_ref, theta_ref, span, lv_loss, opt);
  const auto h = hand_gradient(z0_ref, theta_ref, span, opt);
  for (std::size_t k = 0; k < p; ++k)
    if (!close(g.dtheta[k], h.dtheta[k], 1e-12)) fail(name, k, g.dtheta[k], h.dtheta[k]);
  double worst = 0.0;
  for (std::size_t k = 0; k < p; ++k) worst = std::max(worst, std::abs(g.dtheta[k] - h.dtheta[k]) / std::abs(g.dtheta[k]));
  std::fprintf(stderr, "check: %s: max relative difference %.2g, RHS evaluations %zu + %zu on both sides\n", name, worst,
               g.stats.forward.rhs_evals, g.stats.backward.rhs_evals);
  // The same steps on both sides. costate's forward pass records checkpoints, and a recording
  // fixed-step pass evaluates f once more (at t0, before its first step): allow that one.
  if (g.stats.forward.rhs_evals - h.forward.rhs_evals > 1 || g.stats.forward.rhs_evals < h.forward.rhs_evals ||
      g.stats.backward.rhs_evals != h.backward.rhs_evals) {
    std::fprintf(stderr, "bench_lotka_volterra: %s: different numbers of RHS evaluations (costate %zu + %zu, hand-written %zu + %zu)\n",
                 name, g.stats.forward.rhs_evals, g.stats.backward.rhs_evals, h.forward.rhs_evals, h.backward.rhs_evals);
    std::abort();
  }
}

// The plain-Odeint peer takes its own steps: it agrees with the reference to its tolerance, not bitwise.
void check_odeint_peer() {
  const auto o = odeint_gradient(z0_ref, theta_ref, span, opt_dopri5.rtol, opt_dopri5.atol.value());
  const double e = rel_err(o.dtheta);
  std::fprintf(stderr, "check: plain Odeint (dopri5 1e-8): dtheta rel_err %.2g against the 1e-13 reference, steps %zu + %zu\n",
               e, o.forward.steps, o.backward.steps);
  if (!(e < 1e-5)) {
    std::fprintf(stderr, "bench_lotka_volterra: the plain Odeint peer's gradient is off (rel_err %.2g)\n", e);
    std::abort();
  }
}

}  // namespace

int main(int argc, char** argv) {
  check_vjp();
  check_gradient_agrees(opt_dopri5, "dtheta (dopri5)");
  check_gradient_agrees(opt_rk4, "dtheta (rk4)");
  check_odeint_peer();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
