// cos(a)
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
struct neg_op;
struct sin_op;
struct cos_op {
  static constexpr const char* name = "cos";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "cos", "\\cos", precedence::atom};
  static constexpr const char* cpp = "std::cos";
  template <class T> static T eval(const T& a) { using std::cos; return cos(a); }
  template <class Self, class A> using partials = detail::tlist<node<neg_op, node<sin_op, A>>>;
};

template <Expr A> constexpr node<cos_op, A> cos(A) { return detail::make<cos_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::cos;
}  // namespace prelude
}  // namespace costate
