// How gradient() sees a loss (system/loss.hpp): the sizes it adds to the problem, its value and
// gradient at a point (terminal and observation terms), and a running loss as one more equation.
#pragma once

#include <algorithm>
#include <cstddef>

#include "costate/expr/plan.hpp"
#include "costate/system/generated.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"

namespace costate {
namespace detail {

// Largest param / input index used by the system or the loss.
template <class L> struct loss_traits;
template <class Sys, class L>
inline constexpr std::size_t total_params = std::max(Sys::params, loss_traits<L>::params);

template <std::size_t LossStateExtent, std::size_t NumberOfStates>
struct loss_uses_a_state_index_beyond_the_system {
  static_assert(LossStateExtent <= NumberOfStates,
                "costate: the loss uses state<i> with i >= the number of states (template arguments: "
                "<largest state index + 1 in the loss, number of states>)");
  static constexpr bool value = true;
};
template <std::size_t LossInputExtent, std::size_t SystemInputs>
struct loss_uses_an_input_the_system_does_not_bind {
  static_assert(LossInputExtent <= SystemInputs,
                "costate: the loss uses input<k> symbols without values: bind them with sys.with_inputs(...) "
                "(template arguments: <inputs the loss uses, inputs bound>)");
  static constexpr bool value = true;
};

// ℓ, ∂ℓ/∂X for the loss's state symbols, then for its parameter symbols, in one plan.
template <class L>
using loss_plan_t =
    typename plan_of<typename concat<tlist<typename L::expression>, typename L::grad_state, typename L::grad_param>::type>::type;

// The sizes a loss adds to the problem: parameters, states it reads, inputs it needs the system to bind.
template <class L> struct loss_traits;
template <class L> struct loss_traits<terminal_loss_t<L>> {
  static constexpr std::size_t params = terminal_loss_t<L>::params, states = terminal_loss_t<L>::states,
                               system_inputs = terminal_loss_t<L>::inputs;
};
template <class G> struct loss_traits<generated_terminal_loss<G>> {
  static constexpr std::size_t params = G::params, states = G::states, system_inputs = G::inputs;
};
template <class Ell> struct loss_traits<running_loss_t<Ell, void>> {
  static constexpr std::size_t params = symbol_extent_v<symbol_kind::param, Ell>,
                               states = symbol_extent_v<symbol_kind::state, Ell>,
                               system_inputs = symbol_extent_v<symbol_kind::input, Ell>;
};
template <class Ell, class T> struct loss_traits<running_loss_t<Ell, T>> {
  static constexpr std::size_t params = std::max(loss_traits<running_loss_t<Ell>>::params, T::params),
                               states = std::max(loss_traits<running_loss_t<Ell>>::states, T::states),
                               system_inputs = std::max(loss_traits<running_loss_t<Ell>>::system_inputs, T::inputs);
};
template <class Ell> struct loss_traits<observation_loss_t<Ell>> {
  using P = typename observation_loss_t<Ell>::point;
  static constexpr std::size_t params = P::params, states = P::states, system_inputs = 0;  // ℓ's inputs are data
};

// The system with the running loss's integrand as one more equation: q' = ℓ(z, θ, t).
template <class Sys, class Ell> struct with_quadrature;
template <class... F, class Ell> struct with_quadrature<system<F...>, Ell> { using type = system<F..., Ell>; };

// ℓ of a point loss at z, with ∂ℓ/∂z added into `lambda` and ∂ℓ/∂θ into `dtheta`.
template <class Pt>
double point_loss(const double* z, const double* theta, const double* u, double t, double* lambda, double* dtheta) {
  if constexpr (is_generated_loss<Pt>::value) {
    static_cast<void>(t);
    return Pt::kernels::gradient(z, theta, u, lambda, dtheta);
  } else {
    const context<double> c{z, nullptr, theta, u, t};
    // ℓ into l, ∂ℓ/∂z added into lambda, ∂ℓ/∂θ into dtheta (expr/plan.hpp's out<...> destinations).
    using outs = typename concat<tlist<out<0, 0, shape<>, put_mode::store>>,
                                 typename leaf_outs<0, put_mode::accumulate, typename Pt::state_leaves, 1>::type,
                                 typename leaf_outs<0, put_mode::accumulate, typename Pt::param_leaves, 2>::type>::type;
    double l = 0.0;
    double* const bases[3] = {&l, lambda, dtheta};
    loss_plan_t<Pt>::template run_direct_to<double>(c, bases, outs{});
    return l;
  }
}

}  // namespace detail
}  // namespace costate
