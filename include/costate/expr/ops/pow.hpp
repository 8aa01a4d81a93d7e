// a^b for a real exponent b (any expression); defined for a > 0. At a = 0 the value is 0^b but
// ∂/∂b = a^b log a is NaN (0 · -inf), though its limit is 0.
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
struct log_op;
struct mul_op;
struct sub_op;
struct pow_op {
  static constexpr const char* name = "pow";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "pow", "\\operatorname{pow}", precedence::atom};
  static constexpr const char* cpp = "std::pow";
  template <class T> static T eval(const T& a, const T& b) { using std::pow; return pow(a, b); }
  // ∂/∂a = b a^(b-1), ∂/∂b = a^b log a
  template <class Self, class A, class B>
  using partials = detail::tlist<node<mul_op, B, node<pow_op, A, node<sub_op, B, one>>>,
                                 node<mul_op, Self, node<log_op, A>>>;
};
}  // namespace costate
