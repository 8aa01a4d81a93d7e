// The adjoint gradient of a loss of an ODE solution:
//
//   auto g = gradient(sys, z0, theta, {t0, t1}, loss, options<>{...});
//   g.loss, g.dtheta, g.dz0, g.dt0, g.dt1, g.g_t, g.dtimes, g.z1, g.stats
//
// loss: terminal_loss(φ), running_loss(ℓ) [+ terminal_loss(φ)], or observations(ℓ, times, data)
// (system/loss.hpp).
//
// Forward: z0 → z(t1), storing z at checkpoints (observation times among them). Backward, from t1
// to t0, checkpoint interval by checkpoint interval: λ, g_θ and (if f depends on t) g_t are integrated with
//   dλ/dt = -λᵀ∂f/∂z,  dg_θ/dt = -λᵀ∂f/∂θ,  dg_t/dt = -λᵀ∂f/∂t,   λ(t1) = ∂φ/∂z(t1),
// z(t) being read from the dense output of a forward re-integration of the interval (checkpointed,
// the default) or re-integrated backward with λ (backsolve); see options.hpp's adjoint_method.
// At an observation time t_k, λ jumps by ∂ℓ/∂z(z(t_k)) and dL/dt_k = ∂ℓ/∂z · f(z(t_k), θ, t_k).
// Then dL/dθ = g_θ(t0) + ∂(losses)/∂θ, dL/dz0 = λ(t0), dL/dt1 = λ(t1)ᵀ f(z(t1), θ, t1) and
// dL/dt0 = -λ(t0)ᵀ f(z0, θ, t0). Since d/dt[λᵀf] = λᵀ∂f/∂t between jumps, also
// dL/dt0 = -dL/dt1 + g_t(t0) - Σ_k dL/dt_k: `g.g_t` is returned so that users (and the tests) can check it.
// A running loss ∫ℓ dt is carried as a quadrature state q' = ℓ whose adjoint is 1 (loss.hpp), so
// λᵀf above includes ℓ.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>

#include "costate/solve/adjoint.hpp"
#include "costate/solve/arguments.hpp"
#include "costate/solve/gradient_result.hpp"
#include "costate/solve/loss_protocol.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/schedule.hpp"
#include "costate/solve/stack.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/batch.hpp"
#include "costate/system/ode.hpp"

namespace costate {

namespace detail {
// gradient()'s work once its arguments are checked, by kind of loss.
template <class Sys, class Lo, std::size_t n, std::size_t p, class St, class A>
gradient_result<n, p> gradient_of(const std::array<double, n>& z0, const std::array<double, p>& theta, const double* u,
                                  time_span span, const Lo& loss, const options<St, A>& opt) {
  if constexpr (is_terminal_loss<Lo>::value) {
    static_cast<void>(loss);
    return adjoint_gradient<Sys, Lo, void>(z0, theta, u, span, nullptr, nullptr, none, opt);
  } else if constexpr (is_observation_loss<Lo>::value) {
    require_valid_observations(span, loss.times, loss.data.size(), Lo::data_size);
    require_finite("observations: data", loss.data);
    return adjoint_gradient<Sys, void, typename Lo::point>(z0, theta, u, span, &loss.times, &loss.data, none, opt);
  } else {  // running loss: integrate q' = ℓ beside z
    static_assert(System<Sys>, "costate::gradient: running losses need the system's expressions, not a generated header");
    using Aug = typename with_quadrature<Sys, typename Lo::integrand>::type;
    std::array<double, n + 1> za{};
    std::copy(z0.begin(), z0.end(), za.begin());
    const auto g = adjoint_gradient<Aug, typename Lo::terminal, void>(za, theta, u, span, nullptr, nullptr, n, opt);
    gradient_result<n, p> r;
    r.loss = g.loss;
    r.dtheta = g.dtheta;
    std::copy_n(g.dz0.begin(), n, r.dz0.begin());
    std::copy_n(g.z1.begin(), n, r.z1.begin());
    r.dt0 = g.dt0;
    r.dt1 = g.dt1;
    r.g_t = g.g_t;
    r.stats = g.stats;
    return r;
  }
}
}  // namespace detail

/// The gradient of a loss of the solution of dz/dt = f(z, θ, t), z(t0) = z0, by the adjoint method.
///
///     auto g = gradient(sys, z0, theta, {0.0, 10.0}, terminal_loss(0.5_c * (x*x + y*y)),
///                       options<>{.rtol = 1e-10, .atol = 1e-10});
///     // g.loss, g.dtheta, g.dz0, g.dt0, g.dt1, g.g_t, g.dtimes, g.z1, g.stats
///
/// A forward pass stores checkpoints; the backward pass integrates λ, g_θ (and g_t where f depends on
/// t) from t1 to t0 with f's derived VJPs, reading z(t) as options::adjoint says.
///
/// \param sys the system (`ode(...)`, a bound or a generated system)
/// \param z0_in the initial state: a std::array<double, n> or a std::span<const double, n>
/// \param theta_in the parameters (f's and the loss's); sizes are checked at compile time
/// \param span {t0, t1}, t1 > t0
/// \param loss terminal_loss(φ), running_loss(ℓ) [+ terminal_loss(φ)], observations(ℓ, times, data), or a generated loss
/// \param opt stepper, tolerances, adjoint method
/// \return dL/dθ, dL/dz0, dL/dt0, dL/dt1 (and dL/dt_k for observations), the loss and z(t1)
/// \throws costate::error on non-finite arguments, bad options or observations, a pass that fails, a non-finite loss
template <SystemLike S, class Z0, class Theta, Loss L, class St = dopri5, class A = checkpointed>
gradient_result<system_of_t<S>::states, detail::total_params<system_of_t<S>, std::remove_cvref_t<L>>>
gradient(const S& sys, const Z0& z0_in, const Theta& theta_in, time_span span, const L& loss, const options<St, A>& opt = {}) {
  using Sys = system_of_t<S>;
  using Lo = std::remove_cvref_t<L>;
  using traits = detail::loss_traits<Lo>;
  constexpr std::size_t n = Sys::states, p = detail::total_params<Sys, Lo>;
  static_assert(detail::check_size<Z0, n, detail::z0_size_does_not_match_the_system>());
  static_assert(detail::check_size<Theta, p, detail::theta_size_does_not_match_the_system>());
  static_assert(detail::loss_uses_a_state_index_beyond_the_system<traits::states, n>::value);
  static_assert(detail::loss_uses_an_input_the_system_does_not_bind<traits::system_inputs,
                                                                    detail::inputs_bound_v<std::remove_cvref_t<S>>>::value);
  detail::require_valid_gradient_arguments(sys, z0_in, theta_in, span, opt);
  const auto z0 = detail::to_array<double, n>(z0_in);
  const auto theta = detail::to_array<double, p>(theta_in);
  const double* u = detail::input_values(sys);
  // (The largest state a pass integrates: backsolve's [z | λ | g_θ | g_t], one more state with a
  // running loss.)
  return detail::on_stack_for<2 * (n + 1) + p + 1>([&] { return detail::gradient_of<Sys, Lo>(z0, theta, u, span, loss, opt); });
}

/// The gradient of a batch's loss (`batch<B>(sys)` or `batch_mean<B>(sys)`), all samples in one
/// adjoint pass. Per-state tolerances are given for one sample and hold for every sample.
///
/// \param bs the batch
/// \param z0s the initial state of each sample
/// \param theta the shared parameters
/// \param span {t0, t1}, t1 > t0
/// \param loss a terminal loss of one sample, `terminal_loss(φ)`
/// \param opt stepper, tolerances, adjoint method
/// \return dL/dθ, and dL/dz0 and z(t1) per sample
template <std::size_t B, bool M, class Sys, std::size_t K, std::size_t N, class Theta, Loss L, class St = dopri5, class A = checkpointed>
auto gradient(const batched_system<B, M, Sys, K>& bs, const std::array<std::array<double, N>, B>& z0s,
              const Theta& theta, time_span span, L loss, const options<St, A>& opt = {}) {
  using BS = batched_system<B, M, Sys, K>;
  using Batched = typename BS::system_type;
  static_assert(detail::is_terminal_loss<std::remove_cvref_t<L>>::value && !detail::is_generated_loss<std::remove_cvref_t<L>>::value,
                "costate::gradient: batches take terminal losses (terminal_loss(...)); running losses, "
                "observations and generated losses are per system, not yet per batch");
  static_assert(detail::z0_size_does_not_match_the_system<N, Sys::states>::value);
  static_assert(K >= Sys::inputs, "costate::gradient: the batched system uses inputs: bind them with batch<B>(sys).with_inputs(...)");
  const auto bl = BS::loss(loss);
  const auto z0 = pack_batch(z0s);
  // Per-state tolerances are given for one sample's states and hold for every sample.
  options<St, A> o = opt;
  const auto tile = [](const char* name, const absolute_tolerance& a) {
    detail::require_atol_size(name, a, N);
    std::array<std::array<double, N>, B> each;
    for (auto& sample : each)
      for (std::size_t i = 0; i < N; ++i) sample[i] = a[i];
    return absolute_tolerance(pack_batch(each));
  };
  if (opt.atol.per_state()) o.atol = tile("atol", opt.atol);
  if (opt.adjoint_atol.per_state()) o.adjoint_atol = tile("adjoint_atol", opt.adjoint_atol);
  const auto g = [&] {
    if constexpr (K == 0) return gradient(Batched{}, z0, theta, span, bl, o);
    else return gradient(bound_system<Batched, K * B>{bs.inputs}, z0, theta, span, bl, o);
  }();
  batch_gradient_result<B, N, std::tuple_size_v<decltype(g.dtheta)>> r;
  r.loss = g.loss;
  r.dtheta = g.dtheta;
  r.dz0 = unpack_batch<B, N>(g.dz0);
  r.dt0 = g.dt0;
  r.dt1 = g.dt1;
  r.g_t = g.g_t;
  r.z1 = unpack_batch<B, N>(g.z1);
  r.stats = g.stats;
  return r;
}

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::gradient;
}  // namespace prelude
}  // namespace costate
