// edge<k>(v): the vector v moved by k places with a reflecting (zero-flux, homogeneous Neumann)
// boundary: values beyond the ends repeat the end value, edge<k>(v)[i] = v[clamp(i - k, 0, n - 1)].
// On a cell-centred grid this is the ghost cell of a zero-flux wall: edge<1>(x)[0] = x[0], so
// edge<1>(x) + edge<-1>(x) - 2x is the Neumann Laplacian, whose values sum to zero (mass is kept).
// For |k| >= n every place reads the one end value. edge<k, axis>(m) moves a row-major matrix along
// one axis as roll and shift do: edge<k, 0>(m)[r][c] = m[clamp(r - k, 0, R - 1)][c], edge<k, 1>(m)
// within each row.
// Not an index map (a piece reads its operand once per place, and the ends repeat one place): a loop.
// Its transpose, the VJP, adds the values it repeated back into the end place: edge_t<k>(λ)
// (expr/ops/edge_t.hpp), whose own VJP is edge<k> again.
#pragma once
#include <cstddef>
#include <cstdint>
#include "costate/expr/operation.hpp"
#include "costate/expr/ops/axis.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::ptrdiff_t K, int Axis> struct edge_t_op;
namespace detail {
template <std::ptrdiff_t K, int Axis, class S>
struct edge_needs_a_vector_or_matrix_axis {  // <places, axis, shape of the operand>
  static_assert(S::rank == 1 || S::rank == 2, "costate: edge<k>(v) moves a vector or, edge<k, axis>(m), a matrix");
  static_assert(has_axis<S, Axis> || S::rank == 0 || S::rank > 2,
                "costate: edge<k, axis>: axis is 0 (rows) or 1 (columns) of a matrix, 0 of a vector");
  using type = S;
};
}  // namespace detail

/// edge<k, axis>(x): x moved by k places along an axis, the end values repeated beyond the ends (a
/// reflecting, zero-flux boundary).
template <std::ptrdiff_t K, int Axis = 0>
struct edge_op {
  static constexpr const char* name = "edge";
  static constexpr std::ptrdiff_t places = K;
  static constexpr int axis = Axis;
  static constexpr auto parameters = detail::axis_parameters<K, Axis>();
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if the operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "edge", "\\operatorname{edge}", precedence::atom};
  template <class S> using result_shape = typename detail::edge_needs_a_vector_or_matrix_axis<K, Axis, S>::type;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    using L = detail::along_axis<S, Axis>;
    using R = detail::edge_runs<K, L::places>;
    detail::repeat_place<L>(out, v, 0, R::lo, 0);
    detail::copy_places<L>(out, v, R::lo, R::hi, K);
    detail::repeat_place<L>(out, v, R::hi, L::places, L::places - 1);
  }
  // Place p reads place clamp(p - k, 0, n - 1): an offset between -k and 0 (expr/structure.hpp).
  template <class S> static constexpr auto neighbours() {
    using L = detail::along_axis<S, Axis>;
    return detail::place_offsets<(K < 0 ? 0 : -K), (K < 0 ? -K : 0), L::places, L::width>();
  }
  template <std::size_t, class, class Adj, class V>
  using vjp = node<edge_t_op<K, Axis>, Adj>;
};

/// edge<k>(v)[i] = v[clamp(i - k, 0, n - 1)]; edge<k, 0>(m) moves the rows of a matrix, edge<k, 1>(m)
/// the values within each row.
template <std::ptrdiff_t K, int Axis = 0, Expr A> constexpr auto edge(A) { return detail::make<edge_op<K, Axis>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::edge;
}  // namespace prelude
}  // namespace costate
