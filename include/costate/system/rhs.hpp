// The right-hand sides the integrators call, forward and augmented adjoint, as plain functors
// `(const State& x, State& dxdt, double t)`. Each is one evaluation plan: every distinct
// subexpression of f and of its vector-Jacobian products is computed once per call, on the stack.
//
// Augmented adjoint state, integrated from t1 back to t0:
//     x = [ z (n) | λ (n) | g_θ (p) | g_t (1) ]
//     dz/dt = f,  dλ/dt = -λᵀ∂f/∂z,  dg_θ/dt = -λᵀ∂f/∂θ,  dg_t/dt = -λᵀ∂f/∂t
#pragma once

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
      store<shape_of_t<detail::nth<typename Sys::rhs, k>>>(dxdt.data() + Sys::output_offsets[k], v);
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

  template <class State>
  [[gnu::always_inline]] void operator()(const State& x, State& dxdt, double t) const {
    const context<T> c{x.data(), x.data() + n, theta, inputs, t};
    for (std::size_t i = n; i < 2 * n + p; ++i) dxdt[i] = T(0);
    plan_type::template run<T>(c, [&](auto i, const auto& v) {
      constexpr std::size_t k = decltype(i)::value;
      if constexpr (k < nf) {
        store<shape_of_t<detail::nth<typename Sys::rhs, k>>>(dxdt.data() + Sys::output_offsets[k], v);
      } else if constexpr (k < nf + nz) {
        using X = detail::nth<typename Sys::state_leaves, k - nf>;
        accumulate<typename X::shape_type, -1>(dxdt.data() + n + X::index, v);
      } else if constexpr (k < nf + nz + np) {
        using X = detail::nth<typename Sys::param_leaves, k - nf - nz>;
        accumulate<typename X::shape_type, -1>(dxdt.data() + 2 * n + X::index, v);
      } else {
        dxdt[2 * n + p] = -v;
      }
    });
  }
};

}  // namespace costate
