// edge_t<k>(λ): the transpose of edge<k> (expr/ops/edge.hpp), which appears in its VJP. Place j of
// the result adds every place i of λ that edge<k> fills from place j: i = j + k inside, and at the
// ends also the places edge<k> filled with the end value, edge_t<k>(λ)[0] = λ[0] + ... + λ[k] for
// k > 0. Places that edge<k> moved out of the tensor get 0. Along an axis of a matrix as edge is.
// Its VJP is edge<k> (the transpose of the transpose).
#pragma once
#include <cstddef>
#include <cstdint>
#include "costate/expr/operation.hpp"
#include "costate/expr/ops/axis.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::ptrdiff_t K, int Axis> struct edge_op;
namespace detail {
template <std::ptrdiff_t K, int Axis, class S>
struct edge_t_needs_a_vector_or_matrix_axis {  // <places, axis, shape of the operand>
  static_assert(S::rank == 1 || S::rank == 2, "costate: edge_t<k>(v) takes a vector or, edge_t<k, axis>(m), a matrix");
  static_assert(has_axis<S, Axis> || S::rank == 0 || S::rank > 2,
                "costate: edge_t<k, axis>: axis is 0 (rows) or 1 (columns) of a matrix, 0 of a vector");
  using type = S;
};
}  // namespace detail

/// edge_t<k, axis>(λ): the transpose of edge<k, axis>, adding the repeated end values back into the
/// end places (the VJP of edge).
template <std::ptrdiff_t K, int Axis = 0>
struct edge_t_op {
  static constexpr const char* name = "edge_t";
  static constexpr std::ptrdiff_t places = K;
  static constexpr int axis = Axis;
  static constexpr auto parameters = detail::axis_parameters<K, Axis>();
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if the operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "edge_t", "\\operatorname{edge}^{\\top}", precedence::atom};
  template <class S> using result_shape = typename detail::edge_t_needs_a_vector_or_matrix_axis<K, Axis, S>::type;
  // edge<k> fills places [0, lo) from place 0, [lo, hi) from place - k and [hi, n) from place n - 1
  // (detail::edge_runs); place j here adds those, in ascending order.
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    using L = detail::along_axis<S, Axis>;
    constexpr std::size_t n = L::places, w = L::width;
    using R = detail::edge_runs<K, n>;
    constexpr std::size_t lo = R::lo, hi = R::hi;
    for (std::size_t line = 0; line < L::lines; ++line) {
      const std::size_t base = line * n * w;
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t q = 0; q < w; ++q) {
          T s = T(0);
          bool any = false;
          const auto add = [&](std::size_t p) {
            s = any ? s + T(v[base + p * w + q]) : T(v[base + p * w + q]);
            any = true;
          };
          if (j == 0)
            for (std::size_t p = 0; p < lo; ++p) add(p);
          if (const std::ptrdiff_t p = static_cast<std::ptrdiff_t>(j) + K;
              p >= static_cast<std::ptrdiff_t>(lo) && p < static_cast<std::ptrdiff_t>(hi))
            add(static_cast<std::size_t>(p));
          if (j + 1 == n)
            for (std::size_t p = hi; p < n; ++p) add(p);
          out[base + j * w + q] = s;
        }
    }
  }
  // Place j adds the places edge<k> fills from it: offsets between 0 and k (expr/structure.hpp).
  template <class S> static constexpr auto neighbours() {
    using L = detail::along_axis<S, Axis>;
    return detail::place_offsets<(K < 0 ? K : 0), (K < 0 ? 0 : K), L::places, L::width>();
  }
  template <std::size_t, class, class Adj, class V>
  using vjp = node<edge_op<K, Axis>, Adj>;
};

/// edge_t<k, axis>(λ): the transpose of edge<k, axis> (the VJP of edge; written by hand rarely).
template <std::ptrdiff_t K, int Axis = 0, Expr A> constexpr auto edge_t(A) { return detail::make<edge_t_op<K, Axis>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::edge_t;
}  // namespace prelude
}  // namespace costate
