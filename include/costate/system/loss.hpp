// Losses of the solution, written as expressions: `terminal_loss(0.5_c * (x*x + y*y))` is
// L = ℓ(z(t1), θ). Its gradients ∂ℓ/∂z and ∂ℓ/∂θ are derived by the same reverse sweep as f's.
#pragma once

#include <type_traits>

#include "costate/expr/dag.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/reverse.hpp"
#include "costate/expr/shape_of.hpp"
#include "costate/expr/simplify.hpp"
#include "costate/system/ode.hpp"

namespace costate {

template <class L>
struct terminal_loss_t {
  using expression = simplify_t<L>;  // simplified, so that its nodes are shared with its gradient
  static constexpr std::size_t states = detail::symbol_extent_v<symbol_kind::state, L>;
  static constexpr std::size_t params = detail::symbol_extent_v<symbol_kind::param, L>;
  static constexpr std::size_t inputs = detail::symbol_extent_v<symbol_kind::input, L>;
  static_assert(!detail::occurs<detail::time_symbol, L>::value,
                "costate::terminal_loss: the loss is a function of z(t1) and θ; it may not contain t");
  static_assert(detail::symbol_extent_v<symbol_kind::adjoint, L> == 0,
                "costate::terminal_loss: adjoint<i> (λ) symbols belong to derived expressions");

  static_assert(is_scalar_v<L>, "costate::terminal_loss: the loss must be a scalar (use sum, dot or norm2 on tensors)");

  // ∂ℓ/∂X for each state and parameter symbol X the loss uses (scalars or blocks).
  using state_leaves = detail::leaves_t<symbol_kind::state, expression>;
  using param_leaves = detail::leaves_t<symbol_kind::param, expression>;
  using grad_state = typename detail::vjp_list<detail::tlist<expression>, detail::tlist<one>, state_leaves>::type;
  using grad_param = typename detail::vjp_list<detail::tlist<expression>, detail::tlist<one>, param_leaves>::type;
};

// L = ℓ(z(t1), θ): a loss on the final state.
template <Expr L>
constexpr terminal_loss_t<std::remove_cvref_t<L>> terminal_loss(L) {
  return {};
}

namespace detail {
template <class T> struct is_terminal_loss : std::false_type {};
template <class L> struct is_terminal_loss<terminal_loss_t<L>> : std::true_type {};
}  // namespace detail

template <class T>
concept Loss = detail::is_terminal_loss<std::remove_cvref_t<T>>::value;

}  // namespace costate
