// Lorenz-96, dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F_i (θ = F): costate's tensor form
// (bench/costate_problems.hpp: (roll<-1>(x) - roll<2>(x)) * roll<1>(x) - x + F) against the plain
// Boost.Odeint adjoint a user writes by hand (bench/odeint_adjoint.hpp). bench/lorenz96.cpp runs
// n = 40 and 1000, bench/lorenz96_10k.cpp n = 10⁴ (its own translation unit, so that its compile
// time is measured on its own):
//
//   BM_l96_gradient_odeint<n>        integrate_adaptive(make_controlled(dopri5)) forward, then
//                                    [x | λ | g_F] (3n states) backward, hand-written right-hand sides
//   BM_l96_gradient_costate<n, 0>    costate, backsolve in one segment (the peer's algorithm)
//   BM_l96_gradient_costate<n, 1>    costate's default adjoint (checkpointed)
//   BM_l96_gradient_costate<n, 2>    costate's backsolve (z restarted and checked at automatic checkpoints)
//
// dopri5 at rtol = atol = 1e-8, L = ½|x(t1)|², t ∈ [0, 1]; rel_err against costate's gradient at 1e-13.
// run<n...>() checks once, before any timing, that the hand-written adjoint right-hand side agrees
// with costate's on random states, and that every gradient is close to the reference.
// Both peers keep their states in std::array, on the stack: at n = 10⁴ odeint's controlled dopri5
// holds about a dozen arrays of 3n doubles (3 MB), within the default 8 MiB stack.
#pragma once

#include <costate/costate.hpp>

#include <benchmark/benchmark.h>

#include "costate_problems.hpp"
#include "odeint_adjoint.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace bench::l96 {

using namespace costate;

template <std::size_t N> using problem = bench::lorenz96<N>;
template <std::size_t N> using expr = bench::expressions<problem<N>>;
constexpr time_span span = bench::span_of<problem<40>>;
inline const auto opt_dopri5 = options<dopri5, backsolve>{.rtol = 1e-8, .atol = 1e-8, .adjoint = bench::backsolve_one_segment};

// ---------------------------------------------------------------------------------------------------
// Hand-written right-hand sides, as a user writes them: the cyclic indices wrapped only at the ends,
// plain loops in between.

template <std::size_t N>
struct hand_forward {
  const double* F;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& s, State& ds, double /*t*/) const {
    const double* x = s.data();
    const auto at = [&](std::size_t i, std::size_t ip1, std::size_t im1, std::size_t im2) {
      ds[i] = (x[ip1] - x[im2]) * x[im1] - x[i] + F[i];
    };
    at(0, 1, N - 1, N - 2);
    at(1, 2, 0, N - 1);
    for (std::size_t i = 2; i + 1 < N; ++i) at(i, i + 1, i - 1, i - 2);
    at(N - 1, 0, N - 2, N - 3);
  }
};

// [x | λ | g_F]' = [f, -λᵀ∂f/∂x, -λ] with
//   (λᵀ∂f/∂x)_j = λ_{j-1} x_{j-2} - λ_{j+2} x_{j+1} + λ_{j+1} (x_{j+2} - x_{j-1}) - λ_j.
template <std::size_t N>
struct hand_adjoint {
  const double* F;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& s, State& ds, double t) const {
    hand_forward<N>{F}(s, ds, t);
    const double* x = s.data();
    const double* l = s.data() + N;
    double* dl = ds.data() + N;
    double* dg = ds.data() + 2 * N;
    const auto at = [&](std::size_t j, std::size_t jm2, std::size_t jm1, std::size_t jp1, std::size_t jp2) {
      dl[j] = -(l[jm1] * x[jm2] - l[jp2] * x[jp1] + l[jp1] * (x[jp2] - x[jm1]) - l[j]);
    };
    at(0, N - 2, N - 1, 1, 2);
    at(1, N - 1, 0, 2, 3);
    for (std::size_t j = 2; j + 2 < N; ++j) at(j, j - 2, j - 1, j + 1, j + 2);
    at(N - 2, N - 4, N - 3, N - 1, 0);
    at(N - 1, N - 3, N - 2, 0, 1);
    for (std::size_t j = 0; j < N; ++j) dg[j] = -l[j];
    if constexpr (std::tuple_size_v<State> > 3 * N) ds[3 * N] = 0.0;  // g_t (costate's layout)
  }
};

template <std::size_t N>
struct l96_result {
  std::array<double, N> dtheta, dz0;
  double loss, dt0, dt1;
  std::size_t steps_fwd, steps_bwd;
};

template <std::size_t N>
l96_result<N> odeint_gradient(const std::array<double, N>& z0, const std::array<double, N>& theta, time_span sp,
                              double rtol, double atol) {
  const hand_forward<N> f{theta.data()};
  const auto o = bench::odeint_adjoint<3 * N>(f, hand_adjoint<N>{theta.data()}, z0, sp.t0, sp.t1, rtol, atol,
                                              1e-3 * (sp.t1 - sp.t0), [](const auto& z1, auto& y) {
                                                for (std::size_t i = 0; i < N; ++i) y[N + i] = z1[i];  // λ(t1) = x(t1)
                                              });
  l96_result<N> r{};
  std::array<double, N> f1{}, f0{};
  f(o.z1, f1, sp.t1);
  f(z0, f0, sp.t0);
  r.loss = r.dt1 = r.dt0 = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    r.loss += 0.5 * o.z1[i] * o.z1[i];
    r.dt1 += o.z1[i] * f1[i];
    r.dz0[i] = o.y0[N + i];
    r.dtheta[i] = o.y0[2 * N + i];
    r.dt0 -= r.dz0[i] * f0[i];
  }
  r.steps_fwd = o.steps_fwd;
  r.steps_bwd = o.steps_bwd;
  return r;
}

template <std::size_t N>
double rel_err(const std::array<double, N>& g) { return bench::rel_err(g, bench::reference<problem<N>>().dtheta); }

template <int Adjoint>
auto costate_options() {
  return bench::adjoint_variant<Adjoint>(opt_dopri5);
}

// As in the other benchmarks: inputs laundered through DoNotOptimize so that nothing is hoisted or
// constant-propagated into either side.
template <std::size_t N, int Adjoint>
void BM_l96_gradient_costate(benchmark::State& st) {
  std::array<double, N> z0 = problem<N>::z0;
  std::array<double, N> theta = problem<N>::theta();
  time_span sp = span;
  auto opt = costate_options<Adjoint>();
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(opt);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = gradient(expr<N>::system, z0, theta, sp, expr<N>::loss, opt);
    benchmark::DoNotOptimize(g);
  }
  const auto g = gradient(expr<N>::system, problem<N>::z0, problem<N>::theta(), span, expr<N>::loss, costate_options<Adjoint>());
  st.counters["rel_err"] = rel_err<N>(g.dtheta);
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}

template <std::size_t N>
void BM_l96_gradient_odeint(benchmark::State& st) {
  std::array<double, N> z0 = problem<N>::z0;
  std::array<double, N> theta = problem<N>::theta();
  time_span sp = span;
  // (Laundered as one array: benchmark 1.7.1's DoNotOptimize on a lone double, at -O2, handed the
  // loop 0 instead of 1e-8 here.)
  std::array<double, 2> tol{opt_dopri5.rtol, opt_dopri5.atol.value()};
  benchmark::DoNotOptimize(sp);
  benchmark::DoNotOptimize(tol);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = odeint_gradient<N>(z0, theta, sp, tol[0], tol[1]);
    benchmark::DoNotOptimize(g);
  }
  const auto g = odeint_gradient<N>(problem<N>::z0, problem<N>::theta(), span, opt_dopri5.rtol, opt_dopri5.atol.value());
  st.counters["rel_err"] = rel_err<N>(g.dtheta);
  st.counters["steps_fwd"] = static_cast<double>(g.steps_fwd);
  st.counters["steps_bwd"] = static_cast<double>(g.steps_bwd);
}
// ---------------------------------------------------------------------------------------------------
// One-time checks.

[[noreturn]] inline void fail(std::size_t n, const char* what, std::size_t i, double u, double v) {
  std::fprintf(stderr, "bench_lorenz96: check failed (n = %zu): %s[%zu]: %.17g against %.17g\n", n, what, i, u, v);
  std::abort();
}

// The hand-written adjoint right-hand side against costate's on random states, relative to the sum
// of |terms| of each output (both sides round the same products in different orders).
template <std::size_t N>
void check_rhs() {
  using Sys = system_of_t<std::remove_cvref_t<decltype(expr<N>::system)>>;
  using costate_adjoint = adjoint_rhs<Sys, double>;
  static_assert(costate_adjoint::size == 3 * N + 1);
  std::mt19937_64 rng(20240603 + N);
  std::uniform_real_distribution<double> dist(-10.0, 10.0);
  double worst = 0.0;
  for (int trial = 0; trial < 100; ++trial) {
    std::array<double, N> F{};
    for (auto& v : F) v = dist(rng);
    std::array<double, 3 * N + 1> s{}, ds_c{}, ds_h{};
    for (auto& v : s) v = dist(rng);
    ds_c.fill(1e300);
    ds_h.fill(-1e300);
    costate_adjoint{F.data(), nullptr}(s, ds_c, 0.5);
    hand_adjoint<N>{F.data()}(s, ds_h, 0.5);
    const double* x = s.data();
    const double* l = s.data() + N;
    const auto w = [](std::size_t i, int d) { return (i + N + static_cast<std::size_t>(N + d)) % N; };
    for (std::size_t i = 0; i < 3 * N + 1; ++i) {
      double scale = 0.0;
      if (i < N) {
        scale = std::abs(x[w(i, 1)] * x[w(i, -1)]) + std::abs(x[w(i, -2)] * x[w(i, -1)]) + std::abs(x[i]) + std::abs(F[i]);
      } else if (i < 2 * N) {
        const std::size_t j = i - N;
        scale = std::abs(l[w(j, -1)] * x[w(j, -2)]) + std::abs(l[w(j, 2)] * x[w(j, 1)]) +
                std::abs(l[w(j, 1)]) * (std::abs(x[w(j, 2)]) + std::abs(x[w(j, -1)])) + std::abs(l[j]);
      } else if (i < 3 * N) {
        scale = std::abs(l[i - 2 * N]);
      }
      const double err = std::abs(ds_c[i] - ds_h[i]);
      if (!(err <= 1e-14 * std::max(scale, std::abs(ds_c[i])))) fail(N, "adjoint rhs", i, ds_c[i], ds_h[i]);
      if (scale > 0) worst = std::max(worst, err / scale);
    }
  }
  std::fprintf(stderr, "check: n = %zu, adjoint RHS, 100 random states: max |costate - hand| / sum |terms| = %.2g\n", N, worst);
}

template <std::size_t N>
void check_gradients() {
  const auto o = odeint_gradient<N>(problem<N>::z0, problem<N>::theta(), span, opt_dopri5.rtol, opt_dopri5.atol.value());
  std::fprintf(stderr, "check: n = %zu, plain Odeint: rel_err %.2g, steps %zu + %zu\n", N, rel_err<N>(o.dtheta), o.steps_fwd,
               o.steps_bwd);
  if (!(rel_err<N>(o.dtheta) < 1e-5)) fail(N, "plain Odeint dtheta rel_err", 0, rel_err<N>(o.dtheta), 1e-5);
  const auto one = [&](auto a, const char* name) {
    const auto g = gradient(expr<N>::system, problem<N>::z0, problem<N>::theta(), span, expr<N>::loss,
                            costate_options<decltype(a)::value>());
    std::fprintf(stderr, "check: n = %zu, costate %s: rel_err %.2g, steps %zu + %zu, backsolve fallbacks %zu\n", N, name,
                 rel_err<N>(g.dtheta), g.stats.forward.steps, g.stats.backward.steps, g.stats.backsolve_fallbacks);
    if (!(rel_err<N>(g.dtheta) < 1e-5)) fail(N, name, 0, rel_err<N>(g.dtheta), 1e-5);
  };
  one(std::integral_constant<int, 0>{}, "backsolve, one segment");
  one(std::integral_constant<int, 1>{}, "default (checkpointed)");
  one(std::integral_constant<int, 2>{}, "backsolve");
}


// The checks, then the benchmarks registered by the including file.
template <std::size_t... N>
int run(int argc, char** argv) {
  (check_rhs<N>(), ...);
  (check_gradients<N>(), ...);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace bench::l96
