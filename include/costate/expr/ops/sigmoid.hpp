// sigmoid(a) = 1 / (1 + exp(-a))
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/mul.hpp"
#include "costate/expr/ops/sub.hpp"

namespace costate {
struct sigmoid_op {
  static constexpr int id = 15;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sigmoid", "\\sigma", precedence::atom};
  // exp(-a) overflows to inf for a ≪ 0 and the quotient is then exactly 0: no NaN.
  template <class T> static T eval(const T& a) { using std::exp; return T(1) / (T(1) + exp(-a)); }
  // σ' = σ (1 - σ): reuses the forward value.
  template <class Self, class A> using partials = detail::tlist<node<mul_op, Self, node<sub_op, one, Self>>>;
};
}  // namespace costate
