// sqrt(a)
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/div.hpp"

namespace costate {
struct sqrt_op {
  static constexpr int id = 8;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sqrt", "\\sqrt", precedence::atom};
  template <class T> static T eval(const T& a) { using std::sqrt; return sqrt(a); }
  // ∂/∂a = (1/2)/sqrt(a): reuses the node itself.
  template <class Self, class A> using partials = detail::tlist<node<div_op, constant<1, 2>, Self>>;
};
}  // namespace costate
