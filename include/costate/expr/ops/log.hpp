// log(a), natural logarithm: log(0) = -inf, NaN below 0 (where its derivative 1/a is finite all the same).
#pragma once
#include <cmath>
#include "costate/expr/operation.hpp"

namespace costate {
struct div_op;
struct log_op {
  static constexpr const char* name = "log";
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "log", "\\log", precedence::atom};
  static constexpr const char* cpp = "std::log";
  template <class T> static T eval(const T& a) { using std::log; return log(a); }
  template <class Self, class A> using partials = detail::tlist<node<div_op, one, A>>;
};

template <Expr A> constexpr node<log_op, A> log(A) { return detail::make<log_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::log;
}  // namespace prelude
}  // namespace costate
