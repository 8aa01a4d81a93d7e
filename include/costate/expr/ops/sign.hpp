// sign(a) ∈ {-1, 0, 1}; its derivative is zero (almost everywhere). Appears as abs'.
#pragma once
#include <complex>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"

namespace costate {
namespace detail {
template <class T> constexpr double real_part(const T& a) { return static_cast<double>(a); }
template <class T> constexpr double real_part(const std::complex<T>& a) { return static_cast<double>(a.real()); }
}  // namespace detail

struct sign_op {
  static constexpr int id = 17;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sign", "\\operatorname{sign}", precedence::atom};
  // For complex-step checks the sign of the real part: keeps abs analytic in the perturbation.
  template <class T> static constexpr T eval(const T& a) {
    const double r = detail::real_part(a);
    return T(r > 0 ? 1.0 : (r < 0 ? -1.0 : 0.0));
  }
  template <class Self, class A> using partials = detail::tlist<zero>;
};
}  // namespace costate
