// sign(a) ∈ {-1, 0, 1}, sign(0) = sign(NaN) = 0; its derivative is zero (almost everywhere). Appears as abs'.
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct sign_op {
  static constexpr const char* name = "sign";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sign", "\\operatorname{sign}", precedence::atom};
  static constexpr const char* cpp = "costate_sign";
  static constexpr const char* cpp_definition = "inline double costate_sign(double x) { return double((x > 0) - (x < 0)); }\n";
  // For complex-step checks the sign of the real part: keeps abs analytic in the perturbation.
  template <class T> static constexpr T eval(const T& a) {
    const double r = detail::real_part(a);
    return T(r > 0 ? 1.0 : (r < 0 ? -1.0 : 0.0));
  }
  template <class Self, class A> using partials = detail::tlist<zero>;
};

template <Expr A> constexpr node<sign_op, A> sign(A) { return detail::make<sign_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::sign;
}  // namespace prelude
}  // namespace costate
