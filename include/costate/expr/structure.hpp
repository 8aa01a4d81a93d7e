// The structure of ∂f/∂z read off an expression's type: which state elements element i of a node
// depends on. Stiff steppers expand it once into the sparsity pattern of the Jacobian, colour its
// rows (one VJP sweep per colour instead of one per row) and factorise W = I/(γh) − J sparsely.
//
// Per node, a constexpr value of fixed size whatever the length of its vectors:
//   columns  ranges [begin, end) of state elements every element of the node depends on (a scalar
//            state, a sum, a matrix–vector product, a scalar broadcast into a vector);
//   bands    (offset, rows [begin, end)): element i, for i in the rows, depends on state element
//            i + offset (a state_vector itself, and what elementwise operations and index maps make
//            of it: roll<k> is two bands, shift<k> one, slice, concat and embed move the rows).
// Elementwise operations take the union of their operands' structures; index maps (operations with
// `index_map` and their `pieces`) translate bands exactly, and operations stating `neighbours` (roll,
// shift and edge within a matrix's rows, edge's transpose) move them by each offset; any other tensor
// operation (reductions, products, broadcasts along rows or columns, operations this header does not
// know) makes each element depend on every state element any operand element depends on. The result is a superset of
// the true pattern (never missing a nonzero, sometimes listing an entry that is zero), and exact for
// elementwise systems over rolls, shifts, slices and concatenations. Past `structure_capacity`
// ranges or bands, the closest ranges are merged and bands widened into ranges: still a superset.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "costate/expr/node.hpp"
#include "costate/expr/operation.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
template <std::size_t I> struct component_op;  // (expr/ops/component.hpp)

namespace detail {

inline constexpr std::size_t structure_capacity = 24;

struct column_range {
  std::ptrdiff_t begin, end;  // state elements [begin, end)
};
struct column_band {
  std::ptrdiff_t offset;      // element i depends on state element i + offset ...
  std::ptrdiff_t begin, end;  // ... for i in [begin, end)
};

/// Which state elements each element of an expression depends on (see expr/structure.hpp).
struct structure {
  std::array<column_range, structure_capacity> columns{};
  std::array<column_band, structure_capacity> bands{};
  std::size_t ncolumns = 0, nbands = 0;

  constexpr bool empty() const { return ncolumns == 0 && nbands == 0; }

  constexpr void add_columns(std::ptrdiff_t b, std::ptrdiff_t e) {
    if (b >= e) return;
    // Insert in order, then merge overlapping or adjacent ranges.
    std::size_t k = ncolumns;
    if (k == structure_capacity) {  // full: merge the two ranges with the smallest gap first
      std::size_t best = 0;
      for (std::size_t j = 1; j + 1 < ncolumns; ++j)
        if (columns[j + 1].begin - columns[j].end < columns[best + 1].begin - columns[best].end) best = j;
      columns[best].end = std::max(columns[best].end, columns[best + 1].end);
      for (std::size_t j = best + 1; j + 1 < ncolumns; ++j) columns[j] = columns[j + 1];
      --ncolumns;
      k = ncolumns;
    }
    while (k > 0 && columns[k - 1].begin > b) {
      columns[k] = columns[k - 1];
      --k;
    }
    columns[k] = {b, e};
    ++ncolumns;
    std::size_t w = 0;
    for (std::size_t r = 1; r < ncolumns; ++r) {
      if (columns[r].begin <= columns[w].end) columns[w].end = std::max(columns[w].end, columns[r].end);
      else columns[++w] = columns[r];
    }
    ncolumns = ncolumns == 0 ? 0 : w + 1;
  }

  constexpr void add_band(std::ptrdiff_t offset, std::ptrdiff_t b, std::ptrdiff_t e) {
    if (b >= e) return;
    for (std::size_t j = 0; j < nbands; ++j) {  // the same offset on overlapping or adjacent rows
      column_band& c = bands[j];
      if (c.offset == offset && b <= c.end && c.begin <= e) {
        c.begin = std::min(c.begin, b);
        c.end = std::max(c.end, e);
        return;
      }
    }
    if (nbands == structure_capacity) {  // full: this band becomes the range of columns it reaches
      add_columns(b + offset, e + offset);
      return;
    }
    bands[nbands++] = {offset, b, e};
  }

  constexpr void add(const structure& o) {
    for (std::size_t j = 0; j < o.ncolumns; ++j) add_columns(o.columns[j].begin, o.columns[j].end);
    for (std::size_t j = 0; j < o.nbands; ++j) add_band(o.bands[j].offset, o.bands[j].begin, o.bands[j].end);
  }

  // Every state element any element depends on, as ranges (what an element of a reduction of this
  // node depends on).
  constexpr structure all_columns() const {
    structure s;
    for (std::size_t j = 0; j < ncolumns; ++j) s.add_columns(columns[j].begin, columns[j].end);
    for (std::size_t j = 0; j < nbands; ++j) s.add_columns(bands[j].begin + bands[j].offset, bands[j].end + bands[j].offset);
    return s;
  }

  // What element i depends on, as ranges.
  constexpr structure row(std::ptrdiff_t i) const {
    structure s;
    for (std::size_t j = 0; j < ncolumns; ++j) s.add_columns(columns[j].begin, columns[j].end);
    for (std::size_t j = 0; j < nbands; ++j)
      if (bands[j].begin <= i && i < bands[j].end) s.add_columns(i + bands[j].offset, i + bands[j].offset + 1);
    return s;
  }
};

// A node's structure from its operands': one instantiation per operation and shapes, shared by every
// node of that operation and shapes (a large system has thousands of nodes and a few dozen of these).
template <class Op> struct is_component : std::false_type {};
template <std::size_t I> struct is_component<component_op<I>> : std::true_type {};

template <class Op, class R, class... S, class... Operand>
constexpr structure combine(const Operand&... operand) {
  const structure* operands[] = {&operand..., nullptr};
  constexpr bool same_shape[] = {__is_same(S, R)..., false};
  constexpr bool scalar[] = {(S::rank == 0)..., false};
  structure s;
  if constexpr (!tensor_operation<Op>) {
    // Elementwise: element i of an operand of the result's shape is element i; a scalar, or a vector
    // broadcast along a matrix's rows or columns, reaches each element with all it depends on.
    for (std::size_t k = 0; k < sizeof...(S); ++k) s.add(same_shape[k] ? *operands[k] : operands[k]->all_columns());
  } else if constexpr (requires { Op::index_map; }) {
    for (const index_piece& p : Op::template pieces<S...>()) {
      if (p.operand < 0 || p.begin >= p.end) continue;
      const structure& o = *operands[p.operand];
      if (scalar[p.operand]) {
        s.add(o.all_columns());
        continue;
      }
      // Result element i in [begin, end) is operand element j = i − begin + from.
      const std::ptrdiff_t begin = static_cast<std::ptrdiff_t>(p.begin), end = static_cast<std::ptrdiff_t>(p.end);
      const std::ptrdiff_t shift = static_cast<std::ptrdiff_t>(p.from) - begin;
      for (std::size_t j = 0; j < o.ncolumns; ++j) s.add_columns(o.columns[j].begin, o.columns[j].end);
      for (std::size_t j = 0; j < o.nbands; ++j) {
        const column_band& b = o.bands[j];
        s.add_band(b.offset + shift, std::max(begin, b.begin - shift), std::min(end, b.end - shift));
      }
    }
  } else if constexpr (sizeof...(S) == 1 && requires { Op::template neighbours<S...>(); }) {
    // Grid operations that are not index maps (along a matrix's rows, reflecting boundaries): result
    // element i reads operand element i + d for each of the operation's offsets d (a superset), so
    // operand element j's band (offset o, rows [b, e)) reaches result rows [b - d, e - d) at o + d.
    const structure& o = *operands[0];
    const auto size = static_cast<std::ptrdiff_t>(R::size);
    for (std::size_t j = 0; j < o.ncolumns; ++j) s.add_columns(o.columns[j].begin, o.columns[j].end);
    for (const std::ptrdiff_t d : Op::template neighbours<S...>())
      for (std::size_t j = 0; j < o.nbands; ++j) {
        const column_band& b = o.bands[j];
        s.add_band(b.offset + d, std::max<std::ptrdiff_t>(0, b.begin - d), std::min(size, b.end - d));
      }
  } else if constexpr (is_component<Op>::value && sizeof...(S) == 1) {
    s.add(operands[0]->row(static_cast<std::ptrdiff_t>(Op::index)));
  } else {
    for (std::size_t k = 0; k < sizeof...(S); ++k) s.add(operands[k]->all_columns());
  }
  return s;
}

template <class E> inline constexpr structure structure_v{};  // constants, parameters, inputs, t, λ
template <std::size_t I, class S>
inline constexpr structure structure_v<symbol<symbol_kind::state, I, S>> = [] {
  structure s;
  if constexpr (S::rank == 0) s.add_columns(I, I + 1);
  else s.add_band(static_cast<std::ptrdiff_t>(I), 0, static_cast<std::ptrdiff_t>(S::size));
  return s;
}();
// Memoised per expression: a shared subexpression is analysed once.
template <class Op, class... A>
inline constexpr structure structure_v<node<Op, A...>> =
    combine<Op, shape_of_t<node<Op, A...>>, shape_of_t<A>...>(structure_v<A>...);

/// The state elements each element of E depends on: a superset of the nonzeros of ∂E/∂z, of a size
/// independent of E's shape (expr/structure.hpp).
template <Expr E> constexpr structure structure_of(E) { return structure_v<E>; }

}  // namespace detail

/// The sparsity pattern of an n×n Jacobian ∂f/∂z, row by row (compressed rows, columns ascending).
struct jacobian_pattern {
  /// The number of rows and of columns, n.
  std::size_t n = 0;
  /// Row i's columns are column[row_start[i] .. row_start[i + 1]).
  std::vector<std::size_t> row_start, column;
  /// The number of entries listed.
  std::size_t nonzeros() const { return column.size(); }
  /// Whether (i, j) is listed.
  bool contains(std::size_t i, std::size_t j) const {
    return std::binary_search(column.begin() + static_cast<std::ptrdiff_t>(row_start[i]),
                              column.begin() + static_cast<std::ptrdiff_t>(row_start[i + 1]), j);
  }
};

namespace detail {
// One range or band of an output's structure, as the run-time expansion reads it.
struct structure_entry {
  std::ptrdiff_t offset, begin, end;  // a band (offset, rows [begin, end)); a range [begin, end) when !band
  bool band;
};

// The outputs' structures flattened at compile time into entries (only those used, not the capacity),
// with where each output's entries start and its size: the expansion below is then one plain function,
// whatever the number of outputs.
template <class... F>
struct flat_structure {
  static constexpr std::size_t outputs = sizeof...(F);
  static constexpr std::size_t count = (std::size_t{0} + ... + (structure_v<F>.ncolumns + structure_v<F>.nbands));
  struct tables {
    std::array<structure_entry, count + 1> entries{};
    std::array<std::size_t, outputs + 1> first{};
    std::array<std::size_t, outputs + 1> size{};
  };
  static constexpr tables make() {
    tables t;
    std::size_t k = 0, o = 0;
    const auto append = [&](const structure& s, std::size_t size) {
      t.first[o] = k;
      t.size[o] = size;
      for (std::size_t j = 0; j < s.ncolumns; ++j) t.entries[k++] = {0, s.columns[j].begin, s.columns[j].end, false};
      for (std::size_t j = 0; j < s.nbands; ++j) t.entries[k++] = {s.bands[j].offset, s.bands[j].begin, s.bands[j].end, true};
      ++o;
    };
    (append(structure_v<F>, shape_of_t<F>::size), ...);
    t.first[o] = k;
    return t;
  }
};

// Expands flattened structures into the Jacobian's pattern: a run-time loop over the n rows, done once
// per system (see jacobian_pattern_of).
inline jacobian_pattern expand_pattern(std::size_t n, const structure_entry* entries, const std::size_t* first,
                                       const std::size_t* sizes, std::size_t outputs) {
  jacobian_pattern p;
  p.n = n;
  p.row_start.assign(1, 0);
  std::vector<std::size_t> row;
  for (std::size_t k = 0; k < outputs; ++k) {
    for (std::size_t i = 0; i < sizes[k]; ++i) {
      row.clear();
      const auto add = [&](std::ptrdiff_t b, std::ptrdiff_t e) {
        for (std::ptrdiff_t c = std::max<std::ptrdiff_t>(b, 0); c < std::min<std::ptrdiff_t>(e, static_cast<std::ptrdiff_t>(n)); ++c)
          row.push_back(static_cast<std::size_t>(c));
      };
      const auto ii = static_cast<std::ptrdiff_t>(i);
      for (std::size_t j = first[k]; j < first[k + 1]; ++j) {
        const structure_entry& e = entries[j];
        if (!e.band) add(e.begin, e.end);
        else if (e.begin <= ii && ii < e.end) add(ii + e.offset, ii + e.offset + 1);
      }
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end()), row.end());
      p.column.insert(p.column.end(), row.begin(), row.end());
      p.row_start.push_back(p.column.size());
    }
  }
  return p;
}
template <class... F>
jacobian_pattern expand_pattern(std::size_t n, tlist<F...>) {
  static constexpr auto t = flat_structure<F...>::make();
  return expand_pattern(n, t.entries.data(), t.first.data(), t.size.data(), sizeof...(F));
}
}  // namespace detail

/// The sparsity pattern of ∂f/∂z for a system made by `ode(...)`, derived from its expressions'
/// types (a superset of the nonzeros: see costate/expr/structure.hpp). Computed on first use, then
/// kept for the life of the program.
template <class Sys>
const jacobian_pattern& jacobian_pattern_of() {
  static const jacobian_pattern p = detail::expand_pattern(Sys::states, typename Sys::rhs{});
  return p;
}

namespace prelude {
using costate::jacobian_pattern;
using costate::jacobian_pattern_of;
}  // namespace prelude
}  // namespace costate
