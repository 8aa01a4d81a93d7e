// -a
#pragma once
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"

namespace costate {
struct neg_op {
  static constexpr int id = 5;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::prefix, "-", "-", precedence::unary};
  template <class T> static constexpr T eval(const T& a) { return -a; }
  template <class Self, class A> using partials = detail::tlist<constant<-1>>;
};
}  // namespace costate
