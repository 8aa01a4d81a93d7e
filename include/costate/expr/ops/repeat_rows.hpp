// repeat_rows<R>(x): a matrix<1, C> repeated as the R rows of a matrix<R, C> (appears in VJPs of col_sum).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct col_sum_op;

template <std::size_t R>
struct repeat_rows_op {
  static constexpr const char* name = "repeat_rows";
  static constexpr std::size_t rows = R;
  static constexpr std::array<std::intmax_t, 1> parameters{R};
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "repeat_rows", "\\operatorname{repeat\\_rows}", precedence::atom};
  template <class S>
  struct repeat_rows_needs_a_row {
    static_assert(S::rank == 2 && S::dims[0] == 1, "costate: repeat_rows<R>(x) takes a matrix<1, C>");
    using type = shape<R, S::dims[1]>;
  };
  template <class S> using result_shape = typename repeat_rows_needs_a_row<S>::type;
  template <class T, class S, class X>
  [[gnu::always_inline]] static void eval(T* __restrict out, const X& x) {
    constexpr std::size_t C = S::dims[1];
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) out[r * C + c] = T(x[c]);
  }
  template <std::size_t K, class Self, class Adj, class X> using vjp = node<col_sum_op, Adj>;
};
}  // namespace costate
