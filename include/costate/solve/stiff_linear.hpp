// The linear algebra of the Rosenbrock steppers (rosenbrock4, rodas5p): J = ∂f/∂z once per step, W =
// I/(γh) − J factorised once per attempted step, solved once per stage; dense or sparse (lu_kind).
//
// Dense: J from one VJP per state (the right-hand side's jacobian()), W of the whole state factorised
// by dense_lu. Sparse (where the right-hand side is `structured`: made by ode(...)): J's pattern is
// derived from f's expression types (expr/structure.hpp), its values come from one VJP per colour of
// its rows (expr/colouring.hpp), and W is factorised as a band in reverse Cuthill–McKee order
// (solve/banded_lu.hpp) or, where that band would be wide and the user includes solve/sparse_lu.hpp,
// by Eigen's SparseLU (Eigen is not parsed where it is not wanted). The ordering is computed once per
// integration. The interpolated adjoint [λ | g_θ | g_t] is linear in λ and its Jacobian's columns
// for the quadratures are zero: W is block lower triangular, so only its λ block I/(γh) + (∂f/∂z)ᵀ
// is factorised, and the quadratures' part of a solve is (b_g − [∂f/∂θ | ∂f/∂t]ᵀ k_λ)·γh, one VJP.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "costate/error.hpp"
#include "costate/expr/structure.hpp"
#include "costate/solve/banded_lu.hpp"
#include "costate/solve/dense_lu.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"

namespace costate {

/// lu_kind::automatic takes the sparse LU from this many states of ∂f/∂z on ...
inline constexpr std::size_t sparse_min_states = 200;
/// ... where the pattern lists at most this fraction of the n² entries.
inline constexpr double sparse_max_density = 0.05;
/// The sparse path factorises W as a band (reverse Cuthill–McKee order) where the band's storage is
/// at most this many times the pattern's entries (plus the diagonal), else by Eigen's SparseLU.
inline constexpr std::size_t band_storage_factor = 16;

namespace detail {

// Defined by costate/solve/sparse_lu.hpp (Eigen's SparseLU); M only makes its use depend on the stepper.
template <std::size_t M> struct sparse_lu;

template <class Rhs> concept structured_rhs = requires { Rhs::structured; };
template <class Rhs> concept block_adjoint_rhs = requires { Rhs::implicit_states; };

template <std::size_t M>
class stiff_linear {
 public:
  void configure(lu_kind k) { requested_ = k; }
  bool sparse() const { return sparse_; }

  // J (and ∂f/∂t into dfdt) at (x, t), kept for factorise().
  template <class Rhs, class S>
  void jacobian(const Rhs& rhs, const S& x, double t, S& dfdt, pass_stats& st) {
    if (!resolved_) resolve(rhs);
    ++st.jacobian_evals;
    if constexpr (structured_rhs<Rhs>) {
      if (sparse_) {
        if constexpr (block_adjoint_rhs<Rhs>) {
          st.jacobian_sweeps += rhs.coloured_jacobian(x, values_.data(), t, dfdt, zj_.data());
          tj_ = t;
        } else {
          st.jacobian_sweeps += rhs.coloured_jacobian(x, values_.data(), t, dfdt);
        }
        return;
      }
      st.jacobian_sweeps += Rhs::pattern().n;
    }
    rhs.jacobian(x, jac_.data(), t, dfdt);
  }

  // W = shift·I − J from the last jacobian().
  void factorise(double shift, pass_stats& st) {
    ++st.factorisations;
    shift_ = shift;
    if (sparse_) {
      ++st.sparse_factorisations;
      if (banded_) ++st.banded_factorisations;
      backend_->factorise(shift, values_.data());
    } else {
      std::copy(jac_.begin(), jac_.end(), lu_->data());
      lu_->factorise_shifted(shift);
    }
  }

  // b ← W⁻¹ b.
  template <class Rhs>
  void solve(const Rhs& rhs, std::array<double, M>& b) {
    if (!sparse_) {
      lu_->solve(b);
      return;
    }
    backend_->solve(b.data());
    if constexpr (block_adjoint_rhs<Rhs>) {
      constexpr std::size_t nb = Rhs::implicit_states;
      if constexpr (M > nb) {
        std::array<double, M - nb> c;
        rhs.coupling(zj_.data(), tj_, b.data(), c.data());
        for (std::size_t r = 0; r < M - nb; ++r) b[nb + r] = (b[nb + r] - c[r]) / shift_;
      }
    }
  }

 private:
  template <class Rhs>
  void resolve(const Rhs&) {
    resolved_ = true;
    constexpr bool available = requires { sizeof(sparse_lu<M>); };
    if constexpr (structured_rhs<Rhs>) {
      const jacobian_pattern& P = Rhs::pattern();
      const double n = static_cast<double>(P.n);
      const bool large = P.n >= sparse_min_states && static_cast<double>(P.nonzeros()) <= sparse_max_density * n * n;
      if (requested_ == lu_kind::sparse || (requested_ == lu_kind::automatic && large)) {
        constexpr bool transposed = block_adjoint_rhs<Rhs>;
        band_ordering o = reverse_cuthill_mckee(P, transposed);
        // The band where its storage is within a small multiple of the pattern's; Eigen's SparseLU
        // (with its fill-reducing ordering) for wider bands, where it is included.
        const bool band = banded_lu::storage(o, P.n) <= band_storage_factor * (P.nonzeros() + P.n);
        if (band || !available) {
          if (band || requested_ == lu_kind::sparse) {
            backend_ = std::make_unique<banded_lu>(P, transposed, std::move(o));
            banded_ = true;
          }
        } else {
          if constexpr (available) backend_ = std::make_unique<sparse_lu<M>>(P, transposed);
        }
        if (backend_) {
          sparse_ = true;
          values_.resize(P.nonzeros());
          if constexpr (block_adjoint_rhs<Rhs>) zj_.resize(P.n);
        }
      }
    } else {
      if (requested_ == lu_kind::sparse)
        throw error("lu_kind::sparse needs the Jacobian's structure, which only a system made by ode(...) has "
                    "(a generated system or a hand-written right-hand side gets the dense LU)");
    }
    if (!sparse_) {
      lu_.emplace();
      jac_.resize(M * M);
    }
  }

  lu_kind requested_ = lu_kind::automatic;
  bool resolved_ = false, sparse_ = false, banded_ = false;
  double shift_ = 1.0, tj_ = 0.0;
  std::optional<dense_lu<M>> lu_;         // dense: W, factorised in place
  std::vector<double> jac_;               // dense: J, row-major
  std::unique_ptr<sparse_backend> backend_;  // sparse
  std::vector<double> values_, zj_;       // sparse: J in pattern order; the adjoint's z(t) at the Jacobian
};

}  // namespace detail
}  // namespace costate
