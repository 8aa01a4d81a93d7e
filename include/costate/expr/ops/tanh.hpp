// tanh(a)
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
template <int N> struct pow_int_op;
struct sub_op;
struct tanh_op {
  static constexpr const char* name = "tanh";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "tanh", "\\tanh", precedence::atom};
  static constexpr const char* cpp = "std::tanh";
  template <class T> static T eval(const T& a) { using std::tanh; return tanh(a); }
  // tanh' = 1 - tanh²: reuses the forward value.
  template <class Self, class A> using partials = detail::tlist<node<sub_op, one, node<pow_int_op<2>, Self>>>;
};

template <Expr A> constexpr node<tanh_op, A> tanh(A) { return detail::make<tanh_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::tanh;
}  // namespace prelude
}  // namespace costate
