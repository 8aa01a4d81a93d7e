// sum(x): the sum of a tensor's elements → scalar.
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <class S> struct broadcast_op;

struct sum_op {
  static constexpr const char* name = "sum";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "sum", "\\operatorname{sum}", precedence::atom};
  template <class S> using result_shape = shape<>;
  template <class T, class S, class X>
  [[gnu::always_inline]] static void eval(T* out, const X& x) {
    if constexpr (S::rank == 0) {
      out[0] = T(x);
    } else {
      T s = T(x[0]);
      for (std::size_t i = 1; i < S::size; ++i) s += T(x[i]);
      out[0] = s;
    }
  }
  // ∂/∂x: λ in every element.
  template <std::size_t K, class Self, class Adj, class X>
  using vjp = node<broadcast_op<typename detail::shape_of_impl<X>::type>, Adj>;
};

template <Expr A> constexpr auto sum(A) { return detail::make<sum_op, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::sum;
}  // namespace prelude
}  // namespace costate
