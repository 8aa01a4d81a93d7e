// broadcast<S>(s): a scalar repeated into shape S (appears in VJPs of sum).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct sum_op;

template <class S>
struct broadcast_op {
  static constexpr const char* name = "broadcast";
  using shape_type = S;
  static constexpr auto parameters = detail::shape_parameters<S>();  // its dimensions
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "broadcast", "\\operatorname{broadcast}", precedence::atom};
  template <class X>
  struct broadcast_needs_a_scalar {
    static_assert(X::rank == 0, "costate: broadcast<S>(x) takes a scalar");
    using type = S;
  };
  template <class X> using result_shape = typename broadcast_needs_a_scalar<X>::type;
  template <class T, class SX, class X>
  [[gnu::always_inline]] static void eval(T* out, const X& x) {
    for (std::size_t i = 0; i < S::size; ++i) out[i] = T(x);
  }
  template <std::size_t K, class Self, class Adj, class X> using vjp = node<sum_op, Adj>;
};
}  // namespace costate
