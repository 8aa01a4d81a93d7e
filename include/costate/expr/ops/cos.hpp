// cos(a)
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/neg.hpp"

namespace costate {
struct sin_op;
struct cos_op {
  static constexpr int id = 12;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "cos", "\\cos", precedence::atom};
  template <class T> static T eval(const T& a) { using std::cos; return cos(a); }
  template <class Self, class A> using partials = detail::tlist<node<neg_op, node<sin_op, A>>>;
};
}  // namespace costate
#include "costate/expr/ops/sin.hpp"
