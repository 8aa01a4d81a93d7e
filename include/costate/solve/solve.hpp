// Forward solve: `solve(sys, z0, theta, {t0, t1}, options)` → the states at every accepted step.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "costate/solve/arguments.hpp"
#include "costate/solve/checkpoints.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"
#include "costate/system/generated.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"

namespace costate {

/// The states at every accepted step of a forward solve.
template <std::size_t N>
struct solution {
  /// t0, then the end of every accepted step; `t.back() == t1`.
  std::vector<double> t;                 // t0, then the end of every accepted step; t.back() == t1
  /// z(t[k]).
  std::vector<std::array<double, N>> z;  // z(t[k])
  /// Steps, rejected steps, right-hand-side and Jacobian evaluations.
  pass_stats stats;
  /// z(t1).
  const std::array<double, N>& final_state() const { return z.back(); }
};

namespace detail {
// z(t1) in scalar type T (double, or std::complex<double> for complex-step checks).
template <class T, class Sys, class St, class A>
std::array<T, Sys::states> final_state(const std::array<T, Sys::states>& z0, const T* theta, const double* inputs,
                                       time_span span, const options<St, A>& o, pass_stats* stats = nullptr,
                                       std::size_t states = Sys::states) {
  std::array<T, Sys::states> x = z0;
  // (states < Sys::states: the rest is a running loss's integral, with the quadrature tolerance.)
  require_atol_size("atol", o.atol, states);
  std::vector<double> each;
  const double q = o.quadrature_atol.value_or(o.atol.smallest());
  const tolerances tol = pass_tolerances(o.rtol, each, o.atol.per_state() ? q : o.atol.value(), {{&o.atol, states, Sys::states, q}});
  using rhs_t = std::conditional_t<std::is_same_v<T, double>, typename kernels_of<Sys>::forward, forward_rhs<Sys, T>>;
  const rhs_t f{theta, inputs};
  // In double, the recorder type of gradient()'s forward pass (recording nothing), passed the same way
  // (as a temporary): one instantiation of the step loop for both.
  pass_stats s;
  if constexpr (std::is_same_v<T, double>)
    s = integrate(o.stepper, f, x, span.t0, span.t1, tol, o.max_steps, "forward", forward_recorder<Sys::states>{});
  else
    s = integrate(o.stepper, f, x, span.t0, span.t1, tol, o.max_steps, "forward", no_observer{});
  if (stats) *stats = s;
  return x;
}
}  // namespace detail

/// Integrates dz/dt = f(z, θ, t) from z(t0) = z0 to t1.
///
/// \param sys the system (`ode(...)`, a bound or a generated system)
/// \param z0 the initial state: a std::array<double, n> or a std::span<const double, n>
/// \param theta the parameters (their number p, like n, is checked at compile time)
/// \param span {t0, t1}, t1 > t0
/// \param opt stepper and tolerances
/// \return the states at every accepted step
/// \throws costate::error on non-finite arguments, bad options, or a pass that fails (out of steps, step size underflow)
template <SystemLike S, class Z0, class Theta, class St = dopri5, class A = checkpointed>
solution<system_of_t<S>::states> solve(const S& sys, const Z0& z0, const Theta& theta, time_span span,
                                       const options<St, A>& opt = {}) {
  using Sys = system_of_t<S>;
  constexpr std::size_t n = Sys::states, p = Sys::params;
  static_assert(detail::check_size<Z0, n, detail::z0_size_does_not_match_the_system>());
  static_assert(detail::check_size<Theta, p, detail::theta_size_does_not_match_the_system>());
  detail::require_finite("z0", z0);
  detail::require_finite("theta", theta);
  detail::require_finite_inputs(sys);
  detail::require_valid_span(span);
  detail::require_valid_options(opt);

  const auto th = detail::to_array<double, p>(theta);
  solution<n> sol;
  std::array<double, n> x = detail::to_array<double, n>(z0);
  sol.t.push_back(span.t0);
  sol.z.push_back(x);
  const typename detail::kernels_of<Sys>::forward f{th.data(), detail::input_values(sys)};
  detail::require_atol_size("atol", opt.atol, n);
  std::vector<double> each;
  const detail::tolerances tol = detail::pass_tolerances(opt.rtol, each, opt.atol.smallest(), {{&opt.atol, n, n, 0.0}});
  sol.stats = detail::integrate(opt.stepper, f, x, span.t0, span.t1, tol, opt.max_steps, "forward",
                                [&](double t, const std::array<double, n>& z) {
                                  sol.t.push_back(t);
                                  sol.z.push_back(z);
                                });
  return sol;
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::solve;
}  // namespace prelude
}  // namespace costate
