// Validation of the arguments of solve, gradient and check_gradient: sizes at compile time,
// values (finite, ordered times) at run time.
#pragma once

#include <algorithm>
#include <array>
#include <initializer_list>
#include <limits>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "costate/error.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"
#include "costate/system/ode.hpp"

namespace costate {
namespace detail {

template <class A> struct fixed_extent : std::integral_constant<std::size_t, std::dynamic_extent> {};
template <class T, std::size_t N> struct fixed_extent<std::array<T, N>> : std::integral_constant<std::size_t, N> {};
template <class T, std::size_t N> struct fixed_extent<std::span<T, N>> : std::integral_constant<std::size_t, N> {};

// The names of these templates and their arguments appear in the compiler's message.
template <std::size_t SizeOfZ0, std::size_t NumberOfStates>
struct z0_size_does_not_match_the_system {
  static_assert(SizeOfZ0 == NumberOfStates,
                "costate: z0 must hold one value per state of the system (template arguments: <size of z0, number of states>)");
  static constexpr bool value = true;
};
template <std::size_t SizeOfTheta, std::size_t NumberOfParams>
struct theta_size_does_not_match_the_system {
  static_assert(SizeOfTheta == NumberOfParams,
                "costate: theta must hold one value per param<k> of the system and loss, k = 0 .. largest index "
                "(template arguments: <size of theta, number of parameters>)");
  static constexpr bool value = true;
};
template <class A>
struct size_must_be_known_at_compile_time {
  static_assert(fixed_extent<std::remove_cvref_t<A>>::value != std::dynamic_extent,
                "costate: pass z0 and theta as std::array<double, N> or std::span<const double, N>, sized at compile time");
  static constexpr bool value = true;
};

template <class A, std::size_t Expected, template <std::size_t, std::size_t> class Diagnostic>
constexpr bool check_size() {
  static_assert(size_must_be_known_at_compile_time<A>::value);
  static_assert(Diagnostic<fixed_extent<std::remove_cvref_t<A>>::value, Expected>::value);
  return true;
}

template <class T, std::size_t N, class A>
std::array<T, N> to_array(const A& a) {
  std::array<T, N> r{};
  for (std::size_t i = 0; i < N; ++i) r[i] = T(a[i]);
  return r;
}

template <class A>
void require_finite(const char* what, const A& a) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!is_finite(a[i]))
      throw error(std::string(what) + "[" + std::to_string(i) + "] is not finite (" + format_time(re(a[i])) + ")");
}

template <class S>
void require_finite_inputs(const S& s) {
  if constexpr (is_bound<S>::value) require_finite("inputs", s.inputs);
}

inline void require_valid_span(time_span s) {
  if (!std::isfinite(s.t0) || !std::isfinite(s.t1))
    throw error("the time span {t0, t1} = {" + format_time(s.t0) + ", " + format_time(s.t1) + "} is not finite");
  if (s.t0 == s.t1) throw error("t0 == t1 = " + format_time(s.t0) + ": the time span is empty");
  if (s.t1 < s.t0)
    throw error("t1 = " + format_time(s.t1) + " is before t0 = " + format_time(s.t0) + ": pass {t0, t1} with t1 > t0");
}

inline void require_valid_atol(const char* name, const absolute_tolerance& a) {
  if (!a.is_set()) throw error(std::string(name) + " is unset (`{}`): give one number for all states, or one per state");
  if (a.per_state() && a.size() == 0) throw error(std::string(name) + " = {} lists no values (one per state, or one number for all)");
  for (std::size_t i = 0; i < std::max<std::size_t>(a.size(), 1); ++i)
    if (!(std::isfinite(a[i]) && a[i] >= 0))
      throw error(std::string(name) + (a.per_state() ? "[" + std::to_string(i) + "]" : std::string()) +
                  " must be finite and non-negative (got " + format_time(a[i]) + ")");
}

template <class St, class A>
void require_valid_options(const options<St, A>& o) {
  const adjoint_method m = o.adjoint;
  const auto positive = [](double v) { return std::isfinite(v) && v >= 0; };
  if (!positive(o.rtol)) throw error("tolerances: rtol must be finite and non-negative (got " + format_time(o.rtol) + ")");
  require_valid_atol("atol", o.atol);
  const double art = o.adjoint_rtol.value_or(o.rtol);
  if (!positive(art)) throw error("adjoint_rtol must be finite and non-negative (got " + format_time(art) + ")");
  if (o.adjoint_atol.is_set()) require_valid_atol("adjoint_atol", o.adjoint_atol);
  const absolute_tolerance& aat = o.adjoint_atol.is_set() ? o.adjoint_atol : o.atol;
  if (o.quadrature_atol && !positive(*o.quadrature_atol))
    throw error("quadrature_atol must be finite and non-negative (got " + format_time(*o.quadrature_atol) + ")");
  // With rtol = 0 every component needs an absolute tolerance, and with atol = 0 rtol must be one
  // that double precision can meet: components at 0 (or crossing it) are otherwise never accepted.
  const auto check_pair = [](const char* which, double rtol, const absolute_tolerance& a) {
    if (a.smallest() == 0 && rtol < 1e-15)
      throw error(std::string(which) + ": with an absolute tolerance of 0, rtol must be at least 1e-15 (got rtol = " +
                  format_time(rtol) + ", atol = " + format_time(a.smallest()) + ")");
  };
  check_pair("tolerances", o.rtol, o.atol);
  check_pair("adjoint tolerances", art, aat);
  if (o.quadrature_atol) check_pair("quadrature tolerances", art, absolute_tolerance(*o.quadrature_atol));
  if (o.max_steps == 0) throw error("max_steps must be positive");
  if (m.segments > 1'000'000)
    throw error("checkpointed{count} needs count <= 1e6 (0 places checkpoints automatically; got " +
                std::to_string(m.segments) + ")");
  if (m.segments == 0 && m.steps_per_checkpoint == 0)
    throw error("adjoint_method::steps_per_checkpoint must be at least 1");
  if (m.segments == 0 && m.max_checkpoints < 2)
    throw error("adjoint_method::max_checkpoints must be at least 2");
  if (!(m.max_drift >= 0))
    throw error("adjoint_method::max_drift must be non-negative (got " + format_time(m.max_drift) + ")");
  if (!std::isfinite(o.stepper.dt) || o.stepper.dt < 0)
    throw error("the stepper's dt must be finite and non-negative (got " + format_time(o.stepper.dt) + ")");
}

// Per-state absolute tolerances must list one value per state of the system.
inline void require_atol_size(const char* name, const absolute_tolerance& a, std::size_t states) {
  if (a.per_state() && a.size() != states)
    throw error(std::string(name) + " lists " + std::to_string(a.size()) + " values, but the system has " +
                std::to_string(states) + " states (one value per state, or one number for all)");
}

// The tolerances of one pass over a state laid out as blocks of components: `each` (owned by the
// caller, who keeps it alive while the result is used) receives per-component absolute tolerances
// where any block has them; otherwise every component shares `rest`.
struct atol_block {
  const absolute_tolerance* atol;  // its value for state i < states
  std::size_t states;
  std::size_t count;  // components in the block (states, or states + 1 with a running loss's integral)
  double extra;       // the absolute tolerance of components states .. count - 1
};
inline tolerances pass_tolerances(double rtol, std::vector<double>& each, double rest, std::initializer_list<atol_block> blocks) {
  each.clear();
  bool listed = false;
  for (const atol_block& b : blocks)
    listed = listed || b.atol->per_state() || (b.states > 0 && (*b.atol)[0] != rest) || (b.count > b.states && b.extra != rest);
  if (listed)
    for (const atol_block& b : blocks)
      for (std::size_t i = 0; i < b.count; ++i) each.push_back(i < b.states ? (*b.atol)[i] : b.extra);
  return {rtol, rest, std::numeric_limits<std::size_t>::max(), each.empty() ? nullptr : each.data(), each.size()};
}

}  // namespace detail
}  // namespace costate
