// A·Bᵀ: matrix<R, K> times the transpose of matrix<C, K> → matrix<R, C> (appears in VJPs of A·B).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/ops/matmul.hpp"

namespace costate {
struct matmul_tn_op;
namespace detail {
template <class SA, class SB>
struct matrix_product_nt_shape_mismatch {
  static_assert(SA::rank == 2 && SB::rank == 2 && SA::dims[1] == SB::dims[1],
                "costate: A * transpose(B): A and B need the same column count");
  using type = shape<SA::dims[0], SB::dims[0]>;
};
}  // namespace detail

struct matmul_nt_op {
  static constexpr const char* name = "matmul_nt";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "times_transpose", "\\operatorname{times\\_transpose}", precedence::atom};
  template <class SA, class SB> using result_shape = typename detail::matrix_product_nt_shape_mismatch<SA, SB>::type;
  template <class T, class SA, class SB, class A, class B>
  [[gnu::always_inline]] static void eval(T* out, const A& a, const B& b) {
    constexpr std::size_t R = SA::dims[0], K = SA::dims[1], C = SB::dims[0];
    detail::matmul_loop<T, R, K, C, K, 1, 1, K>(out, a, b);
  }
  // Y = A Bᵀ: ∂/∂A: Λ B; ∂/∂B: Λᵀ A
  template <std::size_t I, class Self, class Adj, class A, class B>
  using vjp = std::conditional_t<I == 0, node<matmul_op, Adj, B>, node<matmul_tn_op, Adj, A>>;
};
}  // namespace costate
