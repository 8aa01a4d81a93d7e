// The small dense LU factorisation the Rosenbrock steppers (rosenbrock4, rodas5p) solve their
// stage equations with: W = shift·I − J, factorised once per attempted step, solved once per stage.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace costate::detail {

// An M×M matrix, row-major, factorised in place as P·A = L·U with partial pivoting. The matrix is
// on the heap: M² doubles may be far more than a stack frame should hold.
template <std::size_t M>
class dense_lu {
 public:
  // The matrix, row-major: write J here (jacobian() does), then factorise_shifted().
  double* data() { return a_.data(); }
  const double* data() const { return a_.data(); }

  // Replaces the matrix J held by shift·I − J and factorises it, swapping whole rows (multipliers
  // included) to the pivot of largest magnitude. A zero pivot is left in place: the solve then
  // yields non-finite values, and the step loop rejects the step.
  void factorise_shifted(double shift) {
    double* lu = a_.data();
    for (std::size_t i = 0; i < M * M; ++i) lu[i] = -lu[i];
    for (std::size_t i = 0; i < M; ++i) lu[i * M + i] += shift;
    for (std::size_t c = 0; c < M; ++c) {
      std::size_t p = c;
      for (std::size_t r = c + 1; r < M; ++r)
        if (std::abs(lu[r * M + c]) > std::abs(lu[p * M + c])) p = r;
      piv_[c] = p;
      if (p != c)
        for (std::size_t j = 0; j < M; ++j) std::swap(lu[c * M + j], lu[p * M + j]);
      const double d = lu[c * M + c];
      if (d == 0.0) continue;
      for (std::size_t r = c + 1; r < M; ++r) {
        const double f = lu[r * M + c] /= d;
        if (f != 0.0)
          for (std::size_t j = c + 1; j < M; ++j) lu[r * M + j] -= f * lu[c * M + j];
      }
    }
  }

  // b ← W⁻¹ b.
  void solve(std::array<double, M>& b) const {
    const double* lu = a_.data();
    if constexpr (M == 1) {  // (also spares g++ 12 a false -Warray-bounds on the pivot swap)
      b[0] /= lu[0];
    } else {
      // The factorisation swaps whole rows, multipliers included, so that L's rows are in the final
      // order: every interchange applies to b before L does.
      for (std::size_t c = 0; c < M; ++c)
        if (piv_[c] != c) std::swap(b[c], b[piv_[c]]);
      for (std::size_t c = 0; c < M; ++c)
        for (std::size_t r = c + 1; r < M; ++r) b[r] -= lu[r * M + c] * b[c];
      for (std::size_t c = M; c-- > 0;) {
        for (std::size_t j = c + 1; j < M; ++j) b[c] -= lu[c * M + j] * b[j];
        b[c] /= lu[c * M + c];
      }
    }
  }

 private:
  std::vector<double> a_ = std::vector<double>(M * M);
  std::array<std::size_t, M> piv_{};
};

}  // namespace costate::detail
