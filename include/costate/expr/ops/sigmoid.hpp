// sigmoid(a) = 1 / (1 + exp(-a))
#pragma once
#include <cmath>
#include <type_traits>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/mul.hpp"
#include "costate/expr/ops/sign.hpp"
#include "costate/expr/ops/sub.hpp"

namespace costate {
struct sigmoid_op {
  static constexpr int id = 15;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sigmoid", "\\sigma", precedence::atom};
  // Real a ≪ 0: exp(-a) overflows to inf and the quotient is exactly 0, no NaN. A complex a (the
  // complex step) takes e^a / (1 + e^a) below 0 instead, since complex arithmetic on an infinite
  // exp(-a) gives NaN.
  template <class T> static T eval(const T& a) {
    using std::exp;
    if constexpr (std::is_floating_point_v<T>) {
      return T(1) / (T(1) + exp(-a));
    } else {
      if (detail::real_part(a) >= 0) return T(1) / (T(1) + exp(-a));
      const T e = exp(a);
      return e / (T(1) + e);
    }
  }
  // σ' = σ (1 - σ): reuses the forward value.
  template <class Self, class A> using partials = detail::tlist<node<mul_op, Self, node<sub_op, one, Self>>>;
};
}  // namespace costate
