// Validation of the arguments of solve, gradient and check_gradient: sizes at compile time,
// values (finite, ordered times) at run time.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <span>
#include <string>
#include <type_traits>

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

template <class St>
void require_valid_options(const options<St>& o) {
  const auto positive = [](double v) { return std::isfinite(v) && v >= 0; };
  if (!positive(o.rtol) || !positive(o.atol) || (o.rtol == 0 && o.atol == 0))
    throw error("tolerances must be finite, non-negative and not both zero (rtol = " + format_time(o.rtol) +
                ", atol = " + format_time(o.atol) + ")");
  const double art = o.adjoint_rtol.value_or(o.rtol), aat = o.adjoint_atol.value_or(o.atol);
  if (!positive(art) || !positive(aat) || (art == 0 && aat == 0))
    throw error("adjoint tolerances must be finite, non-negative and not both zero (adjoint_rtol = " + format_time(art) +
                ", adjoint_atol = " + format_time(aat) + ")");
  if ((o.atol == 0 && o.rtol < 1e-15) || (aat == 0 && art < 1e-15))
    throw error("with atol = 0, rtol must be at least 1e-15 (double precision cannot meet less)");
  if (o.max_steps == 0) throw error("max_steps must be positive");
  if (o.adjoint.segments > 1'000'000)
    throw error("checkpointed{count} needs count <= 1e6 (0 places checkpoints automatically; got " +
                std::to_string(o.adjoint.segments) + ")");
  if (o.adjoint.segments == 0 && o.adjoint.steps_per_checkpoint == 0)
    throw error("adjoint_method::steps_per_checkpoint must be at least 1");
  if (o.adjoint.segments == 0 && o.adjoint.max_checkpoints < 2)
    throw error("adjoint_method::max_checkpoints must be at least 2");
  if (!(o.adjoint.max_drift >= 0))
    throw error("adjoint_method::max_drift must be non-negative (got " + format_time(o.adjoint.max_drift) + ")");
  if (!std::isfinite(o.stepper.dt) || o.stepper.dt < 0)
    throw error("the stepper's dt must be finite and non-negative (got " + format_time(o.stepper.dt) + ")");
}

}  // namespace detail
}  // namespace costate
