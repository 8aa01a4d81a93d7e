// exp(a)
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"

namespace costate {
struct exp_op {
  static constexpr int id = 9;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "exp", "\\exp", precedence::atom};
  template <class T> static T eval(const T& a) { using std::exp; return exp(a); }
  template <class Self, class A> using partials = detail::tlist<Self>;  // exp' = exp, shared
};
}  // namespace costate
