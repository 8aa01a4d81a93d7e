// exp(a)
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
struct exp_op {
  static constexpr const char* name = "exp";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "exp", "\\exp", precedence::atom};
  static constexpr const char* cpp = "std::exp";
  template <class T> static T eval(const T& a) { using std::exp; return exp(a); }
  template <class Self, class A> using partials = detail::tlist<Self>;  // exp' = exp, shared
};

template <Expr A> constexpr node<exp_op, A> exp(A) { return detail::make<exp_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::exp;
}  // namespace prelude
}  // namespace costate
