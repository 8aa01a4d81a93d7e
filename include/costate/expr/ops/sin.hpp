// sin(a)
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/cos.hpp"

namespace costate {
struct sin_op {
  static constexpr int id = 11;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sin", "\\sin", precedence::atom};
  template <class T> static T eval(const T& a) { using std::sin; return sin(a); }
  template <class Self, class A> using partials = detail::tlist<node<cos_op, A>>;
};
}  // namespace costate
