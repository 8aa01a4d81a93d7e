// How every benchmark times one evaluation of an augmented adjoint right-hand side, so that costate,
// the hand-written code and ADOL-C are timed the same way on the same state.
#pragma once

#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <type_traits>

#include "problems.hpp"

namespace bench {

// The augmented state [z (n), λ (n), g_θ (p), g_t (1)] the VJP benchmarks evaluate at.
template <class P>
std::array<double, 2 * P::n + P::p + 1> vjp_state() {
  if constexpr (std::is_same_v<P, lotka_volterra>) {
    return {1.1, 0.9, 0.4, -0.7, 0.01, 0.02, 0.03, 0.04, 0.0};
  } else {
    std::array<double, 2 * P::n + P::p + 1> s{};
    s[0] = 1.1;
    s[1] = -0.4;
    s[2] = 0.4;
    s[3] = -0.7;
    for (std::size_t k = 4; k < s.size(); ++k) s[k] = 0.01 * static_cast<double>(k % 7);
    return s;
  }
}

// DoNotOptimize(s) with its memory clobber makes the compiler assume the state (and θ) changed
// between iterations, so nothing is hoisted out of the loop; DoNotOptimize(ds) keeps every output alive.
template <class P, class Rhs>
void run_vjp(benchmark::State& st, const Rhs& rhs) {
  auto s = vjp_state<P>();
  decltype(s) ds{};
  double t = 0.5;
  for (auto _ : st) {
    benchmark::DoNotOptimize(s);
    benchmark::DoNotOptimize(t);
    rhs(s, ds, t);
    benchmark::DoNotOptimize(ds);
    benchmark::ClobberMemory();
  }
}

}  // namespace bench
