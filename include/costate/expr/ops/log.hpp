// log(a), natural logarithm
#pragma once
#include <cmath>
#include "costate/expr/node.hpp"
#include "costate/expr/notation.hpp"
#include "costate/expr/ops/div.hpp"

namespace costate {
struct log_op {
  static constexpr int id = 10;
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "log", "\\log", precedence::atom};
  template <class T> static T eval(const T& a) { using std::log; return log(a); }
  template <class Self, class A> using partials = detail::tlist<node<div_op, one, A>>;
};
}  // namespace costate
