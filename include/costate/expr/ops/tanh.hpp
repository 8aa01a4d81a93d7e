// tanh(a)
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/pow_int.hpp"
#include "costate/expr/ops/sub.hpp"

namespace costate {
struct tanh_op {
  static constexpr int id = 14;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "tanh", "\\tanh", precedence::atom};
  template <class T> static T eval(const T& a) { using std::tanh; return tanh(a); }
  // tanh' = 1 - tanh²: reuses the forward value.
  template <class Self, class A> using partials = detail::tlist<node<sub_op, one, node<pow_int_op<2>, Self>>>;
};
}  // namespace costate
