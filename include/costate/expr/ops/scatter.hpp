// scatter<i, n>(s): the vector<n> with s at index i and zeros elsewhere (appears in VJPs of component).
#pragma once
#include <array>
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"

namespace costate {
template <std::size_t I> struct component_op;

template <std::size_t I, std::size_t N>
struct scatter_op {
  static constexpr const char* name = "scatter";
  static constexpr std::size_t index = I, size = N;
  static constexpr std::array<std::intmax_t, 2> parameters{I, N};
  static constexpr bool tensor = true;
  static constexpr bool index_map = true;  // (detail::index_piece)
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "scatter", "\\operatorname{scatter}", precedence::atom};
  template <class S> using result_shape = shape<N>;
  template <class T, class S, class X>
  [[gnu::always_inline]] static void eval(T* out, const X& x) {
    for (std::size_t i = 0; i < N; ++i) out[i] = T(0);
    out[I] = T(x);
  }
  template <class S> static constexpr std::array<detail::index_piece, 3> pieces() {
    return {{{0, I, -1, 0}, {I, I + 1, 0, 0}, {I + 1, N, -1, 0}}};
  }
  template <std::size_t K, class Self, class Adj, class X> using vjp = node<component_op<I>, Adj>;
};
}  // namespace costate
