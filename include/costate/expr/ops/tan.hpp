// tan(a)
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/add.hpp"
#include "costate/expr/ops/pow_int.hpp"

namespace costate {
struct tan_op {
  static constexpr int id = 13;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "tan", "\\tan", precedence::atom};
  template <class T> static T eval(const T& a) { using std::tan; return tan(a); }
  // tan' = 1 + tan²: reuses the node itself.
  template <class Self, class A> using partials = detail::tlist<node<add_op, one, node<pow_int_op<2>, Self>>>;
};
}  // namespace costate
