// softplus(a) = log(1 + exp(a))
#pragma once
#include <cmath>
#include <complex>
#include <type_traits>
#include "costate/expr/operation.hpp"

namespace costate {
struct sigmoid_op;
namespace detail {
// log(1 + w) for complex w, accurate when |w| is tiny (the complex step of softplus far below 0):
// log|1 + w| = ½ log1p(2 Re w + |w|²), arg(1 + w) = atan2(Im w, 1 + Re w).
template <class T>
std::complex<T> log1p(const std::complex<T>& w) {
  const T u = w.real(), v = w.imag();
  return {T(0.5) * std::log1p(T(2) * u + u * u + v * v), std::atan2(v, T(1) + u)};
}
template <class T>
  requires std::is_floating_point_v<T>
T log1p(T w) {
  return std::log1p(w);
}
}  // namespace detail

struct softplus_op {
  static constexpr const char* name = "softplus";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "softplus", "\\operatorname{softplus}", precedence::atom};
  static constexpr const char* cpp = "costate_softplus";
  static constexpr const char* cpp_definition = "inline double costate_softplus(double x) { return (x > 0 ? x : 0.0) + std::log1p(std::exp(-std::abs(x))); }\n";
  // log(1 + e^a) overflows for large a and rounds to 0 for a ≪ 0; a + log1p(e^-a) above 0 and
  // log1p(e^a) below are exact in every scalar type (the branch is on the real part, so a complex
  // step stays analytic) over the whole double range.
  template <class T> static T eval(const T& a) {
    using std::exp;
    return detail::real_part(a) > 0 ? a + detail::log1p(exp(-a)) : detail::log1p(exp(a));
  }
  template <class Self, class A> using partials = detail::tlist<node<sigmoid_op, A>>;
};

template <Expr A> constexpr node<softplus_op, A> softplus(A) { return detail::make<softplus_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::softplus;
}  // namespace prelude
}  // namespace costate
