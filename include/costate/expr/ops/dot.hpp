// dot(a, b): Σ a_i b_i of two tensors of one shape → scalar.
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
struct mul_op;
namespace detail {
template <class SA, class SB>
struct dot_product_shape_mismatch {
  static_assert(__is_same(SA, SB) && SA::rank >= 1, "costate: dot(a, b) needs tensors a and b of one shape (see the template arguments)");
  using type = shape<>;
};
}  // namespace detail

struct dot_op {
  static constexpr const char* name = "dot";
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = true;
  static constexpr notation note{notation::function, "dot", "\\operatorname{dot}", precedence::atom};
  template <class SA, class SB> using result_shape = typename detail::dot_product_shape_mismatch<SA, SB>::type;
  template <class T, class SA, class SB, class A, class B>
  [[gnu::always_inline]] static void eval(T* out, const A& a, const B& b) {
    T s = T(a[0]) * T(b[0]);
    for (std::size_t i = 1; i < SA::size; ++i) s += T(a[i]) * T(b[i]);
    out[0] = s;
  }
  // ∂/∂a: λ b; ∂/∂b: λ a (scalar λ times a tensor)
  template <std::size_t K, class Self, class Adj, class A, class B>
  using vjp = std::conditional_t<K == 0, node<mul_op, Adj, B>, node<mul_op, Adj, A>>;
};

template <Expr A, Expr B> constexpr auto dot(A, B) { return detail::make<dot_op, A, B>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::dot;
}  // namespace prelude
}  // namespace costate
