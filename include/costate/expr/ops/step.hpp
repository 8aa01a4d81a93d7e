// step(a): 1 for a > 0, else 0 (the Heaviside function); derivative zero. Appears as relu'.
#pragma once
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/sign.hpp"

namespace costate {
struct step_op {
  static constexpr int id = 19;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "step", "\\operatorname{step}", precedence::atom};
  template <class T> static constexpr T eval(const T& a) { return T(detail::real_part(a) > 0 ? 1.0 : 0.0); }
  template <class Self, class A> using partials = detail::tlist<zero>;
};
}  // namespace costate
