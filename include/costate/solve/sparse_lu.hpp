// Eigen's SparseLU (Debian's libeigen3-dev) with a COLAMD ordering, for the stiff steppers' sparse
// path (solve/stiff_linear.hpp) where W reordered into a band would be wide (2-D grids, dense rows).
// Include this header to make it available; without it such systems get the band anyway, and Eigen
// is not parsed (seconds per translation unit).
//
// W's pattern (J's, derived from f, plus the diagonal) and its fill-reducing ordering are analysed
// once per integration; each factorisation writes W's values in place through a map from W's entries
// to J's and factorises numerically.
#pragma once

#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

#if __has_include(<Eigen/SparseLU>)
#include <Eigen/OrderingMethods>
#include <Eigen/SparseCore>
#include <Eigen/SparseLU>
#else  // Debian installs Eigen under eigen3/
#include <eigen3/Eigen/OrderingMethods>
#include <eigen3/Eigen/SparseCore>
#include <eigen3/Eigen/SparseLU>
#endif

#include "costate/expr/structure.hpp"
#include "costate/solve/stiff_linear.hpp"

namespace costate::detail {

template <std::size_t M>
struct sparse_lu final : sparse_backend {
  using matrix = Eigen::SparseMatrix<double, Eigen::ColMajor, int>;

  // W = shift·I − J (transposed = false) or shift·I + Jᵀ (true: the adjoint's λ block), J on pattern P.
  sparse_lu(const jacobian_pattern& P, bool transposed) : n_(P.n), sign_(transposed ? 1.0 : -1.0) {
    std::vector<Eigen::Triplet<double, int>> entries;
    entries.reserve(P.nonzeros() + n_);
    for (std::size_t i = 0; i < n_; ++i) {
      entries.emplace_back(static_cast<int>(i), static_cast<int>(i), 0.0);
      for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) {
        const auto r = static_cast<int>(i), c = static_cast<int>(P.column[k]);
        if (transposed) entries.emplace_back(c, r, 0.0);
        else entries.emplace_back(r, c, 0.0);
      }
    }
    w_.resize(static_cast<int>(n_), static_cast<int>(n_));
    w_.setFromTriplets(entries.begin(), entries.end());
    w_.makeCompressed();
    // Where each entry of W takes its value from: J's entry (r, c), or (c, r) transposed.
    source_.assign(static_cast<std::size_t>(w_.nonZeros()), none);
    diagonal_.assign(source_.size(), 0);
    for (int c = 0; c < w_.outerSize(); ++c)
      for (int k = w_.outerIndexPtr()[c]; k < w_.outerIndexPtr()[c + 1]; ++k) {
        const auto r = static_cast<std::size_t>(w_.innerIndexPtr()[k]), cc = static_cast<std::size_t>(c);
        const std::size_t i = transposed ? cc : r, j = transposed ? r : cc;  // J's (i, j)
        const auto first = P.column.begin() + static_cast<std::ptrdiff_t>(P.row_start[i]);
        const auto last = P.column.begin() + static_cast<std::ptrdiff_t>(P.row_start[i + 1]);
        const auto at = std::lower_bound(first, last, j);
        if (at != last && *at == j) source_[static_cast<std::size_t>(k)] = static_cast<std::size_t>(at - P.column.begin());
        diagonal_[static_cast<std::size_t>(k)] = r == cc ? 1 : 0;
      }
    lu_.analyzePattern(w_);
    x_.resize(static_cast<Eigen::Index>(n_));
    b_.resize(static_cast<Eigen::Index>(n_));
    r_.resize(static_cast<Eigen::Index>(n_));
    d_.resize(static_cast<Eigen::Index>(n_));
  }

  void factorise(double shift, const double* J) override {
    double* v = w_.valuePtr();
    for (std::size_t k = 0; k < source_.size(); ++k)
      v[k] = (diagonal_[k] ? shift : 0.0) + (source_[k] != none ? sign_ * J[source_[k]] : 0.0);
    lu_.factorize(w_);
    ok_ = lu_.info() == Eigen::Success;
  }

  void solve(double* b) override {
    Eigen::Map<Eigen::VectorXd> bm(b, static_cast<Eigen::Index>(n_));
    if (!ok_) {
      bm.setConstant(std::numeric_limits<double>::quiet_NaN());
      return;
    }
    // One step of iterative refinement: the LU's row interchanges under a fill-reducing column order
    // mix components of very different size (an adjoint of 4e7 beside a quadrature's λ of 1, whose
    // row of W is its diagonal alone), and a small component would carry the large ones' rounding,
    // beyond what its tolerance allows; the correction solves for a residual of rounding size.
    b_ = bm;
    x_ = lu_.solve(b_);
    r_ = b_;
    r_.noalias() -= w_ * x_;
    d_ = lu_.solve(r_);
    bm = x_ + d_;
  }

 private:
  static constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::size_t n_;
  double sign_;
  matrix w_;
  Eigen::SparseLU<matrix, Eigen::COLAMDOrdering<int>> lu_;
  std::vector<std::size_t> source_;
  std::vector<unsigned char> diagonal_;
  Eigen::VectorXd x_, b_, r_, d_;
  bool ok_ = false;
};

}  // namespace costate::detail
