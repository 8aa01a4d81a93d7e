// a * b
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct mul_op {
  static constexpr const char* name = "mul";
  static constexpr bool commutative = true;
  static constexpr notation note{notation::infix, "*", "\\,", precedence::product, true};
  template <class T> static constexpr T eval(const T& a, const T& b) { return a * b; }
  template <class Self, class A, class B> using partials = detail::tlist<B, A>;
};
}  // namespace costate
