// Aᵀ·B: the transpose of matrix<K, R> times matrix<K, C> → matrix<R, C> (appears in VJPs of A·B).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/ops/matmul.hpp"

namespace costate {
struct matmul_nt_op;
namespace detail {
template <class SA, class SB>
struct matrix_product_tn_shape_mismatch {
  static_assert(SA::rank == 2 && SB::rank == 2 && SA::dims[0] == SB::dims[0],
                "costate: transpose(A) * B: A and B need the same row count");
  using type = shape<SA::dims[1], SB::dims[1]>;
};
}  // namespace detail

struct matmul_tn_op {
  static constexpr const char* name = "matmul_tn";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "transpose_times", "\\operatorname{transpose\\_times}", precedence::atom};
  template <class SA, class SB> using result_shape = typename detail::matrix_product_tn_shape_mismatch<SA, SB>::type;
  template <class T, class SA, class SB, class A, class B>
  [[gnu::always_inline]] static void eval(T* out, const A& a, const B& b) {
    constexpr std::size_t K = SA::dims[0], R = SA::dims[1], C = SB::dims[1];
    detail::matmul_loop<T, R, K, C, 1, R, C, 1>(out, a, b);
  }
  // Y = Aᵀ B: ∂/∂A: B Λᵀ; ∂/∂B: A Λ
  template <std::size_t I, class Self, class Adj, class A, class B>
  using vjp = std::conditional_t<I == 0, node<matmul_nt_op, B, Adj>, node<matmul_op, A, Adj>>;
};
}  // namespace costate
