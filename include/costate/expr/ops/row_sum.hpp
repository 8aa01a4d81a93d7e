// row_sum(X): the sums of a matrix<R, C>'s rows → vector<R>. Appears in VJPs of a vector broadcast
// along the columns of a matrix (a bias added to a batch).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::size_t C> struct spread_op;

namespace detail {
template <class S>
struct row_sum_needs_a_matrix {
  static_assert(S::rank == 2, "costate: row_sum(X) takes a matrix");
  using type = shape<S::dims[0]>;
};
}  // namespace detail

struct row_sum_op {
  static constexpr const char* name = "row_sum";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "row_sum", "\\operatorname{row\\_sum}", precedence::atom};
  template <class S> using result_shape = typename detail::row_sum_needs_a_matrix<S>::type;
  template <class T, class S, class X>
  [[gnu::always_inline]] static void eval(T* out, const X& x) {
    constexpr std::size_t R = S::dims[0], C = S::dims[1];
    for (std::size_t r = 0; r < R; ++r) {
      T s = T(x[r * C]);
      for (std::size_t c = 1; c < C; ++c) s += T(x[r * C + c]);
      out[r] = s;
    }
  }
  template <std::size_t K, class Self, class Adj, class X>
  using vjp = node<spread_op<detail::shape_of_impl<X>::type::dims[1]>, Adj>;
};
}  // namespace costate
