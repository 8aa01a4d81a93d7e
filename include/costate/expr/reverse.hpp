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

// A + B simplified, zeros skipped: the step of the adjoint sums below. (Class templates, not an operator
// folded in decltype: every operator call looks its operands' types up by ADL, which walks the whole
// expression tree of each — a large system's adjoints are deep.)
template <class A, class B> struct add_terms { using type = simplify_t<node<add_op, A, B>>; };
template <class A> struct add_terms<A, zero> { using type = A; };
template <class B> struct add_terms<zero, B> { using type = B; };
template <> struct add_terms<zero, zero> { using type = zero; };

// The forms of an elementwise operation's contribution (op_vjp_impl below); only the one chosen is
// formed (every type named is a specialization GCC records).
template <int Form, class Adj, class Partial> struct elementwise_vjp;
template <class Adj, class Partial> struct elementwise_vjp<0, Adj, Partial> { using type = Adj; };
template <class Adj, class Partial> struct elementwise_vjp<1, Adj, Partial> { using type = node<neg_op, Adj>; };
template <class Adj, class Partial> struct elementwise_vjp<2, Adj, Partial> { using type = node<sum_op, node<mul_op, Adj, Partial>>; };
template <class Adj, class Partial> struct elementwise_vjp<3, Adj, Partial> { using type = node<row_sum_op, node<mul_op, Adj, Partial>>; };
template <class Adj, class Partial> struct elementwise_vjp<4, Adj, Partial> { using type = node<col_sum_op, node<mul_op, Adj, Partial>>; };
template <class Adj, class Partial> struct elementwise_vjp<5, Adj, Partial> { using type = node<mul_op, Adj, Partial>; };

// λ-weighted derivative of node Self through its operand K, given the node's adjoint Adj.
// Tensor operations state it themselves (`vjp`: Wᵀλ and λzᵀ for W·z); elementwise operations give
// partial derivatives, and the contribution is Adj ⊙ ∂Self/∂a_K — summed over the elements when a
// scalar operand was broadcast against a tensor.
template <class Op, std::size_t K, class Self, class Adj, class... A>
struct op_vjp_impl {
  using operand = typename at<K, tlist<A...>>::type;
  using partial = typename at<K, typename Op::template partials<Self, A...>>::type;
  // (Enumerators: a static data member per edge would be a symbol named after its expressions.)
  enum : std::size_t { ro = shape_of_t<operand>::rank, rs = shape_of_t<Self>::rank };
  // A broadcast operand receives the sum over what it was broadcast across.
  enum : bool { row_broadcast = ro == 2 && rs == 2 && shape_of_t<operand>::dims[0] == 1 && shape_of_t<Self>::dims[0] != 1 };
  // Scalars through +, - and negation: Adj·1 and Adj·(-1) simplify to Adj and -Adj, so they are not
  // formed (most edges of a sum-of-products system; a large system saves a simplification each).
  enum : int {
    form = ro == 0 && rs == 0 && __is_same(partial, one)            ? 0
           : ro == 0 && rs == 0 && __is_same(partial, constant<-1>) ? 1
           : ro == 0 && rs != 0                                      ? 2
           : ro == 1 && rs == 2                                      ? 3
           : row_broadcast                                           ? 4
                                                                     : 5
  };
  using type = typename elementwise_vjp<form, Adj, partial>::type;
};
template <class Op, std::size_t K, class Self, class Adj, class... A>
  requires requires { typename Op::template vjp<K, Self, Adj, A...>; }
struct op_vjp_impl<Op, K, Self, Adj, A...> {
  using type = typename Op::template vjp<K, Self, Adj, A...>;
};
template <class Op, std::size_t K, class Self, class Adj, class... A>
using op_vjp = typename op_vjp_impl<Op, K, Self, Adj, A...>::type;

template <class Sum, class X> struct shaped_adjoint {
  using type = Sum;
  static_assert(__is_same(shape_of_t<Sum>, shape_of_t<X>),
                "costate::reverse_sweep: an adjoint's shape differs from its node's (internal error)");
};
template <class X> struct shaped_adjoint<zero, X> { using type = zero_of<shape_of_t<X>>; };

// The adjoint of X: the seeds of the roots that are X, then the contributions of X's parents, summed
// as
//     adj(X) = (W_r1 + W_r2 + ...) + ((term_1 + term_2) + term_3 + ...)
// (zeros skipped), with the parents' terms in walk order of the parents and operand order. The roots
// and the uses of X are found in the DAG's constexpr tables (expr/dag.hpp) by X's hash and confirmed
// by X's object, and folded one table entry at a time: per node, its adjoint and one fold step per
// use, no list of the uses as types.
template <class Sweep, class X> struct sweep_adjoint;

// The contribution of parent P through its operand K.
template <class Sweep, class P, std::size_t K> struct sweep_term;
template <class Sweep, class Op, class... A, std::size_t K>
struct sweep_term<Sweep, node<Op, A...>, K> {
  using type = simplify_t<op_vjp<Op, K, node<Op, A...>, typename sweep_adjoint<Sweep, node<Op, A...>>::type, A...>>;
};
// Entries [B, B + N) of the DAG's edge table that are uses of X, added to Acc (an entry of X's hash
// whose target is another type contributes nothing), four per step: the instantiation depth is a
// quarter of the uses (a parameter of every equation of a large system has one use per equation).
template <class Sweep, class X, std::size_t B>
using use_term = typename pick_t<dag_edges<typename Sweep::nodes>::edges.k[B].target == &node_info<X>::self,
                                 sweep_term<Sweep, typename dag_node_type<typename Sweep::nodes, dag_edges<typename Sweep::nodes>::edges.k[B].pos>::type,
                                            dag_edges<typename Sweep::nodes>::edges.k[B].operand>,
                                 std::type_identity<zero>>::type;
template <class Sweep, class X, std::size_t B, std::size_t N, class Acc>
struct use_fold
    : use_fold<Sweep, X, B + 4, N - 4,
               typename add_terms<typename add_terms<typename add_terms<typename add_terms<Acc, use_term<Sweep, X, B>>::type,
                                                                        use_term<Sweep, X, B + 1>>::type,
                                                     use_term<Sweep, X, B + 2>>::type,
                                  use_term<Sweep, X, B + 3>>::type> {};
template <class Sweep, class X, std::size_t B, class Acc> struct use_fold<Sweep, X, B, 0, Acc> { using type = Acc; };
template <class Sweep, class X, std::size_t B, class Acc> struct use_fold<Sweep, X, B, 1, Acc> {
  using type = typename add_terms<Acc, use_term<Sweep, X, B>>::type;
};
template <class Sweep, class X, std::size_t B, class Acc> struct use_fold<Sweep, X, B, 2, Acc> {
  using type = typename add_terms<typename add_terms<Acc, use_term<Sweep, X, B>>::type, use_term<Sweep, X, B + 1>>::type;
};
template <class Sweep, class X, std::size_t B, class Acc> struct use_fold<Sweep, X, B, 3, Acc> {
  using type = typename add_terms<typename add_terms<typename add_terms<Acc, use_term<Sweep, X, B>>::type, use_term<Sweep, X, B + 1>>::type,
                                  use_term<Sweep, X, B + 2>>::type;
};
// The same for the roots that are X and their seeds.
template <class Sweep, class X, std::size_t B, std::size_t N, class Acc>
struct seed_fold {
  using roots = dag_roots<typename Sweep::nodes>;
  using seed = pick_t<roots::by_hash.k[B].target == &node_info<X>::self, long_at<roots::by_hash.k[B].pos, typename Sweep::seeds>,
                      std::type_identity<zero>>;
  using type = typename seed_fold<Sweep, X, B + 1, N - 1, typename add_terms<Acc, typename seed::type>::type>::type;
};
template <class Sweep, class X, std::size_t B, class Acc> struct seed_fold<Sweep, X, B, 0, Acc> { using type = Acc; };

template <class Sweep, class X>
struct sweep_adjoint {
  using idx = typename Sweep::nodes;
  using edges = dag_edges<idx>;
  using roots = dag_roots<idx>;
  enum : std::size_t {
    use_begin = lower_key(edges::edges.k, edges::count, type_hash_of<X>::value),
    uses = count_key(edges::edges.k, edges::count, type_hash_of<X>::value),
    root_begin = lower_key(roots::by_hash.k, idx::roots::size, type_hash_of<X>::value),
    root_count = count_key(roots::by_hash.k, idx::roots::size, type_hash_of<X>::value)
  };
  using parents = typename use_fold<Sweep, X, use_begin, uses, zero>::type;
  using seeds = typename pick_t<root_count == 0, std::type_identity<zero>, seed_fold<Sweep, X, root_begin, root_count, zero>>::type;
  // adj(X) has X's shape: a tensor that receives nothing has a tensor zero as its adjoint, so that
  // the VJP rules of the operations below it see operands of the shapes they were written for.
  using type = typename shaped_adjoint<typename add_terms<seeds, parents>::type, X>::type;
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

  template <class X> using adjoint = sweep_adjoint<reverse_sweep, X>;
  template <class X> using adjoint_t = typename sweep_adjoint<reverse_sweep, X>::type;
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
