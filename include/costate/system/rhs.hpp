// The right-hand sides the integrators call, forward and augmented adjoint, as plain functors
// `(const State& x, State& dxdt, double t)`. Each is one evaluation plan: every distinct
// subexpression of f and of its vector-Jacobian products is computed once per call, on the stack.
//
// Adjoint states, integrated from t1 back to t0, one layout per strategy:
//     backsolve (adjoint_rhs):                   x = [ z (n) | λ (n) | g_θ (p) | g_t (1) ], dz/dt = f
//     interpolated (interpolated_adjoint_rhs):   x = [ λ (n) | g_θ (p) | g_t (1) ], z(t) read from a source
//     dλ/dt = -λᵀ∂f/∂z,  dg_θ/dt = -λᵀ∂f/∂θ,  dg_t/dt = -λᵀ∂f/∂t
// g_t is left out (WithTime = false) where gradient() knows it is 0: f does not depend on t. With z
// interpolated, z is not integrated at all and f's outputs are not evaluated.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <cstddef>
#include <type_traits>

#include "costate/expr/colouring.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/structure.hpp"
#include "costate/system/ode.hpp"

namespace costate {
namespace detail {

template <class List> struct plan_of;
template <class... E> struct plan_of<tlist<E...>> { using type = plan<E...>; };

template <class... L> struct concat;
template <class... A> struct concat<tlist<A...>> { using type = tlist<A...>; };
template <class... A, class... B, class... Rest>
struct concat<tlist<A...>, tlist<B...>, Rest...> { using type = typename concat<tlist<A..., B...>, Rest...>::type; };

}  // namespace detail

namespace detail {
template <class List, std::size_t I> using nth = typename at<I, List>::type;

// Destinations of the plans' outputs (expr/plan.hpp's out<...>): f_k at its offset in bases[Base]; a
// VJP with respect to symbol X at Offset + X's offset in bases[0], stored when no other symbol's range
// overlaps it, added otherwise.
template <class Sys, std::size_t Base, bool Optional, class Shapes = typename Sys::output_shapes,
          class Seq = std::make_index_sequence<Shapes::size>>
struct rhs_outs;
template <class Sys, std::size_t Base, bool Optional, class... S, std::size_t... K>
struct rhs_outs<Sys, Base, Optional, tlist<S...>, std::index_sequence<K...>> {
  using type = tlist<out<Base, Sys::output_offsets[K], S, put_mode::store, Optional>...>;
};
template <std::size_t Offset, put_mode Mode, class Leaves, std::size_t Base = 0> struct leaf_outs;
template <std::size_t Offset, put_mode Mode, class... X, std::size_t Base>
struct leaf_outs<Offset, Mode, tlist<X...>, Base> {
  using type = tlist<out<Base, Offset + X::index, typename X::shape_type, Mode>...>;
};

// A right-hand side's evaluate(), inlined into the stepper, or, for large plans (Rhs::out_of_line),
// called as one function: inlined into each of a stepper's stage evaluations, a plan of hundreds of
// nodes, or of loops over hundreds of elements, is optimised once per call site (expr/plan.hpp's
// large_plan and large_work).
template <class Rhs, class State>
[[gnu::noinline]] void evaluate_out_of_line(const Rhs& rhs, const State& x, State& dxdt, double t) {
  rhs.evaluate(x, dxdt, t);
}
template <class Rhs, class State>
[[gnu::always_inline]] inline void evaluate_rhs(const Rhs& rhs, const State& x, State& dxdt, double t) {
  if constexpr (Rhs::out_of_line) detail::evaluate_out_of_line(rhs, x, dxdt, t);
  else rhs.evaluate(x, dxdt, t);
}
}  // namespace detail

// dz/dt = f(z, θ, t)
template <class Sys, class T>
struct forward_rhs {
  using plan_type = typename detail::plan_of<typename Sys::rhs>::type;
  using outs = typename detail::rhs_outs<Sys, 0, false>::type;
  // Large systems are evaluated by one function out of line rather than inlined into every stage of
  // the stepper (expr/plan.hpp's large_plan and large_work).
  static constexpr bool out_of_line = detail::out_of_line_plan<plan_type>;
  const T* theta;
  const double* inputs;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    if constexpr (out_of_line) call(x.data(), dxdt.data(), t);
    else evaluate(x.data(), dxdt.data(), t);
  }
  [[gnu::always_inline]] void evaluate(const T* x, T* dxdt, double t) const {
    const context<T> c{x, nullptr, theta, inputs, t};
    T* const bases[1] = {dxdt};
    plan_type::template run_direct_to<T>(c, bases, outs{});
  }
  [[gnu::noinline]] void call(const T* x, T* dxdt, double t) const { evaluate(x, dxdt, t); }

  // ∂f/∂z (row-major n×n) and ∂f/∂t, for stiff steppers: row j is e_jᵀ∂f/∂z, the system's own
  // derived VJP seeded with the unit vector e_j (n evaluations of the VJP plan, no differencing).
  template <class State>
  void jacobian(const State& x, double* J, double t, State& dfdt) const;

  // The sparse form for stiff steppers (solve/stiff_linear.hpp): ∂f/∂z in the order of
  // jacobian_pattern_of<Sys>() (values[k] for column[k]), one VJP per colour of row_colouring_of<Sys>()
  // seeded with the sum of its rows' unit vectors; and ∂f/∂t, which such a VJP cannot separate by
  // rows: 0 for an autonomous f, else a central difference of f in t (as the interpolated adjoint
  // takes f's explicit dependence on t). Returns the number of VJP sweeps.
  static constexpr bool structured = true;
  static const jacobian_pattern& pattern() { return jacobian_pattern_of<Sys>(); }
  template <class State>
  std::size_t coloured_jacobian(const State& x, double* values, double t, State& dfdt) const;
};

// The VJPs λᵀ∂f/∂z, λᵀ∂f/∂θ, λᵀ∂f/∂t in one plan, and where they go: λ-part at offset 0 of `out`,
// θ-part at n, t-part at n + p (so `out` is laid out as [λ | g_θ | g_t]).
template <class Sys, class T>
struct vjp_evaluator {
  static constexpr std::size_t n = Sys::states, p = Sys::params;
  static constexpr std::size_t nz = Sys::state_leaves::size, np = Sys::param_leaves::size;
  using outputs = typename detail::concat<typename Sys::vjp_state, typename Sys::vjp_param, detail::tlist<typename Sys::vjp_time>>::type;
  using plan_type = typename detail::plan_of<outputs>::type;

  // How often each value of λ and g_θ is written by a VJP output. When every symbol's range is
  // written at most once (the usual case), outputs are stored directly and only values no symbol
  // reaches are zeroed, by a list fixed at compile time; overlapping symbols (state<0> beside
  // state_vector<2>) add up into zeroed values.
  template <class Leaves, std::size_t Size>
  struct coverage {
    template <class... X>
    static constexpr std::array<std::size_t, Size + 1> count_of(detail::tlist<X...>) {
      std::array<std::size_t, Size + 1> cover{};
      constexpr std::size_t first[] = {X::index..., 0}, size[] = {X::shape_type::size..., 0};
      for (std::size_t k = 0; k < sizeof...(X); ++k)
        for (std::size_t i = first[k]; i < first[k] + size[k]; ++i) ++cover[i];
      return cover;
    }
    static constexpr auto count = count_of(Leaves{});
    static constexpr bool direct = [] {
      for (std::size_t i = 0; i < Size; ++i) if (count[i] > 1) return false;
      return true;
    }();
    static constexpr std::size_t zeros = [] {
      std::size_t k = 0;
      for (std::size_t i = 0; i < Size; ++i) k += (!direct || count[i] == 0) ? 1 : 0;
      return k;
    }();
    static constexpr auto to_zero = [] {
      std::array<std::size_t, zeros> idx{};
      std::size_t k = 0;
      for (std::size_t i = 0; i < Size; ++i)
        if (!direct || count[i] == 0) idx[k++] = i;
      return idx;
    }();
  };
  using cover_z = coverage<typename Sys::state_leaves, n>;
  using cover_p = coverage<typename Sys::param_leaves, p>;

  // Zeroes what no VJP output reaches; `first` is the index of the first VJP output in the plan
  // that `v` comes from.
  template <class Out>
  [[gnu::always_inline]] static void zero(Out* out) {
    for (const std::size_t i : cover_z::to_zero) out[i] = T(0);
    for (const std::size_t i : cover_p::to_zero) out[n + i] = T(0);
  }
  // Where the VJP outputs go in `out` (bases[0]): λᵀ∂f/∂z, λᵀ∂f/∂θ, and λᵀ∂f/∂t only WithTime.
  template <bool WithTime = true>
  using outs_for = typename detail::concat<
      typename detail::leaf_outs<0, cover_z::direct ? detail::put_mode::store : detail::put_mode::accumulate, typename Sys::state_leaves>::type,
      typename detail::leaf_outs<n, cover_p::direct ? detail::put_mode::store : detail::put_mode::accumulate, typename Sys::param_leaves>::type,
      std::conditional_t<WithTime, detail::tlist<detail::out<0, n + p, shape<>, detail::put_mode::store>>, detail::tlist<>>>::type;
  using outs = outs_for<true>;
  // out = λᵀ∂f/∂(z, θ, t) at (z, t) with the given λ.
  static void run(const T* z, const T* lambda, const T* theta, const double* inputs, double t, T* out) {
    const context<T> c{z, lambda, theta, inputs, t};
    zero(out);
    T* const bases[1] = {out};
    plan_type::template run_direct_to<T>(c, bases, outs{});
  }
};

template <class Sys, class T>
template <class State>
void forward_rhs<Sys, T>::jacobian(const State& x, double* J, double t, State& dfdt) const {
  constexpr std::size_t n = Sys::states, p = Sys::params;
  std::array<T, n> e{};
  std::array<T, n + p + 1> row;
  for (std::size_t j = 0; j < n; ++j) {
    e[j] = T(1);
    vjp_evaluator<Sys, T>::run(x.data(), e.data(), theta, inputs, t, row.data());
    e[j] = T(0);
    for (std::size_t i = 0; i < n; ++i) J[j * n + i] = row[i];
    dfdt[j] = row[n + p];
  }
}

namespace detail {
// Writes values[k] = Σ_{i in the colour} ∂f_i/∂z_column[k] for the rows k of each colour: the sum is the
// one row's entry, since no other row of its colour lists that column. `vjp(seed, out)` writes
// seedᵀ∂f/∂z to out[0, n).
template <std::size_t n, class Vjp>
std::size_t coloured_rows(const jacobian_pattern& P, const row_colouring& G, double* values, Vjp&& vjp) {
  std::array<double, n> e{};
  for (std::size_t c = 0; c < G.colours(); ++c) {
    for (std::size_t m = G.start[c]; m < G.start[c + 1]; ++m) e[G.rows[m]] = 1.0;
    const double* out = vjp(e.data());
    for (std::size_t m = G.start[c]; m < G.start[c + 1]; ++m) {
      const std::size_t i = G.rows[m];
      e[i] = 0.0;
      for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) values[k] = out[P.column[k]];
    }
  }
  return G.colours();
}
}  // namespace detail

template <class Sys, class T>
template <class State>
std::size_t forward_rhs<Sys, T>::coloured_jacobian(const State& x, double* values, double t, State& dfdt) const {
  static_assert(std::is_same_v<T, double>, "costate: the stiff steppers integrate real (double) states only");
  constexpr std::size_t n = Sys::states, p = Sys::params;
  std::array<T, n + p + 1> row;
  const std::size_t sweeps = detail::coloured_rows<n>(jacobian_pattern_of<Sys>(), row_colouring_of<Sys>(), values, [&](const T* e) {
    vjp_evaluator<Sys, T>::run(x.data(), e, theta, inputs, t, row.data());
    return row.data();
  });
  if constexpr (Sys::autonomous) {
    for (auto& v : dfdt) v = T(0);
  } else {
    const double dt = 6e-6 * std::max(1.0, std::abs(t));
    State hi, lo;
    evaluate(x.data(), hi.data(), t + dt);
    evaluate(x.data(), lo.data(), t - dt);
    for (std::size_t i = 0; i < n; ++i) dfdt[i] = (hi[i] - lo[i]) / (2 * dt);
  }
  return sweeps;
}

namespace detail {
// The Jacobian of an interpolated adjoint right-hand side x = [λ | g_θ | (g_t)] (size values), for
// stiff steppers. The adjoint is linear in λ: λ_j's column holds -(row j of [∂f/∂z | ∂f/∂θ | ∂f/∂t]),
// which `unit_row(j, row)` writes (n + p + 1 values: λ = e_j); g_θ and g_t feed nothing back.
template <std::size_t n, std::size_t p, std::size_t size, class UnitRow>
void interpolated_adjoint_jacobian_columns(double* J, UnitRow&& unit_row) {
  static_assert(size == n + p || size == n + p + 1);
  std::array<double, n + p + 1> row;
  for (std::size_t i = 0; i < size * size; ++i) J[i] = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    unit_row(j, row.data());
    for (std::size_t r = 0; r < size; ++r) J[r * size + j] = -row[r];
  }
}
// The same with the explicit time derivative as a difference of `rhs` in t (where the right-hand
// side cannot differentiate along its z(t)): central where possible, one-sided at the ends of the
// recorded span, beyond which z(t) is clamped.
template <std::size_t size, class Rhs, class ZSource, class State>
void interpolated_adjoint_time_difference(const Rhs& rhs, const ZSource* zsource, const State& x, double t, State& dfdt) {
  const double dt = 6e-6 * std::max(1.0, std::abs(t));
  double hi = t + dt, lo = t - dt;
  if constexpr (requires { zsource->front(); zsource->back(); }) {
    hi = std::min(hi, std::max(t, zsource->back()));
    lo = std::max(lo, std::min(t, zsource->front()));
  }
  State a{}, b{};
  rhs(x, a, hi);
  rhs(x, b, lo);
  for (std::size_t r = 0; r < size; ++r) dfdt[r] = (a[r] - b[r]) / (hi - lo);
}
template <std::size_t n, std::size_t p, std::size_t size, class Rhs, class ZSource, class State, class UnitRow>
void interpolated_adjoint_jacobian(const Rhs& rhs, const ZSource* zsource, const State& x, double* J, double t,
                                   State& dfdt, UnitRow&& unit_row) {
  interpolated_adjoint_jacobian_columns<n, p, size>(J, unit_row);
  interpolated_adjoint_time_difference<size>(rhs, zsource, x, t, dfdt);
}

// The VJP outputs an adjoint integrates: λᵀ∂f/∂z, λᵀ∂f/∂θ, and λᵀ∂f/∂t only WithTime.
template <class Sys, bool WithTime>
using adjoint_vjp_outputs =
    std::conditional_t<WithTime, typename vjp_evaluator<Sys, double>::outputs,
                       typename concat<typename Sys::vjp_state, typename Sys::vjp_param>::type>;
}  // namespace detail

// The backsolve adjoint [z | λ | g_θ | (g_t)] (see the top of this file): f and the VJPs in one plan.
// λᵀ∂f/∂X for each state or parameter symbol X that f uses is subtracted from dλ or dg_θ at X's
// offset: symbols may overlap (state<0> beside state_vector<2>), and unused states or parameters get zero.
template <class Sys, class T, bool WithTime = true>
struct adjoint_rhs {
  static constexpr bool with_time = WithTime;
  static constexpr std::size_t n = Sys::states, p = Sys::params;
  static constexpr std::size_t size = 2 * n + p + (WithTime ? 1 : 0);
  using vjps = vjp_evaluator<Sys, T>;
  static constexpr bool direct_z = vjps::cover_z::direct, direct_p = vjps::cover_p::direct;
  using outputs = typename detail::concat<typename Sys::rhs, detail::adjoint_vjp_outputs<Sys, WithTime>>::type;
  using plan_type = typename detail::plan_of<outputs>::type;
  // f into dz/dt (bases[1]), the VJPs into [λ | g_θ | (g_t)] (bases[0]).
  using outs = typename detail::concat<typename detail::rhs_outs<Sys, 1, false>::type, typename vjps::template outs_for<WithTime>>::type;
  // Large systems evaluate f and the VJPs by the two plans the forward and the interpolated adjoint
  // passes compile anyway, rather than by a third plan of both: the nodes f and its VJPs share are
  // computed twice, and the compiler instantiates and optimises the system once less.
  using vjp_plan = typename detail::plan_of<detail::adjoint_vjp_outputs<Sys, WithTime>>::type;
  static constexpr bool composed = vjp_plan::blocked;
  static constexpr bool out_of_line = [] {  // (if constexpr: a composed adjoint never forms plan_type)
    if constexpr (composed) return true;
    else return detail::out_of_line_plan<plan_type>;
  }();
  const T* theta;
  const double* inputs;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    detail::evaluate_rhs(*this, x, dxdt, t);
  }
  template <class State>
  [[gnu::always_inline]] void evaluate(const State& x, State& dxdt, double t) const {
    // The VJPs are linear in λ: seeded with -λ they are -λᵀ∂f/∂X, so no output needs negating.
    std::array<T, n> minus_lambda;
    for (std::size_t i = 0; i < n; ++i) minus_lambda[i] = -x[n + i];
    const context<T> c{x.data(), minus_lambda.data(), theta, inputs, t};
    T* out = dxdt.data() + n;
    vjps::zero(out);
    if constexpr (composed) {
      forward_rhs<Sys, T>{theta, inputs}.evaluate(x.data(), dxdt.data(), t);
      T* const bases[1] = {out};
      vjp_plan::template run_direct_to<T>(c, bases, typename vjps::template outs_for<WithTime>{});
    } else {
      T* const bases[2] = {out, dxdt.data()};
      plan_type::template run_direct_to<T>(c, bases, outs{});
    }
  }
};

// The interpolated adjoint [λ | g_θ | (g_t)]: z(t) is read from *zsource (the dense output of a
// forward re-integration), so only the VJPs are evaluated. A type of its own rather than a run-time
// switch in adjoint_rhs: no test of the source in every evaluation, and no z in the state for the
// stepper to carry.
template <class Sys, class T, class ZSource, bool WithTime = true>
struct interpolated_adjoint_rhs {
  static constexpr bool with_time = WithTime;
  static constexpr std::size_t n = Sys::states, p = Sys::params;
  static constexpr std::size_t size = n + p + (WithTime ? 1 : 0);
  using vjps = vjp_evaluator<Sys, T>;
  using plan_type = typename detail::plan_of<detail::adjoint_vjp_outputs<Sys, WithTime>>::type;
  using outs = typename vjps::template outs_for<WithTime>;
  static constexpr bool out_of_line = detail::out_of_line_plan<plan_type>;  // see detail::evaluate_rhs
  const T* theta;
  const double* inputs;
  const ZSource* zsource;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    detail::evaluate_rhs(*this, x, dxdt, t);
  }
  template <class State>
  [[gnu::always_inline]] void evaluate(const State& x, State& dxdt, double t) const {
    std::array<T, n> minus_lambda, z;
    for (std::size_t i = 0; i < n; ++i) minus_lambda[i] = -x[i];
    (*zsource)(t, z.data());
    const context<T> c{z.data(), minus_lambda.data(), theta, inputs, t};
    T* out = dxdt.data();
    vjps::zero(out);
    T* const bases[1] = {out};
    plan_type::template run_direct_to<T>(c, bases, outs{});
  }

  // For stiff steppers: J = ∂(dx/dt)/∂x, and dfdt = the derivative of dx/dt along t with x fixed,
  //   d/dt (-λᵀ∂f/∂X)(z(t), t) = -λᵀ(∂²f/∂X∂z · ż + ∂²f/∂X∂t),  X = z, θ, t.
  // The first term is exact (a complex step of the VJPs in the direction ż of the interpolated z(t),
  // whose derivative the source provides); the second, where f depends on t, a central difference in
  // t at fixed z (f's own dependence). Sources without a derivative get a difference of the whole
  // right-hand side in t (detail::interpolated_adjoint_jacobian).
  template <class State>
  void jacobian(const State& x, double* J, double t, State& dfdt) const {
    static_assert(std::is_same_v<T, double>, "costate: the stiff adjoint integrates real (double) states only");
    std::array<T, n> z;
    (*zsource)(t, z.data());
    const auto unit_row = [&](std::size_t j, T* r) {
      std::array<T, n> e{};
      e[j] = T(1);
      vjps::run(z.data(), e.data(), theta, inputs, t, r);
    };
    if constexpr (requires(std::array<double, n>& d) { zsource->derivative(t, d.data()); }) {
      detail::interpolated_adjoint_jacobian_columns<n, p, size>(J, unit_row);
      time_derivative(x, z, t, dfdt);
    } else {
      detail::interpolated_adjoint_jacobian<n, p, size>(*this, zsource, x, J, t, dfdt, unit_row);
    }
  }

  // The sparse form for stiff steppers (solve/stiff_linear.hpp). The Jacobian's columns for g_θ and g_t
  // are zero, so W = I/(γh) − J is block lower triangular: its λ block is I/(γh) + (∂f/∂z)ᵀ, and the
  // quadratures' rows couple to λ through [∂f/∂θ | ∂f/∂t]ᵀ, which `coupling` applies as one VJP.
  // coloured_jacobian writes ∂f/∂z at z(t) in the order of jacobian_pattern_of<Sys>() (one VJP per
  // colour), z(t) into zj, and dfdt as jacobian() does; it returns the number of VJP sweeps.
  static constexpr bool structured = true;
  static constexpr std::size_t implicit_states = n;
  static const jacobian_pattern& pattern() { return jacobian_pattern_of<Sys>(); }
  template <class State>
  std::size_t coloured_jacobian(const State& x, double* values, double t, State& dfdt, double* zj) const {
    static_assert(std::is_same_v<T, double>, "costate: the stiff adjoint integrates real (double) states only");
    std::array<T, n> z;
    (*zsource)(t, z.data());
    for (std::size_t i = 0; i < n; ++i) zj[i] = z[i];
    std::array<T, n + p + 1> row;
    const std::size_t sweeps = detail::coloured_rows<n>(jacobian_pattern_of<Sys>(), row_colouring_of<Sys>(), values, [&](const T* e) {
      vjps::run(z.data(), e, theta, inputs, t, row.data());
      return row.data();
    });
    if constexpr (requires(std::array<double, n>& d) { zsource->derivative(t, d.data()); }) time_derivative(x, z, t, dfdt);
    else detail::interpolated_adjoint_time_difference<size>(*this, zsource, x, t, dfdt);
    return sweeps;
  }
  // out[r] = Σ_j k_j ∂f_j/∂(θ, t)_r at (zj, t), r < size − n: the quadratures' coupling to λ.
  void coupling(const double* zj, double t, const double* k, double* out) const {
    std::array<T, n + p + 1> row;
    vjps::run(zj, k, theta, inputs, t, row.data());
    for (std::size_t r = 0; r < size - n; ++r) out[r] = row[n + r];
  }

 private:
  // dfdt for a source with a derivative (see jacobian()).
  template <class State>
  void time_derivative(const State& x, const std::array<T, n>& z, double t, State& dfdt) const {
    using C = std::complex<double>;
    std::array<double, n> dz;
    zsource->derivative(t, dz.data());
    double scale = 1.0;
    for (const double v : dz) scale = std::max(scale, std::abs(v));
    const double h = 1e-20 / scale;  // complex step: no cancellation, any h small enough will do
    std::array<C, n> zc, lc;
    std::array<C, p == 0 ? 1 : p> tc;
    for (std::size_t i = 0; i < n; ++i) {
      zc[i] = C(z[i], h * dz[i]);
      lc[i] = C(-x[i], 0.0);
    }
    for (std::size_t k = 0; k < p; ++k) tc[k] = C(theta[k], 0.0);
    std::array<C, n + p + 1> out;
    vjp_evaluator<Sys, C>::run(zc.data(), lc.data(), tc.data(), inputs, t, out.data());
    for (std::size_t r = 0; r < size; ++r) dfdt[r] = out[r].imag() / h;
    if constexpr (WithTime) {
      const double dt = 6e-6 * std::max(1.0, std::abs(t));
      std::array<T, n> ml;
      for (std::size_t i = 0; i < n; ++i) ml[i] = -x[i];
      std::array<T, n + p + 1> hi, lo;
      vjps::run(z.data(), ml.data(), theta, inputs, t + dt, hi.data());
      vjps::run(z.data(), ml.data(), theta, inputs, t - dt, lo.data());
      for (std::size_t r = 0; r < size; ++r) dfdt[r] += (hi[r] - lo[r]) / (2 * dt);
    }
  }
};

}  // namespace costate
