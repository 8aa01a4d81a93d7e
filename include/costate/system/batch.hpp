// Batches: one system, many initial states (and targets) sharing θ, in one right-hand side.
//
//   constexpr auto f = ode(W2 * tanh(W1 * z + b1) + b2);        // z = state_vector<2>
//   auto g = gradient(batch<32>(f), z0s, theta, {0, 1}, terminal_loss(0.5_c * dot(z - u, z - u)));
//
// batch<B> rewrites the expression types: every state and input symbol gets a column per sample
// (a scalar becomes a matrix<1, B>, a vector<n> a matrix<n, B>), so W·z becomes the matrix product
// W·Z over the whole batch, biases broadcast along the columns, and reductions (dot, sum, norm2)
// are taken per sample (matrix<1, B>); the batch's loss is the sum of the per-sample losses.
// Parameters, t and constants are shared. Value j of sample b sits at j·B + b.
// batch_mean<B> divides the loss by B.
#pragma once

#include <array>
#include <cstddef>

#include "costate/expr/node.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"

namespace costate {
namespace detail {

template <class Op>
struct operation_not_supported_in_a_batch {
  static_assert(dependent_false<Op>,
                "costate::batch: this operation cannot be batched yet (supported: elementwise operations, "
                "matrix * state vector, dot, sum, norm2 — each per sample)");
  using type = Op;
};
template <class S>
struct batched_symbols_are_scalars_or_vectors {
  static_assert(S::rank <= 1, "costate::batch: states and inputs must be scalars or vectors to be batched");
  static constexpr bool value = true;
};

template <std::size_t B, class E> struct batch_expr { using type = E; };  // constants, parameters, t

template <std::size_t B, symbol_kind K, std::size_t I, class S>
  requires(K == symbol_kind::state || K == symbol_kind::input)
struct batch_expr<B, symbol<K, I, S>> {
  static_assert(batched_symbols_are_scalars_or_vectors<S>::value);
  using type = symbol<K, I * B, std::conditional_t<S::rank == 0, shape<1, B>, shape<S::dims[0], B>>>;
};

template <class Op> struct batch_op { using type = typename operation_not_supported_in_a_batch<Op>::type; };
template <class Op> requires(!requires { Op::tensor; }) struct batch_op<Op> { using type = Op; };  // elementwise

template <std::size_t B, class Op, class... A>
struct batch_expr<B, node<Op, A...>> {
  using type = node<typename batch_op<Op>::type, typename batch_expr<B, A>::type...>;
};
template <class E> inline constexpr bool batched_v = shape_of_t<E>::rank == 2;
// Reductions of a batched operand reduce each sample (column) separately: matrix<1, B>.
template <std::size_t B, class X, class Y>
struct batch_expr<B, node<dot_op, X, Y>> {
  using x = typename batch_expr<B, X>::type;
  using y = typename batch_expr<B, Y>::type;
  using type = std::conditional_t<batched_v<x>, node<col_dot_op, x, y>, node<dot_op, x, y>>;
};
template <std::size_t B, class X>
struct batch_expr<B, node<sum_op, X>> {
  using x = typename batch_expr<B, X>::type;
  using type = std::conditional_t<batched_v<x>, node<col_sum_op, x>, node<sum_op, x>>;
};
// W·z with z batched is the matrix product W·Z; with z a parameter vector it stays W·z.
template <std::size_t B, class W, class Z>
struct batch_expr<B, node<matvec_op, W, Z>> {
  using w = typename batch_expr<B, W>::type;
  using z = typename batch_expr<B, Z>::type;
  using type = std::conditional_t<shape_of_t<z>::rank == 2, node<matmul_op, w, z>, node<matvec_op, w, z>>;
};

// An output that depends on no state or input (a parameter, a function of t) is the same for every
// sample: it is repeated into the sample columns so that the batched state has B columns throughout.
template <std::size_t B, class E>
struct batch_output {
  using e = typename batch_expr<B, E>::type;
  using s = shape_of_t<e>;
  using type = std::conditional_t<s::rank == 0, node<broadcast_op<shape<1, B>>, e>,
                                  std::conditional_t<s::rank == 1, node<spread_op<B>, e>, e>>;
};

template <std::size_t B, class Sys> struct batch_system;
template <std::size_t B, class... F> struct batch_system<B, system<F...>> {
  using type = system<typename batch_output<B, F>::type...>;
};

}  // namespace detail

// The batched form of a system; `system_type` is an ordinary system (for solve, gradient,
// check_gradient with flat arrays), and gradient() accepts the batch itself with per-sample arrays.
/// B copies of a system sharing θ, evaluated in one right-hand side: made by `batch<B>(sys)` or
/// `batch_mean<B>(sys)`.
///
/// Every state and input symbol gets a column per sample, so `W * z` becomes the matrix product of W
/// with the states of all samples; reductions (dot, sum, norm2) stay per sample. gradient() takes it
/// with per-sample arrays and returns a batch_gradient_result.
template <std::size_t B, bool Mean, class Sys, std::size_t K = 0>
struct batched_system {
  static_assert(B > 0, "costate::batch: a batch needs at least one sample");
  /// B, the number of samples.
  static constexpr std::size_t size = B;
  /// Whether the batch's loss is the mean of the per-sample losses (else their sum).
  static constexpr bool mean = Mean;
  /// The per-sample system.
  using original = Sys;
  /// The batched system, an ordinary system over flat arrays (value j of sample b at j·B + b).
  using system_type = typename detail::batch_system<B, Sys>::type;
  /// The number of input values bound per sample.
  static constexpr std::size_t inputs_per_sample = K;
  /// The bound inputs, value j of sample b at j·B + b.
  std::array<double, K * B> inputs{};  // batched layout, j·B + b

  /// The batched system, for solve() and gradient() with flat arrays.
  static constexpr system_type system() { return {}; }

  // Per-sample input values (each sample's full input vector): targets of a loss, forcing, ...
  /// The batch with each sample's input values (targets of a loss, forcing, ...): one full input vector per sample.
  template <std::size_t N>
  batched_system<B, Mean, Sys, N> with_inputs(const std::array<std::array<double, N>, B>& values) const {
    static_assert(N >= Sys::inputs, "costate::batch::with_inputs: give each sample a value for every input<k> of the system");
    batched_system<B, Mean, Sys, N> r;
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t j = 0; j < N; ++j) r.inputs[j * B + b] = values[b][j];
    return r;
  }

  // The loss of the batch: the per-sample loss rewritten for the batch (a matrix<1, B> of per-sample
  // losses when it depends on states or inputs), summed over the samples — divided by B for batch_mean.
  /// The batch's loss: the per-sample loss, summed over the samples (divided by B for batch_mean).
  template <class L>
  static constexpr auto loss(terminal_loss_t<L>) {
    using batched = typename detail::batch_expr<B, L>::type;
    using total = std::conditional_t<shape_of_t<batched>::rank == 0,
                                     node<mul_op, constant<static_cast<std::intmax_t>(B)>, batched>,  // the same for every sample
                                     node<sum_op, batched>>;
    if constexpr (Mean) return terminal_loss(node<mul_op, constant<1, static_cast<std::intmax_t>(B)>, total>{});
    else return terminal_loss(total{});
  }
};

/// B samples of a system sharing θ; the loss is the sum of the per-sample losses. Terminal losses only.
template <std::size_t B, class... F>
constexpr batched_system<B, false, system<F...>> batch(system<F...>) { return {}; }
/// B samples of a system sharing θ; the loss is the mean of the per-sample losses. Terminal losses only.
template <std::size_t B, class... F>
constexpr batched_system<B, true, system<F...>> batch_mean(system<F...>) { return {}; }

namespace detail {
template <class T> struct is_batched : std::false_type {};
template <std::size_t B, bool M, class S, std::size_t K> struct is_batched<batched_system<B, M, S, K>> : std::true_type {};
}  // namespace detail

// Per-sample values ↔ the batched layout (value j of sample b at j·B + b).
/// Per-sample values in the batched layout (value j of sample b at j·B + b).
template <std::size_t B, std::size_t N>
std::array<double, N * B> pack_batch(const std::array<std::array<double, N>, B>& per_sample) {
  std::array<double, N * B> r{};
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t j = 0; j < N; ++j) r[j * B + b] = per_sample[b][j];
  return r;
}
/// The batched layout back to per-sample values.
template <std::size_t B, std::size_t N>
std::array<std::array<double, N>, B> unpack_batch(const std::array<double, N * B>& flat) {
  std::array<std::array<double, N>, B> r{};
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t j = 0; j < N; ++j) r[b][j] = flat[j * B + b];
  return r;
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::batch;
using costate::batch_mean;
}  // namespace prelude
}  // namespace costate
