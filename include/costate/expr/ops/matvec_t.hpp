// Wᵀ·v: the transpose of matrix<R, C> times vector<R> → vector<C> (appears in VJPs of W·z).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct matvec_op;
struct outer_op;
namespace detail {
template <class SW, class SV>
struct transposed_matrix_vector_product_shape_mismatch {
  static_assert(SW::rank == 2 && SV::rank == 1 && SW::dims[0] == SV::dims[0],
                "costate: transpose(matrix) * vector: the matrix's row count must equal the vector's length");
  using type = shape<SW::dims[1]>;
};
}  // namespace detail

struct matvec_t_op {
  static constexpr const char* name = "matvec_t";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "transpose_times", "\\operatorname{transpose\\_times}", precedence::atom};
  template <class SW, class SV> using result_shape = typename detail::transposed_matrix_vector_product_shape_mismatch<SW, SV>::type;
  template <class T, class SW, class SV, class W, class V>
  [[gnu::always_inline]] static void eval(T* __restrict out, const W& w, const V& v) {
    constexpr std::size_t R = SW::dims[0], C = SW::dims[1];
    for (std::size_t c = 0; c < C; ++c) out[c] = T(w[c]) * T(v[0]);
    for (std::size_t r = 1; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) out[c] += T(w[r * C + c]) * T(v[r]);
  }
  // y = Wᵀv: ∂/∂W: v λᵀ; ∂/∂v: W λ
  template <std::size_t K, class Self, class Adj, class W, class V>
  using vjp = std::conditional_t<K == 0, node<outer_op, V, Adj>, node<matvec_op, W, Adj>>;
};
}  // namespace costate
