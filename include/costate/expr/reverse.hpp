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
#include "costate/expr/shape_of.hpp"
#include "costate/expr/simplify.hpp"

namespace costate {
namespace detail {

// A sum of expression types, folded from the left and simplified at every step, zeros skipped. (Class
// templates, not an operator folded in decltype: every operator call looks its operands' types up by
// ADL, which walks the whole expression tree of each — a large system's adjoints are deep.)
template <class A, class B> struct add_terms { using type = simplify_t<node<add_op, A, B>>; };
template <class A> struct add_terms<A, zero> { using type = A; };
template <class B> struct add_terms<zero, B> { using type = B; };
template <> struct add_terms<zero, zero> { using type = zero; };
template <class Acc, class... Ts> struct sum_from { using type = Acc; };
template <class Acc, class T0, class... Ts>
struct sum_from<Acc, T0, Ts...> : sum_from<typename add_terms<Acc, T0>::type, Ts...> {};
template <class Acc, class T0, class T1, class T2, class T3, class... Ts>
struct sum_from<Acc, T0, T1, T2, T3, Ts...>
    : sum_from<typename add_terms<typename add_terms<typename add_terms<typename add_terms<Acc, T0>::type, T1>::type, T2>::type, T3>::type,
               Ts...> {};
template <class... Ts> using sum_t = typename sum_from<zero, Ts...>::type;

// The seeds of the roots that are X, summed (expr/dag.hpp finds them by hash).
template <class Seeds> struct seed_sum;
template <class... W> struct seed_sum<tlist<W...>> { using type = sum_t<W...>; };

// λ-weighted derivative of node Self through its operand K, given the node's adjoint Adj.
// Tensor operations state it themselves (`vjp`: Wᵀλ and λzᵀ for W·z); elementwise operations give
// partial derivatives, and the contribution is Adj ⊙ ∂Self/∂a_K — summed over the elements when a
// scalar operand was broadcast against a tensor.
template <class Op, std::size_t K, class Self, class Adj, class... A>
struct op_vjp_impl {
  using operand = typename at<K, tlist<A...>>::type;
  using partial = typename at<K, typename Op::template partials<Self, A...>>::type;
  using product = node<mul_op, Adj, partial>;
  // (Enumerators: a static data member per edge would be a symbol named after its expressions.)
  enum : std::size_t { ro = shape_of_t<operand>::rank, rs = shape_of_t<Self>::rank };
  // A broadcast operand receives the sum over what it was broadcast across.
  enum : bool { row_broadcast = ro == 2 && rs == 2 && shape_of_t<operand>::dims[0] == 1 && shape_of_t<Self>::dims[0] != 1 };
  // Scalars through +, - and negation: Adj·1 and Adj·(-1) simplify to Adj and -Adj, so they are not
  // formed (most edges of a sum-of-products system; a large system saves a simplification each).
  using type = pick_t<ro == 0 && rs == 0 && __is_same(partial, one), Adj,
               pick_t<ro == 0 && rs == 0 && __is_same(partial, constant<-1>), node<neg_op, Adj>,
               pick_t<ro == 0 && rs != 0, node<sum_op, product>,
               pick_t<ro == 1 && rs == 2, node<row_sum_op, product>,
                      pick_t<bool(row_broadcast), node<col_sum_op, product>, product>>>>>;
};
template <class Op, std::size_t K, class Self, class Adj, class... A>
  requires requires { typename Op::template vjp<K, Self, Adj, A...>; }
struct op_vjp_impl<Op, K, Self, Adj, A...> {
  using type = typename Op::template vjp<K, Self, Adj, A...>;
};
template <class Op, std::size_t K, class Self, class Adj, class... A>
using op_vjp = typename op_vjp_impl<Op, K, Self, Adj, A...>::type;

template <class Sum, class X> struct shaped_adjoint {
  using type = std::conditional_t<is_zero<Sum>::value, zero_of<shape_of_t<X>>, Sum>;
  static_assert(__is_same(shape_of_t<type>, shape_of_t<X>),
                "costate::reverse_sweep: an adjoint's shape differs from its node's (internal error)");
};

// Roots and Seeds are tlists. (A primary template, not one specialised on their packs: GCC hashes and
// compares a class's template arguments for every member template it looks up, and the packs of a
// large system are hundreds of types long.)
template <class Roots, class Seeds>
struct reverse_sweep {
  static_assert(Roots::size == Seeds::size, "costate::reverse_sweep: one seed per root");
  using nodes = dag_index<Roots>;
  using roots = Roots;
  using seeds = Seeds;

  template <class X> struct adjoint;

  // The contribution of parent P through its operand K.
  template <class P, std::size_t K> struct term;
  template <class Op, class... A, std::size_t K>
  struct term<node<Op, A...>, K> {
    using type = simplify_t<op_vjp<Op, K, node<Op, A...>, typename adjoint<node<Op, A...>>::type, A...>>;
  };
  // Only X's own parents are visited (expr/dag.hpp finds them by hash; the operand is compared
  // with X, so a hash collision could cost time but not correctness).
  template <class E, class X> struct edge_term;
  template <class Op, class... A, std::size_t K, class X>
  struct edge_term<edge<node<Op, A...>, K>, X> {
    using type = typename pick_t<__is_same(typename at<K, tlist<A...>>::type, X), term<node<Op, A...>, K>,
                                 std::type_identity<zero>>::type;
  };
  template <class Edges, class X> struct sum_edges;
  template <class... E, class X>
  struct sum_edges<tlist<E...>, X> { using type = sum_t<typename edge_term<E, X>::type...>; };

  template <class Nodes, class X> struct all_parents { using type = typename sum_edges<parent_edges_t<Nodes, X>, X>::type; };

  // adj(X) has X's shape: a tensor that receives nothing has a tensor zero as its adjoint, so that
  // the VJP rules of the operations below it see operands of the shapes they were written for.
  template <class X>
  struct adjoint_sum {
    using type = sum_t<typename seed_sum<matching_seeds_t<roots, seeds, X>>::type, typename all_parents<nodes, X>::type>;
  };
  template <class X>
  struct adjoint {
    using type = typename shaped_adjoint<typename adjoint_sum<X>::type, X>::type;
  };

  template <class X> using adjoint_t = typename adjoint<X>::type;
};

// Every node's adjoint, parents first (reverse walk order): each then finds its parents' adjoints
// made, so that the instantiation depth stays small however deep the expressions (a loss summed over
// hundreds of states is a chain as deep as the sum is long).
template <class Sweep, class Seq> struct adjoints_parents_first;
template <class Sweep, std::size_t... G>
struct adjoints_parents_first<Sweep, std::index_sequence<G...>> {
  using type = tlist<typename Sweep::template adjoint<
      typename dag_node_type<typename Sweep::nodes, sizeof...(G) - 1 - G>::type>::type...>;
};

}  // namespace detail

// Σ_i w_i ∂f_i/∂X for each X in Vars, by one reverse sweep: roots and seeds as type lists.
template <class Roots, class Seeds, class X>
using vjp_t = typename detail::reverse_sweep<Roots, Seeds>::template adjoint_t<X>;

}  // namespace costate
