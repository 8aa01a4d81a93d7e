// relu(a) = max(a, 0); derivative step(a), taken as 0 at a = 0.
#pragma once
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/step.hpp"

namespace costate {
struct relu_op {
  static constexpr int id = 20;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "relu", "\\operatorname{relu}", precedence::atom};
  // a · step(Re a): equal to max(a, 0) for real a, analytic along a complex-step perturbation.
  template <class T> static constexpr T eval(const T& a) { return a * step_op::eval(a); }
  template <class Self, class A> using partials = detail::tlist<node<step_op, A>>;
};
}  // namespace costate
