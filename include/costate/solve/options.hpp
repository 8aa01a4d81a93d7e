// Options of solve and gradient: a plain aggregate with designated initialisers, every field optional.
//
//   options<>{.rtol = 1e-10, .atol = 1e-10}
//   options<rk4>{.stepper = {.dt = 0.01}}
//   options<rodas5p>{.rtol = 1e-8, .atol = 1e-12}                      (stiff systems)
//   options<rosenbrock4>{.rtol = 1e-8, .atol = 1e-12}
//   options<>{.adjoint = backsolve}                                     (see adjoint_method)
//   options<odeint_stepper<boost::numeric::odeint::runge_kutta_fehlberg78>>{}
//
// The stepper is the template argument. `options{.stepper = rk4{}, ...}` deduces it on g++ ≥ 11 and
// clang ≥ 17 (aggregate CTAD), but not on clang 16, so the documentation spells it out.
//
// Field order (designated initialisers must follow it):
//   .stepper, .rtol, .atol, .adjoint_rtol, .adjoint_atol, .adjoint, .max_steps, .seminorm
#pragma once

#include <cstddef>
#include <optional>
#include <type_traits>

namespace costate {

// Dormand–Prince 5(4) with error control (Boost.Odeint runge_kutta_dopri5): the default.
struct dopri5 {
  double dt = 0.0;  // first step; 0 chooses it from the problem (Hairer's starting-step heuristic)
};

// Classic fourth-order Runge–Kutta with a fixed step: the span is divided into
// ceil((t1 - t0) / dt) equal steps so that the last one lands exactly on t1.
struct rk4 {
  double dt = 0.0;
};

// Any Boost.Odeint stepper template, instantiated by costate for its own state types
// (the forward state and the augmented adjoint state differ). An error stepper (runge_kutta_cash_karp54,
// runge_kutta_fehlberg78, ...) runs under costate's step-size control with rtol/atol, dt being the
// first step (0: automatic); a plain stepper (runge_kutta4, euler, ...) takes fixed steps of dt.
template <template <class...> class Stepper>
struct odeint_stepper {
  double dt = 0.0;
};

// Linearly implicit Rosenbrock method of order 4 (Boost.Odeint rosenbrock4) with error control, for
// stiff systems. costate gives it the Jacobian ∂f/∂z and ∂f/∂t derived from f (forward), and
// -∂f/∂zᵀ, -∂f/∂θᵀ, -∂f/∂tᵀ for the adjoint pass, so nothing is differenced numerically except the
// adjoint's explicit time derivative (see solve/rosenbrock.hpp).
struct rosenbrock4 {
  double dt = 0.0;  // first step; 0 chooses it from the problem
};

// Steinebach's Rodas5P (BIT Numer. Math. 63, 2023): a stiffly accurate, L-stable Rosenbrock–Wanner
// method of order 5 (embedded order 4) with error control, for stiff systems, with the Jacobians
// rosenbrock4 gets (see solve/rodas5p.hpp). The checkpointed adjoint reads z(t) between the forward
// steps from the method's own continuous extension; the Hermite interpolation rosenbrock4's steps get
// is far less accurate on stiff problems. On Robertson with the running loss ∫y3 dt over [0, 4e7] at
// rtol 1e-6, dG/dθ is within 1.4e-6 (rosenbrock4: 5e-3; rodas5p's own steps with Hermite
// interpolation: 8e-3), in fewer steps than rosenbrock4 takes.
struct rodas5p {
  double dt = 0.0;  // first step; 0 chooses it from the problem
};

namespace detail {
// The Rosenbrock (linearly implicit) steppers: real states only (no complex step), Jacobians from
// the right-hand side, and no backsolve (adjoint.hpp refuses it).
template <class St> struct rosenbrock_stepper : std::false_type {};
template <> struct rosenbrock_stepper<rosenbrock4> : std::true_type {
  static constexpr const char* name = "rosenbrock4";
};
template <> struct rosenbrock_stepper<rodas5p> : std::true_type {
  static constexpr const char* name = "rodas5p";
};
template <class St> inline constexpr bool is_rosenbrock = rosenbrock_stepper<St>::value;
}  // namespace detail

// How the backward pass obtains z(t).
//   interpolate = true  (checkpointed): the forward pass stores z at checkpoints; the backward pass
//     re-integrates each segment forward from its checkpoint, records the steps' dense output, and
//     reads z(t) from it. λ and g_θ are integrated backward; z never is. Exact to the forward
//     tolerance on every system, at the price of a second forward integration and the memory of
//     one segment's steps.
//   interpolate = false (backsolve): z is re-integrated backward together with λ, restarting from the
//     stored forward value at each checkpoint. On dissipative systems (decaying modes, Lorenz, stiff
//     kinetics) the backward z leaves the forward trajectory like e^{rate·Δt}, and λ computed along
//     another trajectory is another gradient. So at every checkpoint the backward z is compared with
//     the stored one: where they differ by more than `max_drift` times the adjoint tolerance
//     (atol + rtol |z_i|, any component), or the backward pass fails on the way, that interval is
//     integrated again with z interpolated as in the checkpointed adjoint. What backsolve guarantees:
//     on every interval it keeps, the z that λ was integrated along ends within max_drift tolerance
//     units of the forward pass's z; gradient_stats::backsolve_drift is the largest such difference
//     and backsolve_fallbacks counts the intervals done again. Fixed-step steppers have no error
//     control, but rtol and atol still say how close to the forward z backsolve must stay;
//     max_drift = infinity turns the check off (and with it the guarantee).
//   dense_memory (interpolate = true): the forward pass also keeps its own dense output while that
//     takes at most dense_memory bytes; the backward pass then reads z(t) from it, and no segment is
//     re-integrated (gradient_stats::in_memory_steps; recompute stays 0). Past the budget the
//     recording is dropped and the checkpoints serve as above, so memory stays within it either way.
//     0 always re-integrates. The gradient is the same to the tolerance either way.
//   segments: checkpoints at the ends of `segments` equal parts of [t0, t1]; 0 places a checkpoint
//     every `steps_per_checkpoint` accepted forward steps instead, doubling that spacing whenever
//     there would be more than `max_checkpoints` of them, so that memory is O(max_checkpoints +
//     steps / max_checkpoints) states however many steps the pass takes. Observation times are
//     always checkpoints.
struct adjoint_method {
  std::size_t segments = 0;
  bool interpolate = true;
  std::size_t steps_per_checkpoint = 64;
  std::size_t max_checkpoints = 1024;
  double max_drift = 100.0;
  std::size_t dense_memory = std::size_t{1} << 20;  // bytes (1 MiB)
};
// z re-integrated backward with λ, restarting from the forward pass's z at automatic checkpoints:
// the cheapest where the backward z stays on the forward trajectory (oscillators, conservative
// systems, most neural ODEs over short spans); intervals where it does not are done as the
// checkpointed adjoint does them (see adjoint_method).
inline constexpr adjoint_method backsolve{0, false};
// Dense checkpointing: `checkpointed{}` places checkpoints automatically (every 64 accepted steps),
// `checkpointed{count}` at the ends of count equal segments. The default: safe on every system.
struct checkpointed {
  std::size_t count = 0;
  constexpr operator adjoint_method() const { return {count, true}; }
};

template <class Stepper = dopri5>
struct options {
  Stepper stepper{};
  double rtol = 1e-8;
  double atol = 1e-8;
  std::optional<double> adjoint_rtol{};  // default: rtol
  std::optional<double> adjoint_atol{};  // default: atol
  adjoint_method adjoint = checkpointed{};
  std::size_t max_steps = 1'000'000;  // attempted steps per pass, accepted and rejected
  // Leave g_θ and g_t out of the adjoint pass's error norm (a seminorm; Kidger, Chen & Lyons 2021):
  // they are integrals that never feed back into the dynamics, so their error need not shorten the
  // steps. Fewer backward steps (gradient_stats::backward shows how many), with g_θ as accurate as
  // the quadrature of the accepted steps allows.
  bool seminorm = false;
};

// The integration interval {t0, t1}, t1 > t0.
struct time_span {
  double t0;
  double t1;
};

}  // namespace costate
