// -a
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct neg_op {
  static constexpr const char* name = "neg";
  static constexpr bool commutative = false;
  // Binds like a sum: (-a)*b and a*(-b) print with parentheses, -a*b means -(a*b).
  static constexpr notation note{notation::prefix, "-", "-", precedence::sum};
  template <class T> static constexpr T eval(const T& a) { return -a; }
  template <class Self, class A> using partials = detail::tlist<constant<-1>>;
};
}  // namespace costate
