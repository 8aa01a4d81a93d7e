// Reverse mode at the expression level: one backward sweep over the DAG of all outputs.
//
// Given roots f_i and seeds w_i, `reverse_sweep<...>::adjoint_t<X>` is Σ_i w_i ∂f_i/∂X as a
// simplified expression type, built as hand-written adjoint code would be:
//
//     adj(X) = Σ_i [f_i = X] w_i  +  Σ_{P uses X as operand k} adj(P) · ∂P/∂a_k
//
// Every node's adjoint is one memoised class-template instantiation, so the derived expressions
// share adj(P) as a subexpression and cost a small constant times f — not one derivative per
// (output, variable) pair. With seeds λ_i (adjoint<i>) this yields λᵀ∂f/∂z, λᵀ∂f/∂θ and λᵀ∂f/∂t.
#pragma once

#include "costate/expr/dag.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/simplify.hpp"

namespace costate {
namespace detail {

// A sum folded over a pack without recursion (declared-only operator used inside decltype).
template <class E> struct summand {};
template <class A, class B> summand<simplify_t<node<add_op, A, B>>> operator+(summand<A>, summand<B>);
template <class A> summand<A> operator+(summand<A>, summand<zero>);
template <class B> summand<B> operator+(summand<zero>, summand<B>);
summand<zero> operator+(summand<zero>, summand<zero>);
template <class S> struct summand_type;
template <class E> struct summand_type<summand<E>> { using type = E; };
template <class... Ts>
using sum_t = typename summand_type<decltype((summand<zero>{} + ... + summand<Ts>{}))>::type;

template <class Roots, class Seeds> struct reverse_sweep;

template <class... F, class... W>
struct reverse_sweep<tlist<F...>, tlist<W...>> {
  static_assert(sizeof...(F) == sizeof...(W), "costate::reverse_sweep: one seed per root");
  using nodes = dag_nodes<F...>;

  template <class X> struct adjoint;

  // adj(P) · ∂P/∂a_k, instantiated only when operand k of P is X.
  template <class P, class Partial> struct term {
    using type = simplify_t<node<mul_op, typename adjoint<P>::type, Partial>>;
  };
  template <class P, class X, class Args, class Partials> struct parent_terms;
  template <class P, class X, class... A, class... Q>
  struct parent_terms<P, X, tlist<A...>, tlist<Q...>> {
    using type = sum_t<typename std::conditional_t<__is_same(A, X), term<P, Q>, std::type_identity<zero>>::type...>;
  };
  template <class P, class X> struct from_parent;
  template <class Op, class... A, class X>
  struct from_parent<node<Op, A...>, X> {
    using P = node<Op, A...>;
    using type = typename std::conditional_t<
        contains_v<X, A...>,
        parent_terms<P, X, tlist<A...>, typename Op::template partials<P, A...>>,
        std::type_identity<zero>>::type;
  };

  template <class Nodes, class X> struct all_parents;
  template <class... P, class X>
  struct all_parents<tlist<P...>, X> { using type = sum_t<typename from_parent<P, X>::type...>; };

  template <class X>
  struct adjoint {
    using type = sum_t<std::conditional_t<__is_same(F, X), W, zero>..., typename all_parents<nodes, X>::type>;
  };

  template <class X> using adjoint_t = typename adjoint<X>::type;
};

}  // namespace detail

// Σ_i w_i ∂f_i/∂X for each X in Vars, by one reverse sweep: roots and seeds as type lists.
template <class Roots, class Seeds, class X>
using vjp_t = typename detail::reverse_sweep<Roots, Seeds>::template adjoint_t<X>;

}  // namespace costate
