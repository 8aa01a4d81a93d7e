// shift<k>(v): the vector v moved by k places, zeros shifted in: shift<k>(v)[i] = v[i - k] where
// 0 <= i - k < n, else 0 — roll's convention with a zero (homogeneous Dirichlet) boundary instead of
// a periodic one. shift<1>(x)[i] = x[i-1] (0 at i = 0), shift<-1>(x)[i] = x[i+1] (0 at i = n-1).
// shift<k, axis>(m) moves a row-major matrix along one axis: shift<k, 0>(m)[r][c] = m[r - k][c] (rows
// move, zero rows come in), shift<k, 1>(m)[r][c] = m[r][c - k] (within each row).
// Along axis 0 an index map (read in place by the plan); along axis 1 a loop per row. Its VJP is
// shift<-k>(λ) along the same axis: the transpose of moving by k with zeros beyond the ends is moving
// back by k with zeros beyond the ends.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include "costate/expr/operation.hpp"
#include "costate/expr/ops/axis.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
namespace detail {
template <std::ptrdiff_t K, int Axis, class S>
struct shift_needs_a_vector_or_matrix_axis {  // <places, axis, shape of the operand>
  static_assert(S::rank == 1 || S::rank == 2, "costate: shift<k>(v) moves a vector or, shift<k, axis>(m), a matrix");
  static_assert(has_axis<S, Axis> || S::rank == 0 || S::rank > 2,
                "costate: shift<k, axis>: axis is 0 (rows) or 1 (columns) of a matrix, 0 of a vector");
  static_assert((K < 0 ? -K : K) < static_cast<std::ptrdiff_t>(along_axis<S, Axis>::places) || !has_axis<S, Axis>,
                "costate: shift<k>(v) with |k| >= the length along the axis is the zero tensor; write it so");
  using type = S;
};

template <std::ptrdiff_t K, int Axis, template <std::ptrdiff_t, int> class Self>
struct shift_rule {
  static constexpr const char* name = "shift";
  static constexpr std::ptrdiff_t places = K;
  static constexpr int axis = Axis;
  static constexpr auto parameters = axis_parameters<K, Axis>();
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if the operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "shift", "\\operatorname{shift}", precedence::atom};
  template <class S> using result_shape = typename shift_needs_a_vector_or_matrix_axis<K, Axis, S>::type;
  // Places [lo, hi) read v at place - k; the others are zero.
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    using L = along_axis<S, Axis>;
    constexpr std::size_t n = L::places;
    constexpr std::size_t lo = K > 0 ? static_cast<std::size_t>(K) : 0, hi = K < 0 ? n - static_cast<std::size_t>(-K) : n;
    zero_places<L, T>(out, 0, lo);
    copy_places<L>(out, v, lo, hi, K);
    zero_places<L, T>(out, hi, n);
  }
  // Place p reads place p - k, or nothing (expr/structure.hpp).
  template <class S> static constexpr std::array<std::ptrdiff_t, 1> neighbours() {
    return {-K * static_cast<std::ptrdiff_t>(along_axis<S, Axis>::width)};
  }
  template <std::size_t, class, class Adj, class V>
  using vjp = node<Self<-K, Axis>, Adj>;
};
}  // namespace detail

/// shift<k, axis>(x): x moved by k places along an axis, zeros shifted in (a zero boundary).
template <std::ptrdiff_t K, int Axis = 0>
struct shift_op : detail::shift_rule<K, Axis, shift_op> {};
// Along axis 0, k whole rows: k >= 0: out[0, k) = 0, out[k, n) = v[0, n - k); k < 0:
// out[0, n + k) = v[-k, n), out[n + k, n) = 0 (in flat values: k·C).
template <std::ptrdiff_t K>
struct shift_op<K, 0> : detail::shift_rule<K, 0, shift_op> {
  static constexpr bool index_map = true;  // (detail::index_piece)
  template <class S> static constexpr std::array<detail::index_piece, 2> pieces() {
    constexpr std::size_t n = S::size, w = detail::along_axis<S, 0>::width;
    if constexpr (K >= 0) {
      constexpr auto k = static_cast<std::size_t>(K) * w;
      return {{{0, k, -1, 0}, {k, n, 0, 0}}};
    } else {
      constexpr auto k = static_cast<std::size_t>(-K) * w;
      return {{{0, n - k, 0, k}, {n - k, n, -1, 0}}};
    }
  }
};

/// shift<k>(v)[i] = v[i - k], 0 beyond the ends; shift<k, 0>(m) moves the rows of a matrix,
/// shift<k, 1>(m) the values within each row.
template <std::ptrdiff_t K, int Axis = 0, Expr A> constexpr auto shift(A) { return detail::make<shift_op<K, Axis>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::shift;
}  // namespace prelude
}  // namespace costate
