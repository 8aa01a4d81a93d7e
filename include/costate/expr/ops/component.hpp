// component<i>(v): element i of a vector → scalar.
#pragma once
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::size_t I, std::size_t N> struct scatter_op;

namespace detail {
template <std::size_t I, class S>
struct component_index_out_of_range {  // <index, shape of the vector>
  static_assert(S::rank == 1 && I < S::size, "costate: component<i>(v) needs a vector with more than i elements");
  using type = shape<>;
};
}  // namespace detail

template <std::size_t I>
struct component_op {
  static constexpr const char* name = "component";
  static constexpr std::size_t index = I;
  static constexpr std::array<std::intmax_t, 1> parameters{I};
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "component", "\\operatorname{component}", precedence::atom};
  template <class S> using result_shape = typename detail::component_index_out_of_range<I, S>::type;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) { out[0] = T(v[I]); }
  template <std::size_t K, class Self, class Adj, class V>
  using vjp = node<scatter_op<I, detail::shape_of_impl<V>::type::size>, Adj>;
};

template <std::size_t I, Expr A> constexpr auto component(A) { return detail::make<component_op<I>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::component;
}  // namespace prelude
}  // namespace costate
