// a + b
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct add_op {
  static constexpr const char* name = "add";
  static constexpr bool commutative = true;
  static constexpr notation note{notation::infix, "+", "+", precedence::sum, true};
  template <class T> static constexpr T eval(const T& a, const T& b) { return a + b; }
  // ∂/∂a, ∂/∂b
  template <class Self, class A, class B> using partials = detail::tlist<one, one>;
};
}  // namespace costate
