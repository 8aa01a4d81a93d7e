// Losses of the solution, written as expressions; their gradients ∂ℓ/∂z and ∂ℓ/∂θ are derived by the
// same reverse sweep as f's.
//
//   terminal_loss(0.5_c * (x*x + y*y))            L = ℓ(z(t1), θ)
//   running_loss(x*x + 0.1_c*y*y)                 L = ∫ ℓ(z, θ, t) dt over [t0, t1]
//   running_loss(ℓ) + terminal_loss(φ)            L = ∫ ℓ dt + φ(z(t1), θ)
//   observations(0.5_c*(x - input<0>)*(x - input<0>), times, data)
//                                                 L = Σ_k ℓ(z(t_k), θ, data_k): in ℓ, input<j> is
//                                                 column j of the observation's data row
#pragma once

#include <cstddef>
#include <ranges>
#include <type_traits>
#include <vector>

#include "costate/expr/dag.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/reverse.hpp"
#include "costate/expr/shape_of.hpp"
#include "costate/expr/simplify.hpp"
#include "costate/system/ode.hpp"

namespace costate {

/// A loss on the final state, L = φ(z(t1), θ): made by `terminal_loss(φ)`.
template <class L>
struct terminal_loss_t {
  /// φ, simplified.
  using expression = simplify_t<L>;  // simplified, so that its nodes are shared with its gradient
  /// The number of states φ reads (largest index plus one).
  static constexpr std::size_t states = detail::symbol_extent_v<symbol_kind::state, L>;
  /// The number of parameters φ reads (it may use parameters f does not: θ grows to hold them).
  static constexpr std::size_t params = detail::symbol_extent_v<symbol_kind::param, L>;
  /// The number of `input<k>` values φ reads (those of the system, or an observation's data).
  static constexpr std::size_t inputs = detail::symbol_extent_v<symbol_kind::input, L>;
  static_assert(!detail::occurs<detail::time_symbol, L>::value,
                "costate::terminal_loss: the loss is a function of z(t1) and θ; it may not contain t");
  static_assert(detail::symbol_extent_v<symbol_kind::adjoint, L> == 0,
                "costate::terminal_loss: adjoint<i> (λ) symbols belong to derived expressions");

  static_assert(is_scalar_v<L>, "costate::terminal_loss: the loss must be a scalar (use sum, dot or norm2 on tensors)");

  // ∂ℓ/∂X for each state and parameter symbol X the loss uses (scalars or blocks).
  /// The state symbols φ uses, by offset.
  using state_leaves = detail::leaves_t<symbol_kind::state, expression>;
  /// The parameter symbols φ uses, by offset.
  using param_leaves = detail::leaves_t<symbol_kind::param, expression>;
  /// ∂φ/∂z, one derived expression per entry of state_leaves.
  using grad_state = typename detail::vjp_list<detail::tlist<expression>, detail::tlist<one>, state_leaves>::type;
  /// ∂φ/∂θ, one derived expression per entry of param_leaves.
  using grad_param = typename detail::vjp_list<detail::tlist<expression>, detail::tlist<one>, param_leaves>::type;
};

// L = ℓ(z(t1), θ): a loss on the final state.
/// L = φ(z(t1), θ), a scalar expression of the final state and the parameters (not of t):
/// `terminal_loss(0.5_c * (x*x + y*y))`. Its gradient is derived by the reverse sweep that gives f's VJPs.
template <Expr L>
constexpr terminal_loss_t<std::remove_cvref_t<L>> terminal_loss(L) {
  return {};
}

// L = ∫ ℓ(z, θ, t) dt (+ a terminal term). The integral is carried as one more state q with
// q' = ℓ and q(t0) = 0, and its adjoint is the constant 1: the adjoint then picks up -∂ℓ/∂z in dλ/dt
// and -∂ℓ/∂θ in dg_θ/dt, derived from ℓ's expression like f's VJPs (see solve/gradient.hpp).
/// L = ∫ ℓ(z, θ, t) dt over [t0, t1], optionally plus a terminal term: made by `running_loss(ℓ)` and
/// `running_loss(ℓ) + terminal_loss(φ)`. The integral is carried as one more state q' = ℓ.
template <class Ell, class Terminal = void>
struct running_loss_t {
  /// ℓ.
  using integrand = Ell;
  /// The terminal term's terminal_loss_t, or void.
  using terminal = Terminal;
  static_assert(is_scalar_v<Ell>, "costate::running_loss: the integrand must be a scalar (use sum, dot or norm2 on tensors)");
  static_assert(detail::symbol_extent_v<symbol_kind::adjoint, Ell> == 0,
                "costate::running_loss: adjoint<i> (λ) symbols belong to derived expressions");
};

/// L = ∫ ℓ(z, θ, t) dt over [t0, t1]; ℓ is a scalar expression and may depend on t.
template <Expr L>
constexpr running_loss_t<std::remove_cvref_t<L>> running_loss(L) {
  return {};
}
/// L = ∫ ℓ dt + φ(z(t1), θ).
template <class Ell, class Phi>
constexpr running_loss_t<Ell, terminal_loss_t<Phi>> operator+(running_loss_t<Ell>, terminal_loss_t<Phi>) {
  return {};
}
/// L = φ(z(t1), θ) + ∫ ℓ dt.
template <class Ell, class Phi>
constexpr running_loss_t<Ell, terminal_loss_t<Phi>> operator+(terminal_loss_t<Phi>, running_loss_t<Ell>) {
  return {};
}

// L = Σ_k ℓ(z(t_k), θ, data_k) over observation times t0 <= t_1 < … < t_K <= t1. data holds one row
// of ℓ's inputs per time (a range of rows such as std::vector<std::array<double, D>>, or a flat range
// of K·D values); both are copied, and checked when gradient() runs.
/// L = Σ_k ℓ(z(t_k), θ, data_k) over observation times t0 ≤ t_1 < ... < t_K ≤ t1: made by
/// `observations(ℓ, times, data)`. Times and data are checked when gradient() runs (unsorted,
/// repeated or outside the span, a data size that does not match ℓ, non-finite data: costate::error).
template <class Ell>
struct observation_loss_t {
  static_assert(!detail::occurs<detail::time_symbol, Ell>::value,
                "costate::observations: ℓ is a function of z(t_k), θ and the data; it may not contain t");
  /// ℓ and its gradients at one observation.
  using point = terminal_loss_t<Ell>;  // ℓ and its gradients at one observation
  /// Values per data row: the `input<j>` columns ℓ reads.
  static constexpr std::size_t data_size = point::inputs;
  /// t_1 ... t_K.
  std::vector<double> times;
  /// The data, row k at `data[k * data_size]`.
  std::vector<double> data;  // row k at data[k * data_size]
};

/// L = Σ_k ℓ(z(t_k), θ, data_k). In ℓ, `input<j>` is column j of the observation's data row.
///
/// \param times the observation times t_1 < ... < t_K, within [t0, t1]
/// \param data one row of ℓ's inputs per time (a range of rows such as
///        `std::vector<std::array<double, D>>`), or a flat range of K·D values; both are copied.
template <Expr L, std::ranges::range Times, std::ranges::range Data>
observation_loss_t<std::remove_cvref_t<L>> observations(L, const Times& times, const Data& data) {
  observation_loss_t<std::remove_cvref_t<L>> o;
  for (const auto& t : times) o.times.push_back(static_cast<double>(t));
  for (const auto& row : data) {
    if constexpr (std::ranges::range<decltype(row)>) {
      for (const auto& v : row) o.data.push_back(static_cast<double>(v));
    } else {
      o.data.push_back(static_cast<double>(row));
    }
  }
  return o;
}
// Observations whose loss uses no data (ℓ of z and θ only).
/// Observations whose ℓ reads no data (a function of z(t_k) and θ only).
template <Expr L, std::ranges::range Times>
observation_loss_t<std::remove_cvref_t<L>> observations(L l, const Times& times) {
  return observations(l, times, std::vector<double>{});
}

// A terminal loss from a generated header (codegen/generate.hpp, `generate_header(sys, loss, "ns")`):
// `gradient(generated<ns::system>, z0, theta, span, generated_loss<ns::terminal_loss>)`. G provides
// states, params, inputs and static value(z, theta, u) and gradient(z, theta, u, dz, dtheta), the
// latter adding ∂φ/∂z into dz and ∂φ/∂θ into dtheta and returning φ.
/// A terminal loss from a generated header: `generated_loss<ns::terminal_loss>`.
template <class G>
struct generated_terminal_loss {
  /// The generated header's `terminal_loss` struct.
  using kernels = G;
  /// \var costate::generated_terminal_loss::states
  /// Sizes, as in terminal_loss_t.
  ///
  /// \var costate::generated_terminal_loss::params
  /// Sizes, as in terminal_loss_t.
  ///
  /// \var costate::generated_terminal_loss::inputs
  /// Sizes, as in terminal_loss_t.
  static constexpr std::size_t states = G::states, params = G::params, inputs = G::inputs;
};
/// The terminal loss of a header written by `generate_header(sys, terminal_loss(φ), "ns")`, for gradient()
/// in place of `terminal_loss(φ)`: `generated_loss<ns::terminal_loss>`.
template <class G>
inline constexpr generated_terminal_loss<G> generated_loss{};

namespace detail {
template <class T> struct is_generated_loss : std::false_type {};
template <class G> struct is_generated_loss<generated_terminal_loss<G>> : std::true_type {};
template <class T> struct is_terminal_loss : is_generated_loss<T> {};
template <class L> struct is_terminal_loss<terminal_loss_t<L>> : std::true_type {};
template <class T> struct is_running_loss : std::false_type {};
template <class L, class T> struct is_running_loss<running_loss_t<L, T>> : std::true_type {};
template <class T> struct is_observation_loss : std::false_type {};
template <class L> struct is_observation_loss<observation_loss_t<L>> : std::true_type {};
}  // namespace detail

/// What gradient and check_gradient take as a loss: terminal, running (with or without a terminal term), observations, or generated.
template <class T>
concept Loss = detail::is_terminal_loss<std::remove_cvref_t<T>>::value ||
               detail::is_running_loss<std::remove_cvref_t<T>>::value ||
               detail::is_observation_loss<std::remove_cvref_t<T>>::value;

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::observations;
using costate::running_loss;
using costate::terminal_loss;
}  // namespace prelude
}  // namespace costate
