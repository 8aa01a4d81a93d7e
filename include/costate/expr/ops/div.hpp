// a / b
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct neg_op;
struct div_op {
  static constexpr const char* name = "div";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::infix, "/", "/", precedence::product, false};
  template <class T> static constexpr T eval(const T& a, const T& b) { return a / b; }
  // ∂/∂a = 1/b, ∂/∂b = -(a/b)/b: reuses the node a/b itself.
  template <class Self, class A, class B>
  using partials = detail::tlist<node<div_op, one, B>, node<neg_op, node<div_op, Self, B>>>;
};
}  // namespace costate
