// A stiff problem: Robertson's chemical kinetics on t ∈ [0, 40] (bench/problems.hpp), L = ½|y(t1)|².
//
//   BM_robertson_costate  one gradient with rosenbrock4 at rtol = 1e-6, atol = 1e-10 (the checkpointed
//                         adjoint, the only one rosenbrock4 takes), as bench/cvodes.cpp's BDF peer.
//
// Counters: rel_err = max_k |dθ_k − ref_k| / max_k |ref_k| and rel_err_max = max_k |dθ_k − ref_k| / |ref_k|
// (θ = (k1, k2, k3) spans 0.04 … 3e7, so the gradient's components differ by orders of magnitude),
// against bench::reference (rosenbrock4 at rtol = 1e-12, atol = 1e-20); steps_fwd and steps_bwd.
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
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}
BENCHMARK_TEMPLATE(BM_roberts_asai_costate, rodas5p)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_roberts_asai_costate, rosenbrock4)->Unit(benchmark::kMicrosecond);

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
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
