// tan(a)
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
struct add_op;
template <int N> struct pow_int_op;
struct tan_op {
  static constexpr const char* name = "tan";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "tan", "\\tan", precedence::atom};
  static constexpr const char* cpp = "std::tan";
  template <class T> static T eval(const T& a) { using std::tan; return tan(a); }
  // tan' = 1 + tan²: reuses the node itself.
  template <class Self, class A> using partials = detail::tlist<node<add_op, one, node<pow_int_op<2>, Self>>>;
};

template <Expr A> constexpr node<tan_op, A> tan(A) { return detail::make<tan_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::tan;
}  // namespace prelude
}  // namespace costate
