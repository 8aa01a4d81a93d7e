// A·B: matrix<R, K> times matrix<K, C> → matrix<R, C>.
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct matmul_nt_op;
struct matmul_tn_op;
namespace detail {
template <class SA, class SB>
struct matrix_product_shape_mismatch {  // <shape of A, shape of B>
  static_assert(SA::rank == 2 && SB::rank == 2 && SA::dims[1] == SB::dims[0],
                "costate: matrix * matrix: the left matrix's column count must equal the right one's row count "
                "(see the template arguments for both shapes)");
  using type = shape<SA::dims[0], SB::dims[1]>;
};

// out (R×C) = op(A) op(B), with A, B read through their strides: the three matrix products share this loop.
template <class T, std::size_t R, std::size_t K, std::size_t C, std::size_t AR, std::size_t AK, std::size_t BK,
          std::size_t BC, class A, class B>
[[gnu::always_inline]] inline void matmul_loop(T* __restrict out, const A& a, const B& b) {
  for (std::size_t r = 0; r < R; ++r) {
    for (std::size_t c = 0; c < C; ++c) out[r * C + c] = T(a[r * AR]) * T(b[c * BC]);
    for (std::size_t k = 1; k < K; ++k)
      for (std::size_t c = 0; c < C; ++c) out[r * C + c] += T(a[r * AR + k * AK]) * T(b[k * BK + c * BC]);
  }
}
}  // namespace detail

struct matmul_op {
  static constexpr const char* name = "matmul";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::infix, "*", "\\,", precedence::product, false};
  template <class SA, class SB> using result_shape = typename detail::matrix_product_shape_mismatch<SA, SB>::type;
  template <class T, class SA, class SB, class A, class B>
  [[gnu::always_inline]] static void eval(T* out, const A& a, const B& b) {
    constexpr std::size_t R = SA::dims[0], K = SA::dims[1], C = SB::dims[1];
    detail::matmul_loop<T, R, K, C, K, 1, C, 1>(out, a, b);
  }
  // ∂/∂A: Λ Bᵀ; ∂/∂B: Aᵀ Λ
  template <std::size_t I, class Self, class Adj, class A, class B>
  using vjp = std::conditional_t<I == 0, node<matmul_nt_op, Adj, B>, node<matmul_tn_op, A, Adj>>;
};
}  // namespace costate
