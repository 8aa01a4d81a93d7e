// Neural ODE dz/dt = W2·tanh(W1·z + b1) + b2, z ∈ R², hidden width H = 16 and 64: costate against
// hand-written C++.
//
//   BM_nn_vjp_*<H>       one evaluation of the augmented adjoint right-hand side on the state
//                        [z(2), λ(2), g_θ(P), g_t(1)], P = 5H + 2: f, -λᵀ∂f/∂z, -λᵀ∂f/∂θ, -λᵀ∂f/∂t.
//   BM_nn_gradient_*<H>  one full gradient (forward pass, loss gradient, backward pass, dt0/dt1) with
//                        dopri5 at rtol = atol = 1e-8, t ∈ [0, 1], L = ½|z(t1)|².
//
// θ is flat in costate's order: W1 (H×2, row-major), b1 (H), W2 (2×H, row-major), b2 (2), drawn from
// N(0, 0.3²) with a fixed seed; z0 = (1, -0.5).
//
// As in lotka_volterra.cpp, the hand-written side runs the very same algorithm: the same step loop
// (costate::detail::integrate) with the same stepper and tolerances; only the right-hand sides and
// the loss gradient are written by hand, as plain loops over fixed-size arrays: a = W1 z + b1 and
// h = tanh(a) once, f = W2 h + b2; v = W2ᵀλ, s = v ⊙ (1 - h²), dλ/dt = -W1ᵀs, dW1 = -s zᵀ, db1 = -s,
// dW2 = -λ hᵀ, db2 = -λ, written straight into the output. Both right-hand sides carry the same
// [[gnu::always_inline]] attribute. main() checks once, before any timing, that both sides agree:
// the RHS to 1e-14 relative on 1000 random states (relative to the sum of |terms|, see check_vjp),
// dθ, dz0, dt0 and dt1 of the gradients to 1e-10 relative, with the same numbers of RHS evaluations.
//
// BM_nn_gradient_odeint<H> is the same gradient as a user without costate writes it: Boost.Odeint's
// integrate_adaptive with make_controlled(dopri5) forward, then [z, λ, g_θ] backward
// (bench/odeint_adjoint.hpp), with the hand-written right-hand sides and odeint's own steps.
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

constexpr std::size_t n = 2;
constexpr std::array<double, n> z0_ref = bench::neural_ode<16>::z0;
constexpr time_span span = bench::span_of<bench::neural_ode<16>>;
// backsolve: the algorithm the hand-written adjoints implement (z re-integrated backward with λ).
const auto opt_dopri5 = options<dopri5, backsolve>{.rtol = 1e-8, .atol = 1e-8, .adjoint = bench::backsolve_one_segment};

// The network as costate expressions (bench/costate_problems.hpp) and the sizes the hand-written side uses.
template <std::size_t H>
struct mlp : bench::expressions<bench::neural_ode<H>> {
  using problem = bench::neural_ode<H>;
  using base = bench::expressions<problem>;
  static constexpr const auto& f = base::system;
  using Sys = system_of_t<decltype(f)>;
  using costate_adjoint = adjoint_rhs<Sys, double>;
  static constexpr std::size_t p = problem::p;  // W1 (2H) + b1 (H) + W2 (2H) + b2 (2)
  static constexpr std::size_t m = 2 * n + p + 1;  // [z, λ, g_θ, g_t]
  static_assert(Sys::params == p && Sys::states == n);
  static_assert(costate_adjoint::size == m);
  // Offsets into θ.
  static constexpr std::size_t oW1 = problem::oW1, ob1 = problem::ob1, oW2 = problem::oW2, ob2 = problem::ob2;
  static const std::array<double, p>& theta_ref() { return problem::theta(); }
};
constexpr const auto& nn_loss = bench::expressions<bench::neural_ode<16>>::loss;  // ½|z|², the same for every H

// ---------------------------------------------------------------------------------------------------
// Hand-written right-hand sides.

// dz/dt = W2 tanh(W1 z + b1) + b2
template <std::size_t H>
struct hand_forward {
  using M = mlp<H>;
  const double* theta;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& s, State& ds, double /*t*/) const {
    const double* W1 = theta + M::oW1;
    const double* b1 = theta + M::ob1;
    const double* W2 = theta + M::oW2;
    const double* b2 = theta + M::ob2;
    const double z0 = s[0], z1 = s[1];
    std::array<double, H> h;
    for (std::size_t i = 0; i < H; ++i) h[i] = std::tanh(W1[2 * i] * z0 + W1[2 * i + 1] * z1 + b1[i]);
    for (std::size_t r = 0; r < 2; ++r) {
      double y = W2[r * H] * h[0];
      for (std::size_t i = 1; i < H; ++i) y += W2[r * H + i] * h[i];
      ds[r] = y + b2[r];
    }
  }
};

// The augmented adjoint system: [z, λ, g_θ, g_t]' = [f, -λᵀ∂f/∂z, -λᵀ∂f/∂θ, -λᵀ∂f/∂t] with
//   v = W2ᵀλ, s = v ⊙ (1 - h²):  λᵀ∂f/∂z = W1ᵀs,  λᵀ∂f/∂W1 = s zᵀ,  λᵀ∂f/∂b1 = s,
//   λᵀ∂f/∂W2 = λ hᵀ,  λᵀ∂f/∂b2 = λ,  ∂f/∂t = 0.
template <std::size_t H>
struct hand_adjoint {
  using M = mlp<H>;
  const double* theta;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& s, State& ds, double /*t*/) const {
    const double* W1 = theta + M::oW1;
    const double* b1 = theta + M::ob1;
    const double* W2 = theta + M::oW2;
    const double* b2 = theta + M::ob2;
    const double z0 = s[0], z1 = s[1], l0 = s[2], l1 = s[3];
    double* dW1 = ds.data() + 2 * n + M::oW1;
    double* db1 = ds.data() + 2 * n + M::ob1;
    double* dW2 = ds.data() + 2 * n + M::oW2;
    double* db2 = ds.data() + 2 * n + M::ob2;

    // a = W1 z + b1, h = tanh(a)
    std::array<double, H> h;
    for (std::size_t i = 0; i < H; ++i) h[i] = std::tanh(W1[2 * i] * z0 + W1[2 * i + 1] * z1 + b1[i]);
    // f = W2 h + b2
    for (std::size_t r = 0; r < 2; ++r) {
      double y = W2[r * H] * h[0];
      for (std::size_t i = 1; i < H; ++i) y += W2[r * H + i] * h[i];
      ds[r] = y + b2[r];
    }
    // s = (W2ᵀλ) ⊙ (1 - h²); dW1 = -s zᵀ, db1 = -s
    std::array<double, H> sv;
    for (std::size_t i = 0; i < H; ++i) {
      const double v = W2[i] * l0 + W2[H + i] * l1;
      const double si = v * (1.0 - h[i] * h[i]);
      sv[i] = si;
      dW1[2 * i] = -(si * z0);
      dW1[2 * i + 1] = -(si * z1);
      db1[i] = -si;
    }
    // dλ/dt = -W1ᵀs
    double g0 = W1[0] * sv[0], g1 = W1[1] * sv[0];
    for (std::size_t i = 1; i < H; ++i) {
      g0 += W1[2 * i] * sv[i];
      g1 += W1[2 * i + 1] * sv[i];
    }
    ds[2] = -g0;
    ds[3] = -g1;
    // dW2 = -λ hᵀ, db2 = -λ
    for (std::size_t i = 0; i < H; ++i) {
      dW2[i] = -(l0 * h[i]);
      dW2[H + i] = -(l1 * h[i]);
    }
    db2[0] = -l0;
    db2[1] = -l1;
    if constexpr (std::tuple_size_v<State> > 2 * n + M::p) ds[2 * n + M::p] = 0.0;  // g_t (costate's layout): f does not depend on t
  }
};

template <std::size_t P>
struct hand_result {
  double loss;
  std::array<double, P> dtheta;
  std::array<double, n> dz0;
  double dt0, dt1, g_t;
  pass_stats forward, backward;
};

// The gradient as costate::gradient computes it for one segment (backsolve), with hand-written parts:
// forward pass, L = ½|z(t1)|², λ(t1) = z(t1), dL/dt1 = λ(t1)ᵀf(z(t1)), backward pass over [z, λ, g_θ]
// (costate leaves g_t out for f without t),
// dL/dt0 = -λ(t0)ᵀf(z0). ∂ℓ/∂θ = 0 for this loss.
template <std::size_t H, class Tag, class A>
hand_result<mlp<H>::p> hand_gradient(const std::array<double, n>& z0, const std::array<double, mlp<H>::p>& theta,
                                     time_span sp, const options<Tag, A>& opt) {
  constexpr std::size_t p = mlp<H>::p, m = mlp<H>::m;
  hand_result<p> r{};
  const detail::tolerances tol{opt.rtol, opt.atol.value()};
  const hand_forward<H> f{theta.data()};

  std::array<double, n> zt = z0;
  r.forward = detail::integrate(opt.stepper, f, zt, sp.t0, sp.t1, tol, opt.max_steps, "forward", detail::no_observer{});

  r.loss = 0.5 * (zt[0] * zt[0] + zt[1] * zt[1]);
  std::array<double, n> f1{};
  f(zt, f1, sp.t1);
  r.dt1 = zt[0] * f1[0] + zt[1] * f1[1];

  std::array<double, m - 1> s{};
  s[0] = zt[0];
  s[1] = zt[1];
  s[2] = zt[0];  // λ(t1) = z(t1)
  s[3] = zt[1];
  const hand_adjoint<H> adj{theta.data()};
  r.backward = detail::integrate(opt.stepper, adj, s, sp.t1, sp.t0, tol, opt.max_steps, "adjoint", detail::no_observer{});

  r.dz0 = {s[2], s[3]};
  for (std::size_t k = 0; k < p; ++k) r.dtheta[k] = s[2 * n + k];
  r.g_t = 0.0;
  std::array<double, n> f0{};
  f(z0, f0, sp.t0);
  r.dt0 = -(r.dz0[0] * f0[0] + r.dz0[1] * f0[1]);
  return r;
}

// The plain Boost.Odeint program: its own step loop and controller over [z, λ, g_θ] (no g_t), first
// step 1e-3 (t1 - t0).
template <std::size_t H>
hand_result<mlp<H>::p> odeint_gradient(const std::array<double, n>& z0, const std::array<double, mlp<H>::p>& theta,
                                       time_span sp, double rtol, double atol) {
  constexpr std::size_t p = mlp<H>::p;
  hand_result<p> r{};
  const hand_forward<H> f{theta.data()};
  const auto o = bench::odeint_adjoint<2 * n + p>(f, hand_adjoint<H>{theta.data()}, z0, sp.t0, sp.t1, rtol, atol,
                                                  1e-3 * (sp.t1 - sp.t0), [](const auto& z1, auto& y) {
                                                    y[2] = z1[0];  // λ(t1) = z(t1)
                                                    y[3] = z1[1];
                                                  });
  const auto& z = o.z1;
  r.loss = 0.5 * (z[0] * z[0] + z[1] * z[1]);
  std::array<double, n> f1{};
  f(z, f1, sp.t1);
  r.dt1 = z[0] * f1[0] + z[1] * f1[1];
  r.dz0 = {o.y0[2], o.y0[3]};
  for (std::size_t k = 0; k < p; ++k) r.dtheta[k] = o.y0[2 * n + k];
  std::array<double, n> f0{};
  f(z0, f0, sp.t0);
  r.dt0 = -(r.dz0[0] * f0[0] + r.dz0[1] * f0[1]);
  r.forward.steps = o.steps_fwd;
  r.backward.steps = o.steps_bwd;
  return r;
}

// ---------------------------------------------------------------------------------------------------
// One evaluation of the augmented adjoint RHS, timed as every peer's is (bench/timing.hpp); θ is
// laundered through DoNotOptimize so that it is not constant-propagated into the right-hand side.

template <std::size_t H>
void BM_nn_vjp_costate(benchmark::State& st) {
  std::array<double, mlp<H>::p> theta = mlp<H>::theta_ref();
  benchmark::DoNotOptimize(theta);
  bench::run_vjp<bench::neural_ode<H>>(st, typename mlp<H>::costate_adjoint{theta.data(), nullptr});
}
template <std::size_t H>
void BM_nn_vjp_handwritten(benchmark::State& st) {
  std::array<double, mlp<H>::p> theta = mlp<H>::theta_ref();
  benchmark::DoNotOptimize(theta);
  bench::run_vjp<bench::neural_ode<H>>(st, hand_adjoint<H>{theta.data()});
}

// ---------------------------------------------------------------------------------------------------
// Full gradients. z0, θ, the span and the options are copied into locals that go through
// DoNotOptimize, so the compiler cannot constant-propagate them into either side; z0 and θ are
// laundered every iteration, so the call cannot be hoisted.

// Accuracy: rel_err = max_k |dθ_k − ref_k| / max_k |ref_k| against bench::reference (rtol = atol =
// 1e-13), a counter of every gradient benchmark (computed once, outside the timed loop).
template <std::size_t H>
double rel_err(const std::array<double, mlp<H>::p>& g) { return bench::rel_err(g, bench::reference<bench::neural_ode<H>>().dtheta); }

// Adjoint: 0 backsolve in one segment (as the hand-written peers), 1 the default checkpointed adjoint,
// 2 costate's backsolve (z restarted and checked at automatic checkpoints).
template <std::size_t H, int Adjoint = 0>
void BM_nn_gradient_costate(benchmark::State& st) {
  std::array<double, n> z0 = z0_ref;
  std::array<double, mlp<H>::p> theta = mlp<H>::theta_ref();
  time_span sp = span;
  auto opt = bench::adjoint_variant<Adjoint>(opt_dopri5);
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(opt);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = gradient(mlp<H>::f, z0, theta, sp, nn_loss, opt);
    benchmark::DoNotOptimize(g);
  }
  const auto g = gradient(mlp<H>::f, z0_ref, mlp<H>::theta_ref(), span, nn_loss, opt);
  st.counters["rel_err"] = rel_err<H>(g.dtheta);
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}

template <std::size_t H>
void BM_nn_gradient_handwritten(benchmark::State& st) {
  std::array<double, n> z0 = z0_ref;
  std::array<double, mlp<H>::p> theta = mlp<H>::theta_ref();
  time_span sp = span;
  auto opt = opt_dopri5;
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(opt);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = hand_gradient<H>(z0, theta, sp, opt);
    benchmark::DoNotOptimize(g);
  }
  st.counters["rel_err"] = rel_err<H>(hand_gradient<H>(z0_ref, mlp<H>::theta_ref(), span, opt).dtheta);
}

template <std::size_t H>
void BM_nn_gradient_odeint(benchmark::State& st) {
  std::array<double, n> z0 = z0_ref;
  std::array<double, mlp<H>::p> theta = mlp<H>::theta_ref();
  time_span sp = span;
  // (Laundered as one array: benchmark 1.7.1's DoNotOptimize on a lone double, at -O2, handed the
  // loop 0 instead of 1e-8 here.)
  std::array<double, 2> tol{opt_dopri5.rtol, opt_dopri5.atol.value()};
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(tol);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = odeint_gradient<H>(z0, theta, sp, tol[0], tol[1]);
    benchmark::DoNotOptimize(g);
  }
  const auto g = odeint_gradient<H>(z0_ref, mlp<H>::theta_ref(), span, opt_dopri5.rtol, opt_dopri5.atol.value());
  st.counters["rel_err"] = rel_err<H>(g.dtheta);
  st.counters["steps_fwd"] = static_cast<double>(g.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.backward.steps);
}

BENCHMARK_TEMPLATE(BM_nn_vjp_costate, 16);
BENCHMARK_TEMPLATE(BM_nn_vjp_handwritten, 16);
BENCHMARK_TEMPLATE(BM_nn_vjp_costate, 64);
BENCHMARK_TEMPLATE(BM_nn_vjp_handwritten, 64);
BENCHMARK_TEMPLATE(BM_nn_gradient_costate, 16)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_handwritten, 16)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_costate, 64)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_handwritten, 64)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_odeint, 16)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_odeint, 64)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_costate, 16, 1)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_costate, 64, 1)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_costate, 16, 2)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_nn_gradient_costate, 64, 2)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------------------------------
// One-time checks that both sides compute the same thing.

bool close(double u, double v, double rel) { return std::abs(u - v) <= rel * std::max(std::abs(u), std::abs(v)); }

[[noreturn]] void fail(const char* what, std::size_t h, std::size_t i, double u, double v) {
  std::fprintf(stderr, "bench_neural_ode: check failed (H = %zu): %s[%zu]: costate %.17g, hand-written %.17g\n", h, what, i,
               u, v);
  std::abort();
}

// The two sides may evaluate the formulas in different orders and so round differently; where an
// output is a difference of larger terms, a few ulps of the terms are a large fraction of it. The
// error is therefore measured relative to the sum of |terms| of each output, with h = tanh(a) counted
// as |h| + Σ|terms of a| (tanh' ≤ 1 carries a's rounding into h) and 1 - h² as 1 + 2 (that bound)².
template <std::size_t H>
std::array<double, mlp<H>::m> term_scale(const std::array<double, mlp<H>::p>& th, const std::array<double, mlp<H>::m>& s) {
  using M = mlp<H>;
  using std::abs;
  const double* W1 = th.data() + M::oW1;
  const double* b1 = th.data() + M::ob1;
  const double* W2 = th.data() + M::oW2;
  const double* b2 = th.data() + M::ob2;
  const double z0 = abs(s[0]), z1 = abs(s[1]), l0 = abs(s[2]), l1 = abs(s[3]);
  std::array<double, M::m> sc{};
  for (std::size_t i = 0; i < H; ++i) {
    const double terms_a = abs(W1[2 * i]) * z0 + abs(W1[2 * i + 1]) * z1 + abs(b1[i]);
    const double hs = std::abs(std::tanh(W1[2 * i] * s[0] + W1[2 * i + 1] * s[1] + b1[i])) + terms_a;
    const double ss = (abs(W2[i]) * l0 + abs(W2[H + i]) * l1) * (1.0 + 2.0 * hs * hs);
    sc[0] += abs(W2[i]) * hs;
    sc[1] += abs(W2[H + i]) * hs;
    sc[2] += abs(W1[2 * i]) * ss;
    sc[3] += abs(W1[2 * i + 1]) * ss;
    sc[2 * n + M::oW1 + 2 * i] = ss * z0;
    sc[2 * n + M::oW1 + 2 * i + 1] = ss * z1;
    sc[2 * n + M::ob1 + i] = ss;
    sc[2 * n + M::oW2 + i] = l0 * hs;
    sc[2 * n + M::oW2 + H + i] = l1 * hs;
  }
  sc[0] += abs(b2[0]);
  sc[1] += abs(b2[1]);
  sc[2 * n + M::ob2] = l0;
  sc[2 * n + M::ob2 + 1] = l1;
  return sc;
}

template <std::size_t H>
void check_vjp() {
  using M = mlp<H>;
  std::mt19937_64 rng(20240602 + H);
  std::normal_distribution<double> small(0.0, 0.3);
  std::uniform_real_distribution<double> dist(-2.0, 2.0);
  double worst = 0.0;
  for (int trial = 0; trial < 1000; ++trial) {
    std::array<double, M::p> theta{};
    for (auto& v : theta) v = small(rng);
    std::array<double, M::m> s{}, ds_c{}, ds_h{};
    for (auto& v : s) v = dist(rng);
    const double t = dist(rng);
    // Garbage in the outputs: both sides must overwrite every component.
    ds_c.fill(1e300);
    ds_h.fill(-1e300);
    typename M::costate_adjoint{theta.data(), nullptr}(s, ds_c, t);
    hand_adjoint<H>{theta.data()}(s, ds_h, t);
    const auto scale = term_scale<H>(theta, s);
    for (std::size_t i = 0; i < M::m; ++i) {
      const double ref = std::max({std::abs(ds_c[i]), std::abs(ds_h[i]), scale[i]});
      const double err = std::abs(ds_c[i] - ds_h[i]);
      if (!(err <= 1e-14 * ref)) fail("adjoint rhs", H, i, ds_c[i], ds_h[i]);
      if (ref > 0) worst = std::max(worst, err / ref);
    }
  }
  std::fprintf(stderr, "check: H = %zu, adjoint RHS, 1000 random states: max |costate - hand| / max(|out|, sum |terms|) = %.2g\n",
               H, worst);
}

template <std::size_t H>
void check_gradient_agrees() {
  using M = mlp<H>;
  const auto g = gradient(M::f, z0_ref, M::theta_ref(), span, nn_loss, opt_dopri5);
  const auto h = hand_gradient<H>(z0_ref, M::theta_ref(), span, opt_dopri5);
  double worst = 0.0;
  const auto cmp = [&](const char* what, std::size_t k, double u, double v) {
    if (!close(u, v, 1e-10)) fail(what, H, k, u, v);
    if (u != v) worst = std::max(worst, std::abs(u - v) / std::max(std::abs(u), std::abs(v)));
  };
  for (std::size_t k = 0; k < M::p; ++k) cmp("dtheta", k, g.dtheta[k], h.dtheta[k]);
  for (std::size_t k = 0; k < n; ++k) cmp("dz0", k, g.dz0[k], h.dz0[k]);
  cmp("loss", 0, g.loss, h.loss);
  cmp("dt0", 0, g.dt0, h.dt0);
  cmp("dt1", 0, g.dt1, h.dt1);
  std::fprintf(stderr,
               "check: H = %zu, gradient (dopri5 1e-8): max relative difference of dtheta, dz0, loss, dt0, dt1 %.2g, "
               "RHS evaluations %zu + %zu on both sides\n",
               H, worst, g.stats.forward.rhs_evals, g.stats.backward.rhs_evals);
  // The same steps on both sides. costate's forward pass records checkpoints, and a recording
  // fixed-step pass evaluates f once more (at t0, before its first step): allow that one.
  if (g.stats.forward.rhs_evals - h.forward.rhs_evals > 1 || g.stats.forward.rhs_evals < h.forward.rhs_evals ||
      g.stats.backward.rhs_evals != h.backward.rhs_evals) {
    std::fprintf(stderr, "bench_neural_ode: H = %zu: different numbers of RHS evaluations (costate %zu + %zu, hand-written %zu + %zu)\n",
                 H, g.stats.forward.rhs_evals, g.stats.backward.rhs_evals, h.forward.rhs_evals, h.backward.rhs_evals);
    std::abort();
  }
}

// The plain-Odeint peer takes its own steps: it agrees with the reference to its tolerance, not bitwise.
template <std::size_t H>
void check_odeint_peer() {
  const auto o = odeint_gradient<H>(z0_ref, mlp<H>::theta_ref(), span, opt_dopri5.rtol, opt_dopri5.atol.value());
  const double e = rel_err<H>(o.dtheta);
  std::fprintf(stderr, "check: H = %zu, plain Odeint (dopri5 1e-8): dtheta rel_err %.2g against the 1e-13 reference, steps %zu + %zu\n",
               H, e, o.forward.steps, o.backward.steps);
  if (!(e < 1e-5)) {
    std::fprintf(stderr, "bench_neural_ode: H = %zu: the plain Odeint peer's gradient is off (rel_err %.2g)\n", H, e);
    std::abort();
  }
}

}  // namespace

int main(int argc, char** argv) {
  check_vjp<16>();
  check_vjp<64>();
  check_gradient_agrees<16>();
  check_gradient_agrees<64>();
  check_odeint_peer<16>();
  check_odeint_peer<64>();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
