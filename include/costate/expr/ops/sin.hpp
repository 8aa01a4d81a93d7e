// sin(a)
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
struct cos_op;
struct sin_op {
  static constexpr const char* name = "sin";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sin", "\\sin", precedence::atom};
  static constexpr const char* cpp = "std::sin";
  template <class T> static T eval(const T& a) { using std::sin; return sin(a); }
  template <class Self, class A> using partials = detail::tlist<node<cos_op, A>>;
};

template <Expr A> constexpr node<sin_op, A> sin(A) { return detail::make<sin_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::sin;
}  // namespace prelude
}  // namespace costate
