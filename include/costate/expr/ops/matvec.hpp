// W·z: matrix<R, C> times vector<C> → vector<R>.
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct matvec_t_op;
struct outer_op;
namespace detail {
template <class SW, class SZ>
struct matrix_vector_product_shape_mismatch {  // <shape of W, shape of z>
  static_assert(SW::rank == 2 && SZ::rank == 1 && SW::dims[1] == SZ::dims[0],
                "costate: matrix * vector: the matrix's column count must equal the vector's length "
                "(see the template arguments for both shapes)");
  using type = shape<SW::dims[0]>;
};
}  // namespace detail

struct matvec_op {
  static constexpr const char* name = "matvec";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::infix, "*", "\\,", precedence::product, false};
  template <class SW, class SZ> using result_shape = typename detail::matrix_vector_product_shape_mismatch<SW, SZ>::type;
  template <class T, class SW, class SZ, class W, class Z>
  [[gnu::always_inline]] static void eval(T* __restrict out, const W& w, const Z& z) {
    constexpr std::size_t R = SW::dims[0], C = SW::dims[1];
    for (std::size_t r = 0; r < R; ++r) {
      T s = T(w[r * C]) * T(z[0]);
      for (std::size_t c = 1; c < C; ++c) s += T(w[r * C + c]) * T(z[c]);
      out[r] = s;
    }
  }
  // ∂/∂W: λ zᵀ; ∂/∂z: Wᵀ λ
  template <std::size_t K, class Self, class Adj, class W, class Z>
  using vjp = std::conditional_t<K == 0, node<outer_op, Adj, Z>, node<matvec_t_op, W, Adj>>;
};
}  // namespace costate
