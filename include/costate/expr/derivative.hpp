// Symbolic differentiation: derivative_t<E, S> is ∂E/∂S as a simplified expression type.
//
// Forward mode, one variable at a time: used for loss gradients, Jacobian entries and for
// higher-order derivatives (the derivative of a derivative is an expression like any other).
// Vector-Jacobian products of a whole system use the reverse sweep in expr/reverse.hpp instead.
#pragma once

#include "costate/expr/node.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/simplify.hpp"

namespace costate {
namespace detail {

template <class E, class S> struct derivative_impl { using type = zero; };  // constants, other symbols
template <symbol_kind K, std::size_t I> struct derivative_impl<symbol<K, I>, symbol<K, I>> { using type = one; };  // scalars only

// Chain rule: ∂ op(a_1..a_n) / ∂S = Σ_k ∂op/∂a_k · ∂a_k/∂S; each partial comes from the op's header.
template <class Node, class Partials, class Args, class S> struct chain_rule;
template <class Node, class... P, class... A, class S>
struct chain_rule<Node, tlist<P...>, tlist<A...>, S> {
  template <class Acc, class Term>
  using plus = simplify_t<node<add_op, Acc, Term>>;
  template <class... Terms> struct sum { using type = zero; };
  template <class T0, class... Ts> struct sum<T0, Ts...> {
    using type = simplify_t<node<add_op, T0, typename sum<Ts...>::type>>;
  };
  using type = typename sum<simplify_t<node<mul_op, P, typename derivative_impl<A, S>::type>>...>::type;
};

template <class Op, class... A, class S>
struct derivative_impl<node<Op, A...>, S> {
  using self = node<Op, A...>;
  using type = typename chain_rule<self, typename Op::template partials<self, A...>, tlist<A...>, S>::type;
};

}  // namespace detail

template <class E, class S> using derivative_t = simplify_t<typename detail::derivative_impl<simplify_t<E>, S>::type>;

// derivative(expr, state<0>): the derivative as a value users can print, evaluate or differentiate again.
template <Expr E, Symbol S>
constexpr derivative_t<E, S> derivative(E, S) { return {}; }

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::derivative;
}  // namespace prelude
}  // namespace costate
