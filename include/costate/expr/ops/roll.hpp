// roll<k>(v): the vector v rotated by k places, periodically: roll<k>(v)[i] = v[(i - k) mod n], the
// convention of numpy.roll and Julia's circshift. On a periodic grid, roll<1>(x)[i] = x[i-1] and
// roll<-1>(x)[i] = x[i+1]: Lorenz-96 is (roll<-1>(x) - roll<2>(x)) * roll<1>(x) - x + F.
// roll<k, axis>(m) rotates a row-major matrix along one axis: roll<k, 0>(m)[r][c] = m[(r - k) mod R][c]
// (the rows move), roll<k, 1>(m)[r][c] = m[r][(c - k) mod C] (within each row).
// Along axis 0 an index map (read in place by the plan: rows are contiguous, so it is the flat vector
// rolled by k·C); along axis 1 a loop per row (an index map would need two pieces per row). Its VJP
// rolls λ back along the same axis.
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
struct roll_needs_a_vector_or_matrix_axis {  // <places, axis, shape of the operand>
  static_assert(S::rank == 1 || S::rank == 2, "costate: roll<k>(v) rotates a vector or, roll<k, axis>(m), a matrix");
  static_assert(has_axis<S, Axis> || S::rank == 0 || S::rank > 2,
                "costate: roll<k, axis>: axis is 0 (rows) or 1 (columns) of a matrix, 0 of a vector");
  using type = S;
};
// k mod n in [0, n).
constexpr std::size_t periodic_offset(std::ptrdiff_t k, std::size_t n) {
  const auto m = static_cast<std::ptrdiff_t>(n);
  return static_cast<std::size_t>(((k % m) + m) % m);
}

template <std::ptrdiff_t K, int Axis, template <std::ptrdiff_t, int> class Self>
struct roll_rule {
  static constexpr const char* name = "roll";
  static constexpr std::ptrdiff_t places = K;
  static constexpr int axis = Axis;
  static constexpr auto parameters = axis_parameters<K, Axis>();
  static constexpr bool tensor = true;
  static constexpr bool multilinear = true;  // zero if the operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "roll", "\\operatorname{roll}", precedence::atom};
  template <class S> using result_shape = typename roll_needs_a_vector_or_matrix_axis<K, Axis, S>::type;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    using L = along_axis<S, Axis>;
    constexpr std::size_t n = L::places, s = periodic_offset(K, L::places);
    copy_places<L>(out, v, 0, s, static_cast<std::ptrdiff_t>(s) - static_cast<std::ptrdiff_t>(n));
    copy_places<L>(out, v, s, n, static_cast<std::ptrdiff_t>(s));
  }
  // Place p reads place p - s or, below s, p - s + n (expr/structure.hpp).
  template <class S> static constexpr std::array<std::ptrdiff_t, 2> neighbours() {
    using L = along_axis<S, Axis>;
    constexpr auto n = static_cast<std::ptrdiff_t>(L::places), s = static_cast<std::ptrdiff_t>(periodic_offset(K, L::places));
    constexpr auto w = static_cast<std::ptrdiff_t>(L::width);
    return {-s * w, (n - s) % n * w};
  }
  template <std::size_t, class, class Adj, class V>
  using vjp = node<Self<-K, Axis>, Adj>;
};
}  // namespace detail

/// roll<k, axis>(x): x rotated periodically by k places along an axis (numpy.roll's convention).
template <std::ptrdiff_t K, int Axis = 0>
struct roll_op : detail::roll_rule<K, Axis, roll_op> {};
// Along axis 0: the flat values rolled by k whole rows, out[0, s) = v[n - s, n), out[s, n) = v[0, n - s)
// (an empty first piece when s = 0).
template <std::ptrdiff_t K>
struct roll_op<K, 0> : detail::roll_rule<K, 0, roll_op> {
  static constexpr bool index_map = true;  // (detail::index_piece)
  template <class S> static constexpr std::array<detail::index_piece, 2> pieces() {
    using L = detail::along_axis<S, 0>;
    constexpr std::size_t n = S::size, s = detail::periodic_offset(K, L::places) * L::width;
    return {{{0, s, 0, n - s}, {s, n, 0, 0}}};
  }
};

/// roll<k>(v)[i] = v[(i - k) mod n]; roll<k, 0>(m) moves the rows of a matrix, roll<k, 1>(m) the
/// values within each row.
template <std::ptrdiff_t K, int Axis = 0, Expr A> constexpr auto roll(A) { return detail::make<roll_op<K, Axis>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::roll;
}  // namespace prelude
}  // namespace costate
