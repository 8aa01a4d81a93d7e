// Row colouring of a Jacobian pattern: rows of one colour list no column in common, so one VJP seeded
// with the sum of their unit vectors gives all of them at once (each column of the result belongs to
// at most one of the rows). The stiff steppers' sparse path evaluates ∂f/∂z in one sweep per colour
// instead of one per row: a stencil of w neighbours needs about w colours whatever n.
#pragma once

#include <cstddef>
#include <vector>

#include "costate/expr/structure.hpp"

namespace costate {

/// Rows of a Jacobian pattern grouped so that no two rows of a group share a column.
struct row_colouring {
  /// Group c holds rows[start[c] .. start[c + 1]), ascending.
  std::vector<std::size_t> start, rows;
  /// The number of groups: VJP sweeps per Jacobian.
  std::size_t colours() const { return start.empty() ? 0 : start.size() - 1; }
};

/// Greedy colouring in row order (each row takes the smallest colour none of the rows sharing a
/// column with it has): at most one more colour than the largest number of rows any row shares a
/// column with.
inline row_colouring colour_rows(const jacobian_pattern& p) {
  const std::size_t n = p.n;
  // The rows of each column (the transposed pattern).
  std::vector<std::size_t> col_start(n + 1, 0), col_rows(p.column.size());
  for (const std::size_t c : p.column) ++col_start[c + 1];
  for (std::size_t c = 0; c < n; ++c) col_start[c + 1] += col_start[c];
  {
    std::vector<std::size_t> fill(col_start.begin(), col_start.end() - 1);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = p.row_start[i]; k < p.row_start[i + 1]; ++k) col_rows[fill[p.column[k]]++] = i;
  }
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<std::size_t> colour(n, none), seen;  // seen[c] == i: colour c is taken by a neighbour of row i
  std::size_t colours = 0;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = p.row_start[i]; k < p.row_start[i + 1]; ++k) {
      const std::size_t c = p.column[k];
      for (std::size_t m = col_start[c]; m < col_start[c + 1]; ++m) {
        const std::size_t r = col_rows[m];
        if (colour[r] != none) seen[colour[r]] = i;
      }
    }
    std::size_t c = 0;
    while (c < colours && seen[c] == i) ++c;
    if (c == colours) {
      ++colours;
      seen.push_back(none);
    }
    colour[i] = c;
  }
  row_colouring g;
  g.start.assign(colours + 1, 0);
  for (std::size_t i = 0; i < n; ++i) ++g.start[colour[i] + 1];
  for (std::size_t c = 0; c < colours; ++c) g.start[c + 1] += g.start[c];
  g.rows.resize(n);
  std::vector<std::size_t> fill(g.start.begin(), g.start.end() - 1);
  for (std::size_t i = 0; i < n; ++i) g.rows[fill[colour[i]]++] = i;
  return g;
}

/// The colouring of jacobian_pattern_of<Sys>(), computed on first use and then kept.
template <class Sys>
const row_colouring& row_colouring_of() {
  static const row_colouring g = colour_rows(jacobian_pattern_of<Sys>());
  return g;
}

namespace prelude {
using costate::colour_rows;
using costate::row_colouring;
}  // namespace prelude
}  // namespace costate
