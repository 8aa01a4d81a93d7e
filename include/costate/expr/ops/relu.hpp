// relu(a) = max(a, 0); derivative step(a), taken as 0 at a = 0. relu(-inf) = 0 and relu(NaN) = 0, as in
// generated code (costate_relu): the branch is on a > 0, like step and sign.
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct step_op;
struct relu_op {
  static constexpr const char* name = "relu";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "relu", "\\operatorname{relu}", precedence::atom};
  static constexpr const char* cpp = "costate_relu";
  static constexpr const char* cpp_definition = "inline double costate_relu(double x) { return x > 0 ? x : 0.0; }\n";
  // A branch on Re a: analytic along a complex-step perturbation. (Not a · step(a): -inf · 0 is NaN.)
  template <class T> static constexpr T eval(const T& a) { return detail::real_part(a) > 0 ? a : T(0); }
  template <class Self, class A> using partials = detail::tlist<node<step_op, A>>;
};

template <Expr A> constexpr node<relu_op, A> relu(A) { return detail::make<relu_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::relu;
}  // namespace prelude
}  // namespace costate
