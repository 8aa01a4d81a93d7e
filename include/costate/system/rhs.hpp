// The right-hand sides the integrators call, forward and augmented adjoint, as plain functors
// `(const State& x, State& dxdt, double t)`. Each is one evaluation plan: every distinct
// subexpression of f and of its vector-Jacobian products is computed once per call, on the stack.
//
// Augmented adjoint state, integrated from t1 back to t0:
//     x = [ z (n) | λ (n) | g_θ (p) | g_t (1) ]
//     dz/dt = f,  dλ/dt = -λᵀ∂f/∂z,  dg_θ/dt = -λᵀ∂f/∂θ,  dg_t/dt = -λᵀ∂f/∂t
#pragma once

#include <array>
#include <cstddef>

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
};

// The augmented adjoint system (see the top of this file). λᵀ∂f/∂X for each state or parameter symbol
// X that f uses is subtracted from dλ or dg_θ at X's offset: symbols may overlap (state<0> beside
// state_vector<2>), and unused states or parameters get zero.
template <class Sys, class T>
struct adjoint_rhs {
  static constexpr std::size_t n = Sys::states, p = Sys::params;
  static constexpr std::size_t size = 2 * n + p + 1;
  static constexpr std::size_t nf = Sys::rhs::size, nz = Sys::state_leaves::size, np = Sys::param_leaves::size;
  using outputs = typename detail::concat<typename Sys::rhs, typename Sys::vjp_state, typename Sys::vjp_param,
                                          detail::tlist<typename Sys::vjp_time>>::type;
  using plan_type = typename detail::plan_of<outputs>::type;
  const T* theta;
  const double* inputs;

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
  static constexpr bool direct_z = cover_z::direct, direct_p = cover_p::direct;

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    // The VJPs are linear in λ: seeded with -λ they are -λᵀ∂f/∂X, so no output needs negating.
    std::array<T, n> minus_lambda;
    for (std::size_t i = 0; i < n; ++i) minus_lambda[i] = -x[n + i];
    const context<T> c{x.data(), minus_lambda.data(), theta, inputs, t};
    for (const std::size_t i : cover_z::to_zero) dxdt[n + i] = T(0);
    for (const std::size_t i : cover_p::to_zero) dxdt[2 * n + i] = T(0);
    plan_type::template run_direct<T>(c, [&](auto i, const auto& v) {
      constexpr std::size_t k = decltype(i)::value;
      if constexpr (k < nf) {
        store<detail::nth<typename Sys::output_shapes, k>>(dxdt.data() + Sys::output_offsets[k], v);
      } else if constexpr (k < nf + nz) {
        using X = detail::nth<typename Sys::state_leaves, k - nf>;
        if constexpr (direct_z) store<typename X::shape_type>(dxdt.data() + n + X::index, v);
        else accumulate<typename X::shape_type>(dxdt.data() + n + X::index, v);
      } else if constexpr (k < nf + nz + np) {
        using X = detail::nth<typename Sys::param_leaves, k - nf - nz>;
        if constexpr (direct_p) store<typename X::shape_type>(dxdt.data() + 2 * n + X::index, v);
        else accumulate<typename X::shape_type>(dxdt.data() + 2 * n + X::index, v);
      } else {
        dxdt[2 * n + p] = v;
      }
    });
  }
};

}  // namespace costate
