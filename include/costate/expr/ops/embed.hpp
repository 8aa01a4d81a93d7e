// embed<offset, n>(v): a vector<n> of zeros with v placed from offset on (appears in VJPs of slice).
#pragma once
#include <array>
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::size_t I> struct component_op;
template <std::size_t Offset, std::size_t N> struct slice_op;

template <std::size_t Offset, std::size_t N>
struct embed_op {
  static constexpr const char* name = "embed";
  static constexpr std::size_t offset = Offset, size = N;
  static constexpr std::array<std::intmax_t, 2> parameters{Offset, N};
  static constexpr bool tensor = true;
  static constexpr bool index_map = true;  // (detail::index_piece)
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "embed", "\\operatorname{embed}", precedence::atom};
  template <class S> using result_shape = shape<N>;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    for (std::size_t i = 0; i < N; ++i) out[i] = T(0);
    if constexpr (S::rank == 0) out[Offset] = T(v); else for (std::size_t i = 0; i < S::size; ++i) out[Offset + i] = T(v[i]);
  }
  template <class S> static constexpr std::array<detail::index_piece, 3> pieces() {
    return {{{0, Offset, -1, 0}, {Offset, Offset + S::size, 0, 0}, {Offset + S::size, N, -1, 0}}};
  }
  template <std::size_t K, class Self, class Adj, class V>
  using vjp = std::conditional_t<detail::shape_of_impl<V>::type::rank == 0, node<component_op<Offset>, Adj>,
                                 node<slice_op<Offset, detail::shape_of_impl<V>::type::size>, Adj>>;
};
}  // namespace costate
