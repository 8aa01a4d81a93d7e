// The banded LU of the stiff steppers' sparse path (solve/stiff_linear.hpp): W = shift·I − J (or
// shift·I + Jᵀ, the adjoint's λ block) reordered by reverse Cuthill–McKee into a band, and factorised
// with partial pivoting in band storage (LINPACK's dgbfa/dgbsl scheme). A 1-D stencil of a few
// species, whatever the order of its states ([u | v] has J's bandwidth n/2), becomes a band of a few
// diagonals: factorisation and solves cost O(n · bandwidth²) and O(n · bandwidth), with no symbolic
// analysis beyond the ordering, which is computed once per integration.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

#include "costate/expr/structure.hpp"

namespace costate::detail {

// A sparse factorisation of W = shift·I − J (or shift·I + Jᵀ, the adjoint's λ block), J given by its
// values in the order of a jacobian_pattern: banded_lu here, Eigen's SparseLU in solve/sparse_lu.hpp.
struct sparse_backend {
  virtual ~sparse_backend() = default;
  // Factorises; a singular W leaves the next solves non-finite (the step loop then rejects the step).
  // J must stay valid until the next factorise (solves refine against it).
  virtual void factorise(double shift, const double* jacobian) = 0;
  // b[0, n) ← W⁻¹ b[0, n).
  virtual void solve(double* b) = 0;
};

/// A symmetric permutation that gathers a pattern (with its diagonal) into a band.
struct band_ordering {
  std::vector<std::size_t> order;     // position → state
  std::vector<std::size_t> position;  // state → position
  std::size_t lower = 0, upper = 0;   // bandwidths of the reordered W
};

// Reverse Cuthill–McKee on the symmetrised pattern (each component from a pseudo-peripheral start:
// the last node reached by a breadth-first search from a node of least degree); lower and upper are
// W's bandwidths after the permutation, W(i, j) ≠ 0 where J(i, j) ≠ 0 (transposed: J(j, i) ≠ 0).
inline band_ordering reverse_cuthill_mckee(const jacobian_pattern& P, bool transposed) {
  const std::size_t n = P.n;
  std::vector<std::vector<std::size_t>> adj(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) {
      const std::size_t j = P.column[k];
      if (i == j) continue;
      adj[i].push_back(j);
      adj[j].push_back(i);
    }
  for (auto& a : adj) {
    std::sort(a.begin(), a.end());
    a.erase(std::unique(a.begin(), a.end()), a.end());
  }
  const auto by_degree = [&](std::size_t x, std::size_t y) {
    return adj[x].size() != adj[y].size() ? adj[x].size() < adj[y].size() : x < y;
  };
  std::vector<char> seen(n, 0);
  std::vector<std::size_t> order, level;
  order.reserve(n);
  // Breadth-first from `start` over unseen nodes, appended to `out` (neighbours by increasing degree).
  const auto bfs = [&](std::size_t start, std::vector<std::size_t>& out, std::vector<char>& mark) {
    const std::size_t first = out.size();
    out.push_back(start);
    mark[start] = 1;
    std::vector<std::size_t> next;
    for (std::size_t h = first; h < out.size(); ++h) {
      next.clear();
      for (const std::size_t w : adj[out[h]])
        if (!mark[w]) {
          mark[w] = 1;
          next.push_back(w);
        }
      std::sort(next.begin(), next.end(), by_degree);
      out.insert(out.end(), next.begin(), next.end());
    }
  };
  std::vector<std::size_t> nodes(n);
  for (std::size_t i = 0; i < n; ++i) nodes[i] = i;
  std::sort(nodes.begin(), nodes.end(), by_degree);
  for (const std::size_t s : nodes) {
    if (seen[s]) continue;
    // The component's farthest node from s, as the start.
    std::vector<char> trial = seen;
    level.clear();
    bfs(s, level, trial);
    bfs(level.back(), order, seen);
  }
  std::reverse(order.begin(), order.end());
  band_ordering o;
  o.order = order;
  o.position.resize(n);
  for (std::size_t k = 0; k < n; ++k) o.position[order[k]] = k;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) {
      std::size_t r = o.position[i], c = o.position[P.column[k]];
      if (transposed) std::swap(r, c);
      if (r > c) o.lower = std::max(o.lower, r - c);
      else o.upper = std::max(o.upper, c - r);
    }
  return o;
}

class banded_lu final : public sparse_backend {
 public:
  // W = shift·I − J (transposed = false) or shift·I + Jᵀ (true), J on pattern P, in the order `o`.
  banded_lu(const jacobian_pattern& P, bool transposed, band_ordering o)
      : n_(P.n), kl_(o.lower), ku_(o.upper), width_(2 * o.lower + o.upper + 1), transposed_(transposed),
        order_(std::move(o)), pattern_(&P) {
    a_.assign(n_ * width_, 0.0);
    pivot_.assign(n_, 0);
    inverse_diagonal_.assign(n_, 0.0);
    x_.resize(n_);
    r_.resize(n_);
    res_.resize(n_);
    where_.resize(P.nonzeros());
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) {
        std::size_t r = order_.position[i], c = order_.position[P.column[k]];
        if (transposed) std::swap(r, c);
        where_[k] = index(r, c);
      }
  }

  // The band storage's footprint, in values (for choosing between the band and a general sparse LU).
  static std::size_t storage(const band_ordering& o, std::size_t n) { return n * (2 * o.lower + o.upper + 1); }

  void factorise(double shift, const double* J) override {
    j_ = J;
    shift_ = shift;
    std::fill(a_.begin(), a_.end(), 0.0);
    const double sign = transposed_ ? 1.0 : -1.0;
    for (std::size_t k = 0; k < where_.size(); ++k) a_[where_[k]] += sign * J[k];
    for (std::size_t i = 0; i < n_; ++i) a_[index(i, i)] += shift;
    ok_ = true;
    for (std::size_t k = 0; k < n_; ++k) {
      const std::size_t last = std::min(n_ - 1, k + kl_);
      std::size_t p = k;
      for (std::size_t r = k + 1; r <= last; ++r)
        if (std::abs(a_[index(r, k)]) > std::abs(a_[index(p, k)])) p = r;
      pivot_[k] = p;
      const std::size_t right = std::min(n_ - 1, k + ku_ + kl_);
      if (p != k)
        for (std::size_t j = k; j <= right; ++j) std::swap(a_[index(k, j)], a_[index(p, j)]);
      const double d = a_[index(k, k)];
      if (d == 0.0) {
        ok_ = false;
        continue;
      }
      inverse_diagonal_[k] = 1.0 / d;  // (the back substitution multiplies: a division's latency is its chain's)
      for (std::size_t r = k + 1; r <= last; ++r) {
        const double m = a_[index(r, k)] /= d;
        if (m != 0.0)
          for (std::size_t j = k + 1; j <= right; ++j) a_[index(r, j)] -= m * a_[index(k, j)];
      }
    }
  }

  // With one step of iterative refinement against W itself (see sparse_lu.hpp for why).
  void solve(double* b) override {
    if (!ok_) {
      std::fill(b, b + n_, std::numeric_limits<double>::quiet_NaN());
      return;
    }
    for (std::size_t k = 0; k < n_; ++k) x_[k] = b[order_.order[k]];
    solve_in_place(x_);
    // r = b − W x, in the states' own order.
    std::vector<double>& xs = r_;  // x in state order, then the residual
    for (std::size_t k = 0; k < n_; ++k) xs[order_.order[k]] = x_[k];
    std::vector<double>& res = res_;
    std::copy(b, b + n_, res.begin());
    const jacobian_pattern& P = *pattern_;
    for (std::size_t i = 0; i < n_; ++i) {
      res[i] -= shift_ * xs[i];
      for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) {
        if (transposed_) res[P.column[k]] -= j_[k] * xs[i];
        else res[i] += j_[k] * xs[P.column[k]];
      }
    }
    for (std::size_t k = 0; k < n_; ++k) x_[k] = res[order_.order[k]];
    solve_in_place(x_);
    for (std::size_t k = 0; k < n_; ++k) b[order_.order[k]] = xs[order_.order[k]] + x_[k];
  }

 private:
  std::size_t index(std::size_t r, std::size_t c) const { return r * width_ + (c + kl_ - r); }

  void solve_in_place(std::vector<double>& bv) const {
    double* __restrict b = bv.data();
    const double* __restrict a = a_.data();
    const std::size_t w = width_, kl = kl_, n = n_;
    for (std::size_t k = 0; k < n; ++k) {
      if (pivot_[k] != k) std::swap(b[k], b[pivot_[k]]);
      const double bk = b[k];
      if (bk == 0.0) continue;
      const std::size_t last = std::min(n - 1, k + kl);
      // L(r, k) at a[r·w + k + kl − r]: one step of w − 1 from row to row.
      const double* l = a + k * w + kl;
      for (std::size_t r = k + 1; r <= last; ++r) b[r] -= l[(r - k) * (w - 1)] * bk;
    }
    for (std::size_t k = n; k-- > 0;) {
      const std::size_t right = std::min(n - 1, k + w - 1 - kl);
      const double* u = a + k * w + kl - k;  // u[j] = U(k, j)
      double s = b[k];
      for (std::size_t j = k + 1; j <= right; ++j) s -= u[j] * b[j];
      b[k] = s * inverse_diagonal_[k];
    }
  }

  std::size_t n_, kl_, ku_, width_;
  bool transposed_;
  band_ordering order_;
  const jacobian_pattern* pattern_;
  std::vector<double> a_, x_, r_, res_, inverse_diagonal_;
  std::vector<std::size_t> pivot_, where_;
  const double* j_ = nullptr;
  double shift_ = 1.0;
  bool ok_ = false;
};

}  // namespace costate::detail
