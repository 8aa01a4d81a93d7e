// The benchmark problems of problems.hpp as costate expressions, with the reference gradients every
// benchmark's accuracy (the counter rel_err) is measured against. Shared by all benchmark binaries,
// so that costate's side, the peers' checks and the references are one definition.
#pragma once

#include <costate/costate.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>

#include "problems.hpp"

namespace bench {

template <class P> struct expressions;

template <>
struct expressions<lotka_volterra> {
  static constexpr auto x = costate::state<0>;
  static constexpr auto y = costate::state<1>;
  static constexpr auto a = costate::param<0>;
  static constexpr auto b = costate::param<1>;
  static constexpr auto c = costate::param<2>;
  static constexpr auto d = costate::param<3>;
  static constexpr auto system = costate::ode(a * x - b * x * y,
                                              -c * y + d * x * y);
  static constexpr auto loss = costate::terminal_loss(costate::constant<1, 2>{} * (x * x + y * y));
  static inline const auto reference_options = costate::options<>{.rtol = 1e-13, .atol = 1e-13};
};

template <std::size_t H>
struct expressions<neural_ode<H>> {
  using P = neural_ode<H>;
  static constexpr auto z = costate::state_vector<2>;
  static constexpr auto net = costate::params(costate::matrix<H, 2>, costate::vector<H>, costate::matrix<2, H>, costate::vector<2>);
  static constexpr auto W1 = net.template get<0>();
  static constexpr auto b1 = net.template get<1>();
  static constexpr auto W2 = net.template get<2>();
  static constexpr auto b2 = net.template get<3>();
  static constexpr auto system = costate::ode(W2 * tanh(W1 * z + b1) + b2);
  static constexpr auto loss = costate::terminal_loss(costate::constant<1, 2>{} * dot(z, z));
  static inline const auto reference_options = costate::options<>{.rtol = 1e-13, .atol = 1e-13};
  // θ in problems.hpp's order, so that both forms read the same array.
  static_assert(net.size == P::p);
  static_assert(decltype(W1)::index == P::oW1 && decltype(b1)::index == P::ob1 && decltype(W2)::index == P::oW2 &&
                decltype(b2)::index == P::ob2);
};

// Lorenz-96 in tensor form: the cyclic neighbours are rolls of x, roll<k>(x)[i] = x[i-k]
// (x_{i+1} = roll<-1>, x_{i-1} = roll<1>, x_{i-2} = roll<2>), read in place by the plan.
template <std::size_t N>
struct expressions<lorenz96<N>> {
  static constexpr auto x = costate::state_vector<N>;
  static constexpr auto F = costate::params(costate::vector<N>).template get<0>();
  static constexpr auto system = costate::ode((costate::roll<-1>(x) - costate::roll<2>(x)) * costate::roll<1>(x) - x + F);
  static constexpr auto loss = costate::terminal_loss(costate::constant<1, 2>{} * dot(x, x));
  static inline const auto reference_options = costate::options<>{.rtol = 1e-13, .atol = 1e-13};
};

template <>
struct expressions<robertson> {
  static constexpr auto y0 = costate::state<0>;
  static constexpr auto y1 = costate::state<1>;
  static constexpr auto y2 = costate::state<2>;
  static constexpr auto k1 = costate::param<0>;
  static constexpr auto k2 = costate::param<1>;
  static constexpr auto k3 = costate::param<2>;
  static constexpr auto system = costate::ode(-k1 * y0 + k3 * y1 * y2,
                                              k1 * y0 - k2 * y1 * y1 - k3 * y1 * y2,
                                              k2 * y1 * y1);
  static constexpr auto loss = costate::terminal_loss(costate::constant<1, 2>{} * (y0 * y0 + y1 * y1 + y2 * y2));
  // Checked against central differences of a CVODES forward solve at 1e-12 (to 9e-8).
  static inline const auto reference_options = costate::options<costate::rosenbrock4>{.rtol = 1e-12, .atol = 1e-20};
};

// OREGO with θ = (s, q, w) and the weighted loss of problems.hpp. Reference: rodas5p at rtol 1e-12,
// atol 1e-12 on y1 and y3 (both ≥ 1 throughout) and 1e-15 on y2 (down to 3e-3). Measured: it agrees
// with rtol 1e-13 (atol ÷ 10) to 6e-11, with CVODES' adjoint at rtol 1e-12 to 3.3e-10 and with
// fourth-order central differences of CVODES to 2.7e-8, componentwise (bench_cvodes checks the last two).
template <>
struct expressions<orego> {
  static constexpr auto y1 = costate::state<0>;
  static constexpr auto y2 = costate::state<1>;
  static constexpr auto y3 = costate::state<2>;
  static constexpr auto s = costate::param<0>;
  static constexpr auto q = costate::param<1>;
  static constexpr auto w = costate::param<2>;
  static constexpr auto system = costate::ode(s * (y2 + y1 * (costate::constant<1>{} - q * y1 - y2)),
                                              (y3 - (costate::constant<1>{} + y1) * y2) / s,
                                              w * (y1 - y3));
  // ½ (y1² + 1e-6 y2² + 1e-4 y3²): orego::loss_weight.
  static constexpr auto loss = costate::terminal_loss(
      costate::constant<1, 2>{} * (y1 * y1 + costate::constant<1, 1000000>{} * (y2 * y2) + costate::constant<1, 10000>{} * (y3 * y3)));
  static inline const auto reference_options = costate::options<costate::rodas5p>{.rtol = 1e-12, .atol = {1e-12, 1e-15, 1e-12}};
};

// HIRES with θ = its 12 distinct rate constants (problems.hpp). Reference: rodas5p at rtol 1e-12,
// atol 1e-14 (the states end between 6e-5 and 6e-3). Measured: it agrees with rtol 1e-13, atol 1e-16
// to 4e-12, with CVODES' adjoint at rtol 1e-12 to 1.8e-10 and with fourth-order central differences of
// CVODES to 4.8e-8, componentwise (bench_cvodes checks the last two).
template <>
struct expressions<hires> {
  static constexpr auto y1 = costate::state<0>;
  static constexpr auto y2 = costate::state<1>;
  static constexpr auto y3 = costate::state<2>;
  static constexpr auto y4 = costate::state<3>;
  static constexpr auto y5 = costate::state<4>;
  static constexpr auto y6 = costate::state<5>;
  static constexpr auto y7 = costate::state<6>;
  static constexpr auto y8 = costate::state<7>;
  static constexpr auto k1 = costate::param<0>;   // 1.71
  static constexpr auto k2 = costate::param<1>;   // 0.43
  static constexpr auto k3 = costate::param<2>;   // 8.32
  static constexpr auto k4 = costate::param<3>;   // 0.0007
  static constexpr auto k5 = costate::param<4>;   // 8.75
  static constexpr auto k6 = costate::param<5>;   // 10.03
  static constexpr auto k7 = costate::param<6>;   // 0.035
  static constexpr auto k8 = costate::param<7>;   // 1.12
  static constexpr auto k9 = costate::param<8>;   // 1.745
  static constexpr auto k10 = costate::param<9>;  // 280
  static constexpr auto k11 = costate::param<10>; // 0.69
  static constexpr auto k12 = costate::param<11>; // 1.81
  static constexpr auto system = costate::ode(-k1 * y1 + k2 * y2 + k3 * y3 + k4,
                                              k1 * y1 - k5 * y2,
                                              -k6 * y3 + k2 * y4 + k7 * y5,
                                              k3 * y2 + k1 * y3 - k8 * y4,
                                              -k9 * y5 + k2 * y6 + k2 * y7,
                                              -k10 * y6 * y8 + k11 * y4 + k1 * y5 - k2 * y6 + k11 * y7,
                                              k10 * y6 * y8 - k12 * y7,
                                              -k10 * y6 * y8 + k12 * y7);
  static constexpr auto loss = costate::terminal_loss(costate::constant<1, 2>{} * (y1 * y1 + y2 * y2 + y3 * y3 + y4 * y4 +
                                                                                   y5 * y5 + y6 * y6 + y7 * y7 + y8 * y8));
  static inline const auto reference_options = costate::options<costate::rodas5p>{.rtol = 1e-12, .atol = 1e-14};
};

template <class P>
const std::array<double, P::p>& theta_of() {
  if constexpr (requires { P::theta(); }) return P::theta();
  else return P::theta;
}

template <class P>
inline constexpr costate::time_span span_of{P::t0, P::t1};

// Backsolve over one segment: the algorithm the hand-written and taped adjoints implement (z
// re-integrated backward with λ from z(t1) to z0), so that the peers differ in their right-hand
// sides only. costate's `backsolve` restarts z at automatic checkpoints instead and compares it with
// the forward pass's there (options.hpp); on these problems no interval falls back at dopri5 1e-8.
inline constexpr costate::backsolve backsolve_one_segment{.segments = 1};
// The same without the drift check, for fixed steps: rk4 with N = 100 steps on Lotka–Volterra is
// accurate to 2e-3 only, and its backward z differs from the forward one by more than 100 times the
// (unused) tolerance 1e-8, so the checked backsolve would redo the segment with z interpolated.
inline constexpr costate::backsolve backsolve_unchecked{.segments = 1, .max_drift = std::numeric_limits<double>::infinity()};

// The options of a benchmark's adjoint variant at the stepper and tolerances of `o`: 0 backsolve in
// one segment (as the hand-written peers), 1 the default checkpointed adjoint (options<St>, the type a
// user compiles), 2 costate's backsolve (z restarted and checked at automatic checkpoints).
template <int Adjoint, class St, class A>
auto adjoint_variant(const costate::options<St, A>& o) {
  if constexpr (Adjoint == 0)
    return costate::options<St, costate::backsolve>{.stepper = o.stepper, .rtol = o.rtol, .atol = o.atol, .adjoint = backsolve_one_segment};
  else if constexpr (Adjoint == 1)
    return costate::options<St>{.stepper = o.stepper, .rtol = o.rtol, .atol = o.atol};
  else
    return costate::options<St, costate::backsolve>{.stepper = o.stepper, .rtol = o.rtol, .atol = o.atol};
}

// The gradient at the reference tolerances (computed once).
template <class P>
const auto& reference() {
  static const auto r = costate::gradient(expressions<P>::system, P::z0, theta_of<P>(), span_of<P>, expressions<P>::loss,
                                          expressions<P>::reference_options);
  return r;
}

// max_k |a_k − ref_k| / max_k |ref_k| over the first K entries of a.
template <class A, std::size_t K>
double rel_err(const A& a, const std::array<double, K>& ref) {
  double diff = 0.0, scale = 0.0;
  for (std::size_t k = 0; k < K; ++k) {
    diff = std::max(diff, std::abs(a[k] - ref[k]));
    scale = std::max(scale, std::abs(ref[k]));
  }
  return diff / scale;
}

// SUNDIALS' cvsRoberts_ASAi_dns (bench/cvodes.cpp, bench/stiff.cpp): dG/dp of G = ∫ y3 dt over
// [0, 4e7], p = (0.04, 1e4, 3e7), converged: costate's rosenbrock4 at rtol 1e-11 and 1e-12 (atol
// 1e-8 rtol) agree to 1e-9; bench_cvodes checks CVODES at 1e-12 against it.
inline constexpr std::array<double, 3> roberts_asai_reference{7.683773270e5, -3.068920919, 5.114889977e-4};
// dG/dy0, the same way (rodas5p at rtol 1e-12 and 1e-13 agree to 11 digits).
inline constexpr std::array<double, 3> roberts_asai_reference_y0{3.9967183670e7, 3.9967208669e7, 3.9967208667e7};

// max_k |a_k − ref_k| / |ref_k|: every component on its own scale (Robertson's dθ span nine decades).
template <class A, std::size_t K>
double rel_err_max(const A& a, const std::array<double, K>& ref) {
  double worst = 0.0;
  for (std::size_t k = 0; k < K; ++k) worst = std::max(worst, std::abs(a[k] - ref[k]) / std::abs(ref[k]));
  return worst;
}

}  // namespace bench
