// A stiff problem: Robertson's chemical kinetics on t ∈ [0, 40] (bench/problems.hpp), L = ½|y(t1)|².
//
//   BM_robertson_costate  one gradient with rosenbrock4 at rtol = 1e-6, atol = 1e-10 (the checkpointed
//                         adjoint, the only one rosenbrock4 takes), as bench/cvodes.cpp's BDF peer.
//
// Counters: rel_err = max_k |dθ_k − ref_k| / max_k |ref_k| and rel_err_max = max_k |dθ_k − ref_k| / |ref_k|
// (θ = (k1, k2, k3) spans 0.04 … 3e7, so the gradient's components differ by orders of magnitude),
// against dθ at rtol = 1e-12, atol = 1e-18; steps_fwd and steps_bwd.
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

#include "problems.hpp"

using namespace costate;

namespace {

using P = bench::robertson;
constexpr auto y0 = state<0>;
constexpr auto y1 = state<1>;
constexpr auto y2 = state<2>;
constexpr auto k1 = param<0>;
constexpr auto k2 = param<1>;
constexpr auto k3 = param<2>;
constexpr auto robertson = ode(-k1 * y0 + k3 * y1 * y2,
                               k1 * y0 - k2 * y1 * y1 - k3 * y1 * y2,
                               k2 * y1 * y1);
constexpr auto loss = terminal_loss(0.5_c * (y0 * y0 + y1 * y1 + y2 * y2));
constexpr time_span span{P::t0, P::t1};
const auto opt = options{.stepper = rosenbrock4{}, .rtol = 1e-6, .atol = 1e-10};

const std::array<double, P::p>& reference() {
  static const auto g = gradient(robertson, P::z0, P::theta, span, loss,
                                 options{.stepper = rosenbrock4{}, .rtol = 1e-12, .atol = 1e-18});
  return g.dtheta;
}

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
  const auto& ref = reference();
  double e = 0, s = 0, each = 0;
  for (std::size_t k = 0; k < P::p; ++k) {
    e = std::max(e, std::abs(g.dtheta[k] - ref[k]));
    s = std::max(s, std::abs(ref[k]));
    each = std::max(each, std::abs(g.dtheta[k] - ref[k]) / std::abs(ref[k]));
  }
  st.counters["rel_err"] = e / s;
  st.counters["rel_err_max"] = each;
  st.counters["steps_fwd"] = static_cast<double>(g.stats.forward.steps);
  st.counters["steps_bwd"] = static_cast<double>(g.stats.backward.steps);
}
BENCHMARK(BM_robertson_costate)->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  // The formulas here and in problems.hpp (which the peers use) must be the same system.
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
