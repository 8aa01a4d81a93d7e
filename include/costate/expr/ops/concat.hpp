// concat(a, b): vector<n> and vector<m> → vector<n + m>. Scalars count as vectors of length 1.
#pragma once
#include <array>
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::size_t I> struct component_op;
template <std::size_t Offset, std::size_t N> struct slice_op;

namespace detail {
template <class SA, class SB>
struct concat_shape_mismatch {
  static_assert(SA::rank <= 1 && SB::rank <= 1, "costate: concat(a, b) joins vectors (or scalars)");
  using type = shape<SA::size + SB::size>;
};
}  // namespace detail

struct concat_op {
  static constexpr const char* name = "concat";
  static constexpr bool tensor = true;
  static constexpr bool index_map = true;  // (detail::index_piece)
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "concat", "\\operatorname{concat}", precedence::atom};
  template <class SA, class SB> using result_shape = typename detail::concat_shape_mismatch<SA, SB>::type;
  template <class T, class SA, class SB, class A, class B>
  [[gnu::always_inline]] static void eval(T* out, const A& a, const B& b) {
    if constexpr (SA::rank == 0) out[0] = T(a); else for (std::size_t i = 0; i < SA::size; ++i) out[i] = T(a[i]);
    if constexpr (SB::rank == 0) out[SA::size] = T(b); else for (std::size_t i = 0; i < SB::size; ++i) out[SA::size + i] = T(b[i]);
  }
  template <class SA, class SB> static constexpr std::array<detail::index_piece, 2> pieces() {
    return {{{0, SA::size, 0, 0}, {SA::size, SA::size + SB::size, 1, 0}}};  // (a scalar's size is 1)
  }
  // The part of λ that belongs to each operand: a slice, or one component for a scalar operand.
  template <std::size_t Offset, class X, class Adj>
  using part = std::conditional_t<detail::shape_of_impl<X>::type::rank == 0, node<component_op<Offset>, Adj>,
                                  node<slice_op<Offset, detail::shape_of_impl<X>::type::size>, Adj>>;
  template <std::size_t K, class Self, class Adj, class A, class B>
  using vjp = std::conditional_t<K == 0, part<0, A, Adj>, part<detail::shape_of_impl<A>::type::size, B, Adj>>;
};

template <Expr A, Expr B> constexpr auto concat(A, B) { return detail::make<concat_op, A, B>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::concat;
}  // namespace prelude
}  // namespace costate
