// sqrt(a): sqrt(0) = 0 with derivative inf; NaN below 0.
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
struct div_op;
struct sqrt_op {
  static constexpr const char* name = "sqrt";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sqrt", "\\sqrt", precedence::atom};
  static constexpr const char* cpp = "std::sqrt";
  template <class T> static T eval(const T& a) { using std::sqrt; return sqrt(a); }
  // ∂/∂a = (1/2)/sqrt(a): reuses the node itself.
  template <class Self, class A> using partials = detail::tlist<node<div_op, constant<1, 2>, Self>>;
};

template <Expr A> constexpr node<sqrt_op, A> sqrt(A) { return detail::make<sqrt_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::sqrt;
}  // namespace prelude
}  // namespace costate
