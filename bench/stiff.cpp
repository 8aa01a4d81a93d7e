// A stiff problem: Robertson's chemical kinetics on t ∈ [0, 40] (bench/problems.hpp), L = ½|y(t1)|².
//
//   BM_robertson_costate  one gradient with rosenbrock4 at rtol = 1e-6, atol = 1e-10 (the checkpointed
//                         adjoint, the only one rosenbrock4 takes), as bench/cvodes.cpp's BDF peer.
//   BM_roberts_asai_costate<Stepper>  SUNDIALS' cvsRoberts_ASAi_dns (below).
//   BM_stiff_set_costate<P>/e  OREGO and HIRES of Hairer & Wanner's stiff test set with rodas5p at
//                         rtol = atol = 10^-e, e = 6, 10 (below).
//
// Counters: rel_err = max_k |dθ_k − ref_k| / max_k |ref_k| and rel_err_max = max_k |dθ_k − ref_k| / |ref_k|
// (Robertson's θ = (k1, k2, k3) spans 0.04 … 3e7, so the gradient's components differ by orders of
// magnitude), against bench::reference (Robertson: rosenbrock4 at rtol = 1e-12, atol = 1e-20; OREGO,
// HIRES: rodas5p at rtol = 1e-12); steps_fwd and steps_bwd.
// There is no hand-written peer here: a hand-written adjoint for rosenbrock4 would need its own
// Jacobians and dense output, which is costate's code again.
//
// Run: bash bench/run_benchmarks.sh
#include <costate/costate.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <type_traits>

#include "costate_problems.hpp"

using namespace costate;

namespace {

using P = bench::robertson;
using E = bench::expressions<P>;
constexpr const auto& robertson = E::system;
constexpr const auto& loss = E::loss;
constexpr time_span span = bench::span_of<P>;
const auto opt = options<rosenbrock4>{.rtol = 1e-6, .atol = 1e-10};

void BM_robertson_costate(benchmark::State& st) {
  std::array<double, P::n> z0 = P::z0;
  std::array<double, P::p> theta = P::theta;
  auto o = opt;
  benchmark::DoNotOptimize(o);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    auto g = gradient(robertson, z0, theta, span, loss, o);
    benchmark::DoNotOptimize(g);
  }
  const auto g = gradient(robertson, P::z0, P::theta, span, loss, opt);
  const auto& ref = bench::reference<P>().dtheta;
  st.counters["rel_err"] = bench::rel_err(g.dtheta, ref);
  st.counters["rel_err_max"] = bench::rel_err_max(g.dtheta, ref);
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}
BENCHMARK(BM_robertson_costate)->Unit(benchmark::kMicrosecond);

// SUNDIALS' cvsRoberts_ASAi_dns (bench/cvodes.cpp's BM_cvodes_roberts_asai): G = ∫ y3 dt over
// [0, 4e7], dG/dp and dG/dy0, at the example's tolerances: rtol 1e-6, atol (1e-8, 1e-14, 1e-6), λ at
// atol 1e-8, the quadratures (G, dG/dp) at atol 1e-6. rel_err_max against bench::roberts_asai_reference.
constexpr auto ry1 = state<0>;
constexpr auto ry2 = state<1>;
constexpr auto ry3 = state<2>;
constexpr auto roberts = ode(-param<0> * ry1 + param<1> * ry2 * ry3, param<0> * ry1 - param<1> * ry2 * ry3 - param<2> * ry2 * ry2,
                             param<2> * ry2 * ry2);
template <class Stepper>
void BM_roberts_asai_costate(benchmark::State& st) {
  const std::array z0{1.0, 0.0, 0.0};
  const std::array p{0.04, 1e4, 3e7};
  const auto o = options<Stepper>{.rtol = 1e-6, .atol = {1e-8, 1e-14, 1e-6}, .adjoint_atol = 1e-8, .quadrature_atol = 1e-6};
  auto g = gradient(roberts, z0, p, {0.0, 4e7}, running_loss(ry3), o);
  for (auto _ : st) {
    g = gradient(roberts, z0, p, {0.0, 4e7}, running_loss(ry3), o);
    benchmark::DoNotOptimize(g);
  }
  st.counters["rel_err_max"] = bench::rel_err_max(g.dtheta, bench::roberts_asai_reference);
  st.counters["rel_err_y0"] = bench::rel_err_max(g.dz0, bench::roberts_asai_reference_y0);
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}
BENCHMARK_TEMPLATE(BM_roberts_asai_costate, rodas5p)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_roberts_asai_costate, rosenbrock4)->Unit(benchmark::kMicrosecond);

// Hairer & Wanner's stiff test set (bench/problems.hpp): OREGO and HIRES, every rate constant a
// parameter, one gradient with rodas5p at rtol = atol = 10^-e, e = 6 and 10 (the benchmark argument),
// the checkpointed adjoint with its defaults, as bench/cvodes.cpp's BM_cvodes_stiff_set (BDF, dense
// Newton, hand-coded Jacobians) at the same tolerances. rel_err, rel_err_max against bench::reference
// (rodas5p at rtol 1e-12, checked against CVODES and finite differences by bench_cvodes).
// At 1e-6 the tolerances are loose for HIRES, whose states end between 6e-5 and 6e-3: atol = 1e-6 is
// 2 % of y3(t1); both solvers get the same tolerances, and the table reports the error each pays.
// VDPOL (van der Pol, ε = 1e-6) is not here: its dL/dε does not converge with the tolerance for either
// adjoint (tests/solve/test_stiff_set.cpp), so it measures no accuracy.
using bench::hires;
using bench::orego;

template <class Q>
void BM_stiff_set_costate(benchmark::State& st) {
  using EQ = bench::expressions<Q>;
  const double tol = 1.0 / std::pow(10.0, static_cast<double>(st.range(0)));
  const auto o = options<rodas5p>{.rtol = tol, .atol = tol};
  std::array<double, Q::n> z0 = Q::z0;
  std::array<double, Q::p> theta = Q::theta;
  auto g = gradient(EQ::system, z0, theta, bench::span_of<Q>, EQ::loss, o);
  for (auto _ : st) {
    benchmark::DoNotOptimize(z0);
    benchmark::DoNotOptimize(theta);
    g = gradient(EQ::system, z0, theta, bench::span_of<Q>, EQ::loss, o);
    benchmark::DoNotOptimize(g);
  }
  const auto& ref = bench::reference<Q>().dtheta;
  st.counters["rel_err"] = bench::rel_err(g.dtheta, ref);
  st.counters["rel_err_max"] = bench::rel_err_max(g.dtheta, ref);
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}
BENCHMARK_TEMPLATE(BM_stiff_set_costate, orego)->Arg(6)->Arg(10)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_stiff_set_costate, hires)->Arg(6)->Arg(10)->Unit(benchmark::kMicrosecond);

// The expressions and problems.hpp's f (which the peers use) must be the same system: at y (and θ).
template <class Q>
bool same_system(const char* name, const std::array<double, Q::n>& y) {
  std::array<double, Q::n> fa{}, fb{};
  const auto& th = bench::theta_of<Q>();
  forward_rhs<system_of_t<std::remove_cvref_t<decltype(bench::expressions<Q>::system)>>, double>{th.data(), nullptr}(y, fa, 0.0);
  Q::f(y.data(), th.data(), fb.data());
  double scale = 0.0;
  for (std::size_t i = 0; i < Q::n; ++i) scale = std::max(scale, std::abs(fb[i]));
  for (std::size_t i = 0; i < Q::n; ++i)
    if (std::abs(fa[i] - fb[i]) > 1e-12 * scale) {
      std::fprintf(stderr, "bench_stiff: %s: f[%zu] differs from problems.hpp: %.17g vs %.17g\n", name, i, fa[i], fb[i]);
      return false;
    }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // The expressions and problems.hpp's f (which the peers use) must be the same system.
  std::array<double, P::n> fa{}, fb{};
  const std::array<double, P::n> y{0.7, 2e-5, 0.3};
  forward_rhs<system_of_t<decltype(robertson)>, double>{P::theta.data(), nullptr}(y, fa, 0.0);
  P::f(y.data(), P::theta.data(), fb.data());
  for (std::size_t i = 0; i < P::n; ++i)
    if (std::abs(fa[i] - fb[i]) > 1e-12 * (std::abs(fb[i]) + 1e-3)) {
      std::fprintf(stderr, "bench_stiff: f[%zu] differs from problems.hpp: %.17g vs %.17g\n", i, fa[i], fb[i]);
      return 1;
    }
  if (!same_system<orego>("OREGO", {3.0e3, 0.5, 2.0e2}) ||
      !same_system<hires>("HIRES", {0.7, 0.1, 0.01, 0.2, 0.05, 0.3, 0.02, 0.004}))
    return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
