// col_sum(X): the sums of a matrix<R, C>'s columns → matrix<1, C> (a per-sample sum in a batch).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::size_t R> struct repeat_rows_op;

namespace detail {
template <class S>
struct col_sum_needs_a_matrix {
  static_assert(S::rank == 2, "costate: col_sum(X) takes a matrix");
  using type = shape<1, S::dims[1]>;
};
}  // namespace detail

struct col_sum_op {
  static constexpr const char* name = "col_sum";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "col_sum", "\\operatorname{col\\_sum}", precedence::atom};
  template <class S> using result_shape = typename detail::col_sum_needs_a_matrix<S>::type;
  template <class T, class S, class X>
  [[gnu::always_inline]] static void eval(T* __restrict out, const X& x) {
    constexpr std::size_t R = S::dims[0], C = S::dims[1];
    for (std::size_t c = 0; c < C; ++c) out[c] = T(x[c]);
    for (std::size_t r = 1; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) out[c] += T(x[r * C + c]);
  }
  template <std::size_t K, class Self, class Adj, class X>
  using vjp = node<repeat_rows_op<detail::shape_of_impl<X>::type::dims[0]>, Adj>;
};
}  // namespace costate
