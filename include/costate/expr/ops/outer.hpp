// a bᵀ: vector<R> and vector<C> → matrix<R, C> (appears in VJPs of W·z).
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct matvec_op;
struct matvec_t_op;
namespace detail {
template <class SA, class SB>
struct outer_product_shape_mismatch {
  static_assert(SA::rank == 1 && SB::rank == 1, "costate: outer(a, b) takes two vectors");
  using type = shape<SA::dims[0], SB::dims[0]>;
};
}  // namespace detail

struct outer_op {
  static constexpr const char* name = "outer";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "outer", "\\operatorname{outer}", precedence::atom};
  template <class SA, class SB> using result_shape = typename detail::outer_product_shape_mismatch<SA, SB>::type;
  template <class T, class SA, class SB, class A, class B>
  [[gnu::always_inline]] static void eval(T* __restrict out, const A& a, const B& b) {
    constexpr std::size_t R = SA::dims[0], C = SB::dims[0];
    for (std::size_t r = 0; r < R; ++r)
      for (std::size_t c = 0; c < C; ++c) out[r * C + c] = T(a[r]) * T(b[c]);
  }
  // ∂/∂a: Λ b; ∂/∂b: Λᵀ a
  template <std::size_t K, class Self, class Adj, class A, class B>
  using vjp = std::conditional_t<K == 0, node<matvec_op, Adj, B>, node<matvec_t_op, Adj, A>>;
};

template <Expr A, Expr B> constexpr auto outer(A, B) { return detail::make<outer_op, A, B>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::outer;
}  // namespace prelude
}  // namespace costate
