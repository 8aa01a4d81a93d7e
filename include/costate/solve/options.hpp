// Options of solve and gradient: a plain aggregate with designated initialisers, every field optional.
//
//   options{.rtol = 1e-10, .atol = 1e-10}
//   options{.stepper = rk4{.dt = 0.01}}
//   options{.stepper = odeint_stepper<boost::numeric::odeint::runge_kutta_fehlberg78>{}}
//
// Field order (designated initialisers must follow it):
//   .stepper, .rtol, .atol, .adjoint_rtol, .adjoint_atol, .adjoint, .max_steps
#pragma once

#include <cstddef>
#include <optional>

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

// How the backward pass obtains z(t): z is re-integrated backward together with λ, restarting from
// the forward pass's stored value at the start of each of `segments` equal segments of [t0, t1].
// Memory is O(segments), independent of the number of steps.
struct adjoint_method {
  std::size_t segments = 1;
};
// One segment: nothing stored but z(t1). Right for systems that are stable backward in time; on
// dissipative systems (Lorenz, decaying modes) the backward z drifts from the forward one
// (gradient_stats::backsolve_drift shows it) and `checkpointed` is the cure.
inline constexpr adjoint_method backsolve{1};
// `count` segments: the backward z is reset to the stored forward z at count - 1 interior times, so its
// error grows over one segment only.
struct checkpointed {
  std::size_t count;
  constexpr operator adjoint_method() const { return {count}; }
};

template <class Stepper = dopri5>
struct options {
  Stepper stepper{};
  double rtol = 1e-8;
  double atol = 1e-8;
  std::optional<double> adjoint_rtol{};  // default: rtol
  std::optional<double> adjoint_atol{};  // default: atol
  adjoint_method adjoint = backsolve;
  std::size_t max_steps = 1'000'000;  // attempted steps per pass, accepted and rejected
};

// The integration interval {t0, t1}, t1 > t0.
struct time_span {
  double t0;
  double t1;
};

}  // namespace costate
