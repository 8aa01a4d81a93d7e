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
#include <cstddef>
#include <type_traits>

#include "costate/expr/node.hpp"
#include "costate/expr/plan.hpp"
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
}  // namespace detail

// dz/dt = f(z, θ, t)
template <class Sys, class T>
struct forward_rhs {
  using plan_type = typename detail::plan_of<typename Sys::rhs>::type;
  const T* theta;
  const double* inputs;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    const context<T> c{x.data(), nullptr, theta, inputs, t};
    plan_type::template run<T>(c, [&](auto i, const auto& v) {
      constexpr std::size_t k = decltype(i)::value;
      store<detail::nth<typename Sys::output_shapes, k>>(dxdt.data() + Sys::output_offsets[k], v);
    });
  }

  // ∂f/∂z (row-major n×n) and ∂f/∂t, for stiff steppers: row j is e_jᵀ∂f/∂z, the system's own
  // derived VJP seeded with the unit vector e_j (n evaluations of the VJP plan, no differencing).
  template <class State>
  void jacobian(const State& x, double* J, double t, State& dfdt) const;
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
    static constexpr auto count = [] {
      std::array<std::size_t, Size + 1> cover{};
      [&]<class... X>(detail::tlist<X...>) {
        ((([&] { for (std::size_t i = X::index; i < X::index + X::shape_type::size; ++i) ++cover[i]; })()), ...);
      }(Leaves{});
      return cover;
    }();
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
  template <std::size_t k, class Out, class V>
  [[gnu::always_inline]] static void put(Out* out, const V& v) {
    if constexpr (k < nz) {
      using X = detail::nth<typename Sys::state_leaves, k>;
      if constexpr (cover_z::direct) store<typename X::shape_type>(out + X::index, v);
      else accumulate<typename X::shape_type>(out + X::index, v);
    } else if constexpr (k < nz + np) {
      using X = detail::nth<typename Sys::param_leaves, k - nz>;
      if constexpr (cover_p::direct) store<typename X::shape_type>(out + n + X::index, v);
      else accumulate<typename X::shape_type>(out + n + X::index, v);
    } else {
      out[n + p] = v;
    }
  }
  // out = λᵀ∂f/∂(z, θ, t) at (z, t) with the given λ.
  static void run(const T* z, const T* lambda, const T* theta, const double* inputs, double t, T* out) {
    const context<T> c{z, lambda, theta, inputs, t};
    zero(out);
    plan_type::template run_direct<T>(c, [&](auto i, const auto& v) { put<decltype(i)::value>(out, v); });
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
// The Jacobian of an interpolated adjoint right-hand side x = [λ | g_θ | (g_t)] (size values), for
// stiff steppers. The adjoint is linear in λ: λ_j's column holds -(row j of [∂f/∂z | ∂f/∂θ | ∂f/∂t]),
// which `unit_row(j, row)` writes (n + p + 1 values: λ = e_j); g_θ and g_t feed nothing back. The
// explicit time derivative (z(t) is interpolated) is a difference of `rhs` in t: central where
// possible, one-sided at the ends of the recorded span, beyond which z(t) is clamped.
template <std::size_t n, std::size_t p, std::size_t size, class Rhs, class ZSource, class State, class UnitRow>
void interpolated_adjoint_jacobian(const Rhs& rhs, const ZSource* zsource, const State& x, double* J, double t,
                                   State& dfdt, UnitRow&& unit_row) {
  static_assert(size == n + p || size == n + p + 1);
  std::array<double, n + p + 1> row;
  for (std::size_t i = 0; i < size * size; ++i) J[i] = 0.0;
  for (std::size_t j = 0; j < n; ++j) {
    unit_row(j, row.data());
    for (std::size_t r = 0; r < size; ++r) J[r * size + j] = -row[r];
  }
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
  static constexpr std::size_t nf = Sys::rhs::size;
  using outputs = typename detail::concat<typename Sys::rhs, detail::adjoint_vjp_outputs<Sys, WithTime>>::type;
  using plan_type = typename detail::plan_of<outputs>::type;
  const T* theta;
  const double* inputs;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    // The VJPs are linear in λ: seeded with -λ they are -λᵀ∂f/∂X, so no output needs negating.
    std::array<T, n> minus_lambda;
    for (std::size_t i = 0; i < n; ++i) minus_lambda[i] = -x[n + i];
    const context<T> c{x.data(), minus_lambda.data(), theta, inputs, t};
    T* out = dxdt.data() + n;
    vjps::zero(out);
    plan_type::template run_direct<T>(c, [&](auto i, const auto& v) {
      constexpr std::size_t k = decltype(i)::value;
      if constexpr (k >= nf) vjps::template put<k - nf>(out, v);
      else store<detail::nth<typename Sys::output_shapes, k>>(dxdt.data() + Sys::output_offsets[k], v);
    });
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
  const T* theta;
  const double* inputs;
  const ZSource* zsource;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    std::array<T, n> minus_lambda, z;
    for (std::size_t i = 0; i < n; ++i) minus_lambda[i] = -x[i];
    (*zsource)(t, z.data());
    const context<T> c{z.data(), minus_lambda.data(), theta, inputs, t};
    T* out = dxdt.data();
    vjps::zero(out);
    plan_type::template run_direct<T>(c, [&](auto i, const auto& v) { vjps::template put<decltype(i)::value>(out, v); });
  }

  // For stiff steppers; see detail::interpolated_adjoint_jacobian.
  template <class State>
  void jacobian(const State& x, double* J, double t, State& dfdt) const {
    std::array<T, n> z;
    (*zsource)(t, z.data());
    detail::interpolated_adjoint_jacobian<n, p, size>(*this, zsource, x, J, t, dfdt, [&](std::size_t j, T* row) {
      std::array<T, n> e{};
      e[j] = T(1);
      vjps::run(z.data(), e.data(), theta, inputs, t, row);
    });
  }
};

}  // namespace costate
