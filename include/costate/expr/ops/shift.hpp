// shift<k>(v): the vector v moved by k places, zeros shifted in: shift<k>(v)[i] = v[i - k] where
// 0 <= i - k < n, else 0 — roll's convention with a zero (homogeneous Dirichlet) boundary instead of
// a periodic one. shift<1>(x)[i] = x[i-1] (0 at i = 0), shift<-1>(x)[i] = x[i+1] (0 at i = n-1).
// An index map (read in place by the plan); its VJP is shift<-k>(λ): the transpose of moving by k
// with zeros beyond the ends is moving back by k with zeros beyond the ends.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
namespace detail {
template <std::ptrdiff_t K, class S>
struct shift_needs_a_vector {  // <places, shape of the operand>
  static_assert(S::rank == 1, "costate: shift<k>(v) moves a vector (rank 1)");
  static_assert((K < 0 ? -K : K) < static_cast<std::ptrdiff_t>(S::size) || S::rank != 1,
                "costate: shift<k>(v) with |k| >= the vector's length is the zero vector; write it so");
  using type = S;
};
}  // namespace detail

template <std::ptrdiff_t K>
struct shift_op {
  static constexpr const char* name = "shift";
  static constexpr std::ptrdiff_t places = K;
  static constexpr std::array<std::intmax_t, 1> parameters{K};
  static constexpr bool tensor = true;
  static constexpr bool index_map = true;  // (detail::index_piece)
  static constexpr bool multilinear = true;  // zero if the operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "shift", "\\operatorname{shift}", precedence::atom};
  template <class S> using result_shape = typename detail::shift_needs_a_vector<K, S>::type;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    constexpr std::size_t n = S::size;
    for (std::size_t i = 0; i < n; ++i) {
      const auto j = static_cast<std::ptrdiff_t>(i) - K;
      out[i] = j >= 0 && j < static_cast<std::ptrdiff_t>(n) ? T(v[static_cast<std::size_t>(j)]) : T(0);
    }
  }
  // k >= 0: out[0, k) = 0, out[k, n) = v[0, n - k); k < 0: out[0, n + k) = v[-k, n), out[n + k, n) = 0.
  template <class S> static constexpr std::array<detail::index_piece, 2> pieces() {
    constexpr std::size_t n = S::size;
    if constexpr (K >= 0) {
      constexpr auto k = static_cast<std::size_t>(K);
      return {{{0, k, -1, 0}, {k, n, 0, 0}}};
    } else {
      constexpr auto k = static_cast<std::size_t>(-K);
      return {{{0, n - k, 0, k}, {n - k, n, -1, 0}}};
    }
  }
  template <std::size_t, class Self, class Adj, class V>
  using vjp = node<shift_op<-K>, Adj>;
};

template <std::ptrdiff_t K, Expr A> constexpr auto shift(A) { return detail::make<shift_op<K>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::shift;
}  // namespace prelude
}  // namespace costate
