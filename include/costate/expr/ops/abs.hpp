// |a|; derivative sign(a), taken as 0 at a = 0.
#pragma once
#include "costate/expr/operation.hpp"
#include "costate/expr/ops/sign.hpp"

namespace costate {
struct abs_op {
  static constexpr const char* name = "abs";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "abs", "\\operatorname{abs}", precedence::atom};
  static constexpr const char* cpp = "std::abs";
  // a * sign(Re a) instead of std::abs: equal for real a, and analytic along a complex-step perturbation.
  template <class T> static constexpr T eval(const T& a) { return a * sign_op::eval(a); }
  template <class Self, class A> using partials = detail::tlist<node<sign_op, A>>;
};

template <Expr A> constexpr node<abs_op, A> abs(A) { return detail::make<abs_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::abs;
}  // namespace prelude
}  // namespace costate
