// softplus(a) = log(1 + exp(a))
#pragma once
#include <cmath>
#include <type_traits>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/sigmoid.hpp"

namespace costate {
struct softplus_op {
  static constexpr int id = 16;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "softplus", "\\operatorname{softplus}", precedence::atom};
  template <class T> static T eval(const T& a) {
    using std::exp; using std::log;
    if constexpr (std::is_floating_point_v<T>) {
      // log(1 + e^a) overflows for large a; this form is exact in floating point for every a.
      using std::abs; using std::log1p;
      return (a > T(0) ? a : T(0)) + log1p(exp(-abs(a)));
    } else {
      return log(T(1) + exp(a));  // complex step: analytic form
    }
  }
  template <class Self, class A> using partials = detail::tlist<node<sigmoid_op, A>>;
};
}  // namespace costate
