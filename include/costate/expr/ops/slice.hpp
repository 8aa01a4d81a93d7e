// slice<offset, n>(v): elements offset .. offset + n of a vector (n = 1 gives a vector<1>; use
// component<i> for a scalar). Appears in VJPs of concat.
#pragma once
#include <array>
#include <cstddef>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::size_t Offset, std::size_t N> struct embed_op;

namespace detail {
template <std::size_t Offset, std::size_t N, class S>
struct slice_out_of_range {  // <offset, length, shape of the vector>
  static_assert(S::rank == 1 && Offset + N <= S::size, "costate: slice<offset, n>(v) reaches past the end of v");
  using type = shape<N>;
};
}  // namespace detail

template <std::size_t Offset, std::size_t N>
struct slice_op {
  static constexpr const char* name = "slice";
  static constexpr std::size_t offset = Offset, size = N;
  static constexpr std::array<std::intmax_t, 2> parameters{Offset, N};
  static constexpr bool tensor = true;
  static constexpr bool index_map = true;  // (detail::index_piece)
  static constexpr bool multilinear = true;  // zero if any operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "slice", "\\operatorname{slice}", precedence::atom};
  template <class S> using result_shape = typename detail::slice_out_of_range<Offset, N, S>::type;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    for (std::size_t i = 0; i < N; ++i) out[i] = T(v[Offset + i]);
  }
  template <class S> static constexpr std::array<detail::index_piece, 1> pieces() { return {{{0, N, 0, Offset}}}; }
  template <std::size_t K, class Self, class Adj, class V>
  using vjp = node<embed_op<Offset, detail::shape_of_impl<V>::type::size>, Adj>;
};

template <std::size_t Offset, std::size_t N, Expr A> constexpr auto slice(A) { return detail::make<slice_op<Offset, N>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::slice;
}  // namespace prelude
}  // namespace costate
