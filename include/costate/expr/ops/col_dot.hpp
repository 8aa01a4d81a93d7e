// col_dot(A, B): the dot products of matching columns of two matrix<R, C> → matrix<1, C>
// (a per-sample dot product in a batch).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct mul_op;
namespace detail {
template <class SA, class SB>
struct col_dot_shape_mismatch {
  static_assert(__is_same(SA, SB) && SA::rank == 2, "costate: col_dot(A, B) needs two matrices of one shape");
  using type = shape<1, SA::dims[1]>;
};
}  // namespace detail

struct col_dot_op {
  static constexpr const char* name = "col_dot";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = true;
  static constexpr notation note{notation::function, "col_dot", "\\operatorname{col\\_dot}", precedence::atom};
  template <class SA, class SB> using result_shape = typename detail::col_dot_shape_mismatch<SA, SB>::type;
  template <class T, class SA, class SB, class A, class B>
  [[gnu::always_inline]] static void eval(T* __restrict out, const A& a, const B& b) {
    constexpr std::size_t R = SA::dims[0], C = SA::dims[1];
    for (std::size_t c = 0; c < C; ++c) out[c] = T(a[c]) * T(b[c]);
    for (std::size_t r = 1; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) out[c] += T(a[r * C + c]) * T(b[r * C + c]);
  }
  // ∂/∂A: each column of B times that column's λ (a row broadcast along the rows)
  template <std::size_t K, class Self, class Adj, class A, class B>
  using vjp = std::conditional_t<K == 0, node<mul_op, Adj, B>, node<mul_op, Adj, A>>;
};
}  // namespace costate
