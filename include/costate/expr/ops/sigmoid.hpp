// sigmoid(a) = 1 / (1 + exp(-a))
#pragma once
#include <cmath>
#include <type_traits>
#include "costate/expr/operation.hpp"

namespace costate {
struct mul_op;
struct sub_op;
struct sigmoid_op {
  static constexpr const char* name = "sigmoid";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sigmoid", "\\sigma", precedence::atom};
  static constexpr const char* cpp = "costate_sigmoid";
  static constexpr const char* cpp_definition = "inline double costate_sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }\n";
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

template <Expr A> constexpr node<sigmoid_op, A> sigmoid(A) { return detail::make<sigmoid_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::sigmoid;
}  // namespace prelude
}  // namespace costate
