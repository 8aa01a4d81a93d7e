// What the grid operations (roll, shift, edge and edge's transpose) share: a vector, or a row-major
// matrix seen along one axis. Along axis 0 of an R×C matrix a place is a whole row (C contiguous
// values) and there is one line of R places; along axis 1 each of the R rows is a line of C places
// of one value each. A vector is one line of n places of one value.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

namespace costate::detail {

template <class S, int Axis>
struct along_axis {
  static constexpr bool columns = S::rank == 2 && Axis == 1;
  static constexpr std::size_t lines = columns ? S::dims[0] : 1;
  static constexpr std::size_t places = S::rank == 0 ? 1 : (columns ? S::dims[1] : S::dims[0]);
  static constexpr std::size_t width = S::rank == 2 && !columns ? S::dims[1] : 1;  // values per place
};

// edge<k> along a line of N places: places [lo, hi) read place - k, those below lo place 0, those
// from hi on place N - 1 (lo = hi = N for k >= N, lo = hi = 0 for k <= -N).
template <std::ptrdiff_t K, std::size_t N>
struct edge_runs {
  static constexpr std::size_t lo = K <= 0 ? 0 : (static_cast<std::size_t>(K) < N ? static_cast<std::size_t>(K) : N);
  static constexpr std::size_t hi = K >= 0 ? N : (static_cast<std::size_t>(-K) < N ? N - static_cast<std::size_t>(-K) : 0);
  static_assert(lo <= hi && hi <= N);
};

// Whether Axis names an axis of a tensor of shape S: 0 for a vector, 0 or 1 for a matrix.
template <class S, int Axis>
inline constexpr bool has_axis = (S::rank == 1 && Axis == 0) || (S::rank == 2 && (Axis == 0 || Axis == 1));

// An operation's parameters as the user writes them: roll<k>(x) along axis 0, roll<k, 1>(m) along 1.
template <std::ptrdiff_t K, int Axis>
constexpr auto axis_parameters() {
  if constexpr (Axis == 0) return std::array<std::intmax_t, 1>{K};
  else return std::array<std::intmax_t, 2>{K, Axis};
}

// out[line, place, :] = v[line, from(place), :] for the places [lo, hi) of every line, from(place) =
// place - k: one copying loop per run of places, no test per element.
template <class L, class T, class V>
[[gnu::always_inline]] inline void copy_places(T* out, const V& v, std::size_t lo, std::size_t hi, std::ptrdiff_t k) {
  constexpr std::size_t w = L::width;
  for (std::size_t line = 0; line < L::lines; ++line) {
    const std::size_t base = line * L::places * w;
    for (std::size_t i = lo * w; i < hi * w; ++i)
      out[base + i] = T(v[static_cast<std::size_t>(static_cast<std::ptrdiff_t>(base + i) - k * static_cast<std::ptrdiff_t>(w))]);
  }
}
// out[line, place, :] = v[line, from, :] for the places [lo, hi) of every line (one source place).
template <class L, class T, class V>
[[gnu::always_inline]] inline void repeat_place(T* out, const V& v, std::size_t lo, std::size_t hi, std::size_t from) {
  constexpr std::size_t w = L::width;
  for (std::size_t line = 0; line < L::lines; ++line) {
    const std::size_t base = line * L::places * w;
    for (std::size_t i = lo; i < hi; ++i)
      for (std::size_t q = 0; q < w; ++q) out[base + i * w + q] = T(v[base + from * w + q]);
  }
}
// out[line, place, :] = 0 for the places [lo, hi) of every line.
template <class L, class T>
[[gnu::always_inline]] inline void zero_places(T* out, std::size_t lo, std::size_t hi) {
  constexpr std::size_t w = L::width;
  for (std::size_t line = 0; line < L::lines; ++line)
    for (std::size_t i = lo * w; i < hi * w; ++i) out[line * L::places * w + i] = T(0);
}

// The flat offsets d such that element i of a grid operation's result reads operand element i + d,
// for the place offsets [lo, hi] along the axis (clipped to the line), each a whole place of W values:
// expr/structure.hpp reads them (`neighbours`) where the operation is not an index map. A superset is
// allowed, never a missing offset.
template <std::ptrdiff_t Lo, std::ptrdiff_t Hi, std::size_t Places, std::size_t W>
constexpr auto place_offsets() {
  constexpr std::ptrdiff_t most = static_cast<std::ptrdiff_t>(Places) - 1;
  constexpr std::ptrdiff_t lo = Lo < -most ? -most : Lo, hi = Hi > most ? most : Hi;
  std::array<std::ptrdiff_t, static_cast<std::size_t>(hi - lo + 1)> d{};
  for (std::ptrdiff_t k = lo; k <= hi; ++k) d[static_cast<std::size_t>(k - lo)] = k * static_cast<std::ptrdiff_t>(W);
  return d;
}

}  // namespace costate::detail
