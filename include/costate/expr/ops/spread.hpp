// spread<C>(v): vector<R> repeated as the C columns of a matrix<R, C> (appears in VJPs of row_sum).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct row_sum_op;

template <std::size_t C>
struct spread_op {
  static constexpr const char* name = "spread";
  static constexpr std::size_t columns = C;
  static constexpr std::array<std::intmax_t, 1> parameters{C};
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "spread", "\\operatorname{spread}", precedence::atom};
  template <class S>
  struct spread_needs_a_vector {
    static_assert(S::rank == 1, "costate: spread<C>(v) takes a vector");
    using type = shape<S::dims[0], C>;
  };
  template <class S> using result_shape = typename spread_needs_a_vector<S>::type;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    for (std::size_t r = 0; r < S::dims[0]; ++r)
      for (std::size_t c = 0; c < C; ++c) out[r * C + c] = T(v[r]);
  }
  template <std::size_t K, class Self, class Adj, class V> using vjp = node<row_sum_op, Adj>;
};
}  // namespace costate
