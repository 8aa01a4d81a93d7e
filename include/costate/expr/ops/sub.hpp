// a - b
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct sub_op {
  static constexpr const char* name = "sub";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::infix, "-", "-", precedence::sum, false};
  template <class T> static constexpr T eval(const T& a, const T& b) { return a - b; }
  template <class Self, class A, class B> using partials = detail::tlist<one, constant<-1>>;
};
}  // namespace costate
