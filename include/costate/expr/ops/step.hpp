// step(a): 1 for a > 0, else 0 (the Heaviside function; step(0) = step(NaN) = 0); derivative zero.
// Appears as relu'.
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct step_op {
  static constexpr const char* name = "step";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "step", "\\operatorname{step}", precedence::atom};
  static constexpr const char* cpp = "costate_step";
  static constexpr const char* cpp_definition = "inline double costate_step(double x) { return x > 0 ? 1.0 : 0.0; }\n";
  template <class T> static constexpr T eval(const T& a) { return T(detail::real_part(a) > 0 ? 1.0 : 0.0); }
  template <class Self, class A> using partials = detail::tlist<zero>;
};

template <Expr A> constexpr node<step_op, A> step(A) { return detail::make<step_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::step;
}  // namespace prelude
}  // namespace costate
