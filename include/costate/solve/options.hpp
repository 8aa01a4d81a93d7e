// Options of solve and gradient: a plain aggregate with designated initialisers, every field optional.
//
//   options<>{.rtol = 1e-10, .atol = 1e-10}
//   options<rk4>{.stepper = {.dt = 0.01}}
//   options<rodas5p>{.rtol = 1e-8, .atol = 1e-12}                      (stiff systems)
//   options<rodas5p>{.rtol = 1e-6, .atol = {1e-8, 1e-14, 1e-6}, .adjoint_atol = 1e-8, .quadrature_atol = 1e-6}
//   options<rosenbrock4>{.rtol = 1e-8, .atol = 1e-12}
//   options<dopri5, backsolve>{}                                       (see adjoint_method)
//   options<odeint_stepper<boost::numeric::odeint::runge_kutta_fehlberg78>>{}
//
// The stepper is the template argument. `options{.stepper = rk4{}, ...}` deduces it on g++ ≥ 11 and
// clang ≥ 17 (aggregate CTAD), but not on clang 16, so the documentation spells it out.
//
// The adjoint method is the second template argument (checkpointed, backsolve or adjoint_method):
// a gradient compiles only the adjoint pass it can run.
//
// Field order (designated initialisers must follow it):
//   .stepper, .rtol, .atol, .adjoint_rtol, .adjoint_atol, .quadrature_atol, .adjoint, .max_steps, .seminorm
#pragma once

#include <algorithm>
#include <array>
#include <concepts>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "costate/error.hpp"

namespace costate {

// Dormand–Prince 5(4) with error control (Boost.Odeint runge_kutta_dopri5): the default.
/// Dormand–Prince 5(4) with error control (Boost.Odeint's runge_kutta_dopri5): the default stepper, `options<>`.
struct dopri5 {
  /// The first step; 0 chooses it from the problem.
  double dt = 0.0;  // first step; 0 chooses it from the problem (Hairer's starting-step heuristic)
};

// Classic fourth-order Runge–Kutta with a fixed step: the span is divided into
// ceil((t1 - t0) / dt) equal steps so that the last one lands exactly on t1.
/// Classic fourth-order Runge–Kutta with a fixed step: ceil((t1 − t0)/dt) equal steps that land on t1. `options<rk4>{.stepper = {.dt = 1e-3}}`.
struct rk4 {
  /// The step (required, > 0).
  double dt = 0.0;
};

// Any Boost.Odeint stepper template, instantiated by costate for its own state types
// (the forward state and the augmented adjoint state differ). An error stepper (runge_kutta_cash_karp54,
// runge_kutta_fehlberg78, ...) runs under costate's step-size control with rtol/atol, dt being the
// first step (0: automatic); a plain stepper (runge_kutta4, euler, ...) takes fixed steps of dt.
/// Any Boost.Odeint stepper template: `options<odeint_stepper<runge_kutta_fehlberg78>>`. An error
/// stepper runs under costate's step-size control, dt being the first step (0: automatic); a plain
/// stepper (runge_kutta4, euler, ...) takes fixed steps of dt.
template <template <class...> class Stepper>
struct odeint_stepper {
  /// The first step (error steppers; 0: automatic) or the fixed step (plain steppers).
  double dt = 0.0;
};

// How the stiff steppers solve W = I/(γh) − J (solve/stiff_linear.hpp, docs/stiff.md).
/// How rosenbrock4 and rodas5p solve their linear systems W = I/(γh) − J: `automatic` (the sparse
/// path for a system made by ode(...) of at least sparse_min_states states whose ∂f/∂z lists at most
/// sparse_max_density·n² entries, dense otherwise), `dense`, or `sparse`: ∂f/∂z's pattern derived
/// from f's expression types, its values from one VJP per colour of its rows, W factorised as a band
/// in reverse Cuthill–McKee order or, where that band is wide and `<costate/solve/sparse_lu.hpp>` is
/// included, by Eigen's SparseLU. `sparse` for a generated system throws costate::error.
/// `options<rodas5p>{.stepper = {.lu = lu_kind::sparse}}`.
enum class lu_kind {
  automatic,  ///< sparse where the system is large and its Jacobian sparse enough, dense otherwise
  dense,      ///< dense LU of the whole W, Jacobian by one VJP per state
  sparse      ///< banded or sparse LU on the derived pattern, Jacobian by one VJP per colour
};

// Linearly implicit Rosenbrock method of order 4 (Boost.Odeint rosenbrock4) with error control, for
// stiff systems. costate gives it the Jacobian ∂f/∂z and ∂f/∂t derived from f (forward), and
// -∂f/∂zᵀ, -∂f/∂θᵀ, -∂f/∂tᵀ for the adjoint pass, and the adjoint's time derivative along the
// interpolated z(t) by a complex step (system/rhs.hpp): nothing is differenced numerically except
// f's own explicit dependence on t, if it has one.
/// Boost.Odeint's fourth-order Rosenbrock coefficients (with its sign error in d4 corrected), with
/// derived Jacobians, for stiff systems. Kept for comparison: prefer rodas5p, whose dense output makes
/// stiff gradients accurate. Needs the checkpointed adjoint; real states only.
struct rosenbrock4 {
  /// The first step; 0 chooses it from the problem.
  double dt = 0.0;  // first step; 0 chooses it from the problem
  /// Dense or sparse linear algebra (see lu_kind).
  lu_kind lu = lu_kind::automatic;
};

// Steinebach's Rodas5P (BIT Numer. Math. 63, 2023): a stiffly accurate, L-stable Rosenbrock–Wanner
// method of order 5 (embedded order 4) with error control, for stiff systems, with the Jacobians
// rosenbrock4 gets (see solve/rodas5p.hpp). The checkpointed adjoint reads z(t) between the forward
// steps from the method's own continuous extension; the Hermite interpolation rosenbrock4's steps get
// is far less accurate on stiff problems. On Robertson with the running loss ∫y3 dt over [0, 4e7] at
// rtol 1e-6, dG/dθ is within 1.4e-6 (rosenbrock4: 5e-3; rodas5p's own steps with Hermite
// interpolation: 8e-3), in fewer steps than rosenbrock4 takes.
/// Steinebach's Rodas5P: a stiffly accurate, L-stable Rosenbrock–Wanner method of order 5 with its
/// own continuous extension, with Jacobians derived from f: the stepper for stiff systems,
/// `options<rodas5p>{...}`. Needs the checkpointed adjoint; real states only (no complex step).
struct rodas5p {
  /// The first step; 0 chooses it from the problem.
  double dt = 0.0;  // first step; 0 chooses it from the problem
  /// Dense or sparse linear algebra (see lu_kind).
  lu_kind lu = lu_kind::automatic;
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

// How the backward pass obtains z(t): a compile-time policy, the second template argument of
// options (options<dopri5, backsolve>), so that a gradient compiles only the adjoint it runs (the
// backsolve pass integrates [z | λ | g_θ], another right-hand side and another instantiation of the
// stepper: it was a third of the compile time of every gradient that never used it).
//   checkpointed (the default): the forward pass stores z at checkpoints; the backward pass
//     re-integrates each segment forward from its checkpoint, records the steps' dense output, and
//     reads z(t) from it. λ and g_θ are integrated backward; z never is. Exact to the forward
//     tolerance on every system, at the price of a second forward integration and the memory of
//     one segment's steps.
//   backsolve: z is re-integrated backward together with λ, restarting from the stored forward value
//     at each checkpoint. On dissipative systems (decaying modes, Lorenz, stiff kinetics) the
//     backward z leaves the forward trajectory like e^{rate·Δt}, and λ computed along another
//     trajectory is another gradient. So at every checkpoint the backward z is compared with the
//     stored one: where they differ by more than `max_drift` times the adjoint tolerance
//     (atol + rtol |z_i|, any component), or the backward pass fails on the way, that interval is
//     integrated again with z interpolated as in the checkpointed adjoint. What backsolve guarantees:
//     on every interval it keeps, the z that λ was integrated along ends within max_drift tolerance
//     units of the forward pass's z; gradient_stats::backsolve_drift is the largest such difference
//     and backsolve_fallbacks counts the intervals done again. Fixed-step steppers have no error
//     control, but rtol and atol still say how close to the forward z backsolve must stay;
//     max_drift = infinity turns the check off (and with it the guarantee).
//   adjoint_method: either of the two, chosen at run time (`interpolate`); compiles both.
//   dense_memory (checkpointed): the forward pass also keeps its own dense output while that takes at
//     most dense_memory bytes; the backward pass then reads z(t) from it, and no segment is
//     re-integrated (gradient_stats::in_memory_steps; recompute stays 0). Past the budget the
//     recording is dropped and the checkpoints serve as above, so memory stays within it either way.
//     0 always re-integrates. The gradient is the same to the tolerance either way. The default,
//     automatic_dense_memory, is the larger of 1 MiB and 2048 states (16 KiB per state; see there).
//   segments (count, for checkpointed): checkpoints at the ends of `segments` equal parts of
//     [t0, t1]; 0 places a checkpoint every `steps_per_checkpoint` accepted forward steps instead,
//     doubling that spacing whenever there would be more than `max_checkpoints` of them, so that
//     memory is O(max_checkpoints + steps / max_checkpoints) states however many steps the pass
//     takes. Observation times are always checkpoints.
/// The default adjoint_method::dense_memory: the larger of 1 MiB and the memory of 2048 states.
// A step of dense output holds six states, so this keeps at least ~340 steps of any system in memory
// (a fixed 1 MiB holds only a few dozen steps of a system of a thousand states, which then integrates
// z twice), while the budget, like the checkpoints' (up to max_checkpoints = 1024 states), grows with
// the state and never with the number of steps. Small systems (up to 64 states) keep 1 MiB.
inline constexpr std::size_t automatic_dense_memory = static_cast<std::size_t>(-1);
struct checkpointed;
struct backsolve;
/// The adjoint method chosen at run time: `options<dopri5, adjoint_method>{.adjoint = ...}` compiles
/// both the checkpointed and the backsolve pass and runs the one `interpolate` names. Built from
/// `checkpointed{...}` or `backsolve{...}`, or spelled out (e.g. backsolve restarting at 8 equal
/// segments: `adjoint_method{.segments = 8, .interpolate = false}`). See docs/adjoint.md for what
/// each guarantees.
struct adjoint_method {
  /// Checkpoints at the ends of this many equal parts of [t0, t1]; 0: automatic, every steps_per_checkpoint accepted steps.
  std::size_t segments = 0;
  /// true: z(t) from the dense output of a forward re-integration (checkpointed); false: z integrated backward with λ (backsolve).
  bool interpolate = true;
  /// Automatic checkpoints: accepted forward steps between two.
  std::size_t steps_per_checkpoint = 64;
  /// Automatic checkpoints: above this many, every other one is dropped and the spacing doubles.
  std::size_t max_checkpoints = 1024;
  /// Backsolve: an interval whose backward z ends further than this many tolerance units from the stored z is done again with z interpolated; infinity turns the check off.
  double max_drift = 100.0;
  /// Checkpointed: the forward pass keeps its dense output while it takes at most this many bytes, and then no segment is re-integrated; 0 always re-integrates; automatic_dense_memory: max(1 MiB, 16 KiB per state).
  std::size_t dense_memory = automatic_dense_memory;  // bytes

  // A run-time choice does not narrow to a compile-time one: options<> compile only the checkpointed
  // adjoint, and silently running it where the caller asked for backsolve would be another method.
  /// Refused at compile time: an adjoint_method needs options<Stepper, adjoint_method>.
  template <std::same_as<checkpointed> T>
  operator T() const {  // NOLINT
    static_assert(sizeof(T) == 0,
                  "costate::options<Stepper>: an adjoint_method chosen at run time needs options<Stepper, adjoint_method> "
                  "(options<Stepper> compile only the checkpointed adjoint)");
    return {};
  }
};
namespace detail {
// The dense_memory budget, in bytes, of a system with `states` states.
constexpr std::size_t dense_memory_bytes(const adjoint_method& m, std::size_t states) {
  if (m.dense_memory != automatic_dense_memory) return m.dense_memory;
  return std::max<std::size_t>(std::size_t{1} << 20, 2048 * sizeof(double) * states);
}
}  // namespace detail
/// Dense checkpointing, the default adjoint: z stored at checkpoints, each segment re-integrated
/// forward in the backward pass (or read from the forward pass's dense output while it fits
/// dense_memory) and z(t) read from its dense output. Exact to the forward tolerance on every system.
/// `options<>{.adjoint = checkpointed{8}}`: checkpoints at the ends of 8 equal segments.
struct checkpointed {
  /// 0: automatic checkpoints (every steps_per_checkpoint accepted steps); otherwise the ends of count equal segments.
  std::size_t count = 0;
  /// Automatic checkpoints: accepted forward steps between two.
  std::size_t steps_per_checkpoint = 64;
  /// Automatic checkpoints: above this many, every other one is dropped and the spacing doubles.
  std::size_t max_checkpoints = 1024;
  /// The forward pass keeps its dense output while it takes at most this many bytes; 0 always re-integrates; automatic_dense_memory: max(1 MiB, 16 KiB per state).
  std::size_t dense_memory = automatic_dense_memory;
  /// The adjoint_method it stands for.
  constexpr operator adjoint_method() const {  // NOLINT
    return {.segments = count, .interpolate = true, .steps_per_checkpoint = steps_per_checkpoint,
            .max_checkpoints = max_checkpoints, .dense_memory = dense_memory};
  }
};
/// z re-integrated backward with λ, restarting from the forward pass's z at checkpoints: the cheapest
/// where the backward z stays on the forward trajectory (oscillators, conservative systems, most neural
/// ODEs over short spans); intervals where it leaves it by more than max_drift are done again as the
/// checkpointed adjoint does them. `options<dopri5, backsolve>{...}`; not for the stiff steppers.
struct backsolve {
  /// Checkpoints (restarts of z) at the ends of this many equal parts of [t0, t1]; 0: automatic.
  std::size_t segments = 0;
  /// Automatic checkpoints: accepted forward steps between two.
  std::size_t steps_per_checkpoint = 64;
  /// Automatic checkpoints: above this many, every other one is dropped and the spacing doubles.
  std::size_t max_checkpoints = 1024;
  /// An interval whose backward z ends further than this many tolerance units from the stored z is done again with z interpolated; infinity turns the check off.
  double max_drift = 100.0;
  /// The adjoint_method it stands for.
  constexpr operator adjoint_method() const {  // NOLINT
    return {.segments = segments, .interpolate = false, .steps_per_checkpoint = steps_per_checkpoint,
            .max_checkpoints = max_checkpoints, .max_drift = max_drift};
  }
  // Compiled out of options<Stepper>: see adjoint_method's conversion.
  /// Refused at compile time: backsolve needs options<Stepper, backsolve>.
  template <std::same_as<checkpointed> T>
  operator T() const {  // NOLINT
    static_assert(sizeof(T) == 0,
                  "costate::options<Stepper>: backsolve is chosen at compile time: options<Stepper, backsolve>{...} "
                  "(options<Stepper> compile only the checkpointed adjoint)");
    return {};
  }
};
namespace detail {
template <class A>
inline constexpr bool is_adjoint_policy = std::is_same_v<A, checkpointed> || std::is_same_v<A, backsolve> || std::is_same_v<A, adjoint_method>;
// Whether an options<St, A> can run the backsolve pass (and so must compile it).
template <class A>
inline constexpr bool may_backsolve = !std::is_same_v<A, checkpointed>;
}  // namespace detail

// An absolute tolerance: one value for every component (`.atol = 1e-8`), or one value per state of
// the system (`.atol = {1e-8, 1e-14, 1e-6}`, as CVODES' vector tolerances), for states whose scales
// differ by orders of magnitude (a species at 1e-5 beside one at 1: a scalar atol small enough for the
// first makes the second pay for digits nobody needs, one large enough for the second leaves the
// first uncontrolled). A list must have exactly one value per state; gradient() and solve() say so
// otherwise. A default-constructed one (`{}`) is unset: options' adjoint_atol then takes atol.
// (The list is a std::vector, so options are not a literal type: `const`, not `constexpr`, options.)
/// An absolute tolerance: one value for every state (`.atol = 1e-8`) or one value per state
/// (`.atol = {1e-8, 1e-14, 1e-6}`, as CVODES' vector tolerances). A list must have one value per state;
/// gradient() and solve() throw costate::error otherwise. Default-constructed, it is unset.
class absolute_tolerance {
 public:
  /// Unset: options::adjoint_atol then takes atol.
  absolute_tolerance() : set_(false) {}
  /// One value for every state.
  absolute_tolerance(double value) : value_(value) {}  // NOLINT: `.atol = 1e-8` converts
  /// One value per state.
  absolute_tolerance(std::initializer_list<double> values) : each_(values), listed_(true) {}
  /// One value per state.
  template <std::size_t N>
  absolute_tolerance(const std::array<double, N>& values) : each_(values.begin(), values.end()), listed_(true) {}  // NOLINT
  /// One value per state.
  explicit absolute_tolerance(std::vector<double> values) : each_(std::move(values)), listed_(true) {}

  /// Whether a value was given.
  bool is_set() const { return set_; }
  /// Whether it holds one value per state.
  bool per_state() const { return listed_; }
  /// The number of values listed (0 for one value for every state).
  std::size_t size() const { return each_.size(); }  // values listed (0 for one value for all)
  // The value for state i (the one value, for a scalar tolerance).
  /// The value for state i (the one value, for a scalar tolerance).
  double operator[](std::size_t i) const { return listed_ ? each_[i] : value_; }
  // The smallest value: what components outside the list (quadratures) get by default.
  /// The smallest value: what components outside the list (the quadratures) get by default.
  double smallest() const { return listed_ ? *std::min_element(each_.begin(), each_.end()) : value_; }
  // The one value of a scalar tolerance; a per-state one has none.
  /// The one value of a scalar tolerance; throws costate::error for a per-state one.
  double value() const {
    if (listed_) throw error("absolute_tolerance::value(): this tolerance has one value per state");
    return value_;
  }
  /// The values listed (empty for one value for every state).
  const std::vector<double>& values() const { return each_; }

 private:
  std::vector<double> each_;
  double value_ = 0.0;
  bool listed_ = false;
  bool set_ = true;
};

/// Options of solve, gradient and check_gradient: an aggregate for designated initialisers, every field
/// optional, in this order: `.stepper, .rtol, .atol, .adjoint_rtol, .adjoint_atol, .quadrature_atol,
/// .adjoint, .max_steps, .seminorm`. The stepper is the template argument:
///
///     options<>{.rtol = 1e-10, .atol = 1e-10}                  // dopri5
///     options<rk4>{.stepper = {.dt = 1e-3}}
///     options<rodas5p>{.rtol = 1e-6, .atol = {1e-8, 1e-14, 1e-6}, .adjoint_atol = 1e-8, .quadrature_atol = 1e-6}
///     options<dopri5, backsolve>{.rtol = 1e-8, .atol = 1e-8}
///     options<>{.adjoint = checkpointed{.count = 8}}
///
/// A per-state tolerance holds a std::vector: declare options `const`, not `constexpr`.
/// \tparam Stepper dopri5 (default), rk4, rodas5p, rosenbrock4 or odeint_stepper<...>
/// \tparam Adjoint checkpointed (default), backsolve, or adjoint_method (chosen at run time; compiles both)
template <class Stepper = dopri5, class Adjoint = checkpointed>
struct options {
  static_assert(detail::is_adjoint_policy<Adjoint>,
                "costate::options<Stepper, Adjoint>: Adjoint is checkpointed, backsolve or adjoint_method");
  /// The stepper and its step size (dt).
  Stepper stepper{};
  /// Relative tolerance of the forward pass (and of the adjoint pass unless adjoint_rtol is set).
  double rtol = 1e-8;
  /// Absolute tolerance of the states: one value, or one per state.
  absolute_tolerance atol = 1e-8;         // one value, or one per state (see absolute_tolerance)
  /// Relative tolerance of the adjoint pass (λ and g_θ); default: rtol.
  std::optional<double> adjoint_rtol{};   // λ (and g_θ); default: rtol
  // λ: one value, or one per state (λ_i has the scale of ∂L/∂z_i); unset: atol.
  /// Absolute tolerance of λ: one value, or one per state (λ_i has the scale of ∂L/∂z_i); default: atol.
  absolute_tolerance adjoint_atol{};
  // The quadratures: the adjoint's g_θ (and g_t), and a running loss's integral in the forward pass
  // (CVODES' quadrature tolerances). They never feed back into the dynamics, and their scale is the
  // gradient's and the loss's, not the states'. Default: the smallest value of adjoint_atol for g_θ,
  // of atol for the running loss's integral (with scalar tolerances: the same atol as every state).
  /// Absolute tolerance of the quadratures (g_θ, g_t, a running loss's integral); default: the smallest value of adjoint_atol (for g_θ) or of atol (for the integral).
  std::optional<double> quadrature_atol{};
  /// How the backward pass obtains z(t): the Adjoint template argument's settings (checkpointed{count}, backsolve{...}, or an adjoint_method).
  Adjoint adjoint{};
  /// Attempted steps per pass, accepted and rejected; past it the pass throws costate::error.
  std::size_t max_steps = 1'000'000;  // attempted steps per pass, accepted and rejected
  // Leave g_θ and g_t out of the adjoint pass's error norm (a seminorm; Kidger, Chen & Lyons 2021):
  // they are integrals that never feed back into the dynamics, so their error need not shorten the
  // steps. Fewer backward steps (gradient_stats::backward shows how many), with g_θ as accurate as
  // the quadrature of the accepted steps allows.
  /// Leave g_θ and g_t out of the adjoint pass's error norm (Kidger, Chen & Lyons 2021): fewer backward steps.
  bool seminorm = false;
};

// The integration interval {t0, t1}, t1 > t0.
/// The integration interval {t0, t1}, t1 > t0.
struct time_span {
  /// Start.
  double t0;
  /// End, > t0.
  double t1;
};

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::absolute_tolerance;
using costate::adjoint_method;
using costate::backsolve;
using costate::checkpointed;
using costate::dopri5;
using costate::lu_kind;
using costate::odeint_stepper;
using costate::options;
using costate::rk4;
using costate::rodas5p;
using costate::rosenbrock4;
}  // namespace prelude
}  // namespace costate
