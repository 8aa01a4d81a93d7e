// Simplification by named rewrite rules, applied bottom-up and to a fixpoint.
//
// Each rule is a class template `rule<E>` whose `type` is the rewritten expression, or E itself
// when the rule does not apply. `simplify_t<E>` simplifies the operands first, then tries the rules
// in the order of `rules` below; when one fires, the result is simplified again. Every rule makes
// the expression smaller or moves it towards the canonical order, so this terminates; a pair of rules
// that undid each other would make a node's simplification depend on itself, a compile error rather
// than a hang.
//
// Every rule keeps the expression's shape: the zero of a tensor shape S is broadcast<S>(0), not the
// scalar 0 (a scalar would change what functions of it compute: sum(exp(v - v)) is 3 for a
// vector<3> v, not 1). rewrite_to_fixpoint checks this for every rewrite.
//
// Derived expressions (derivatives, VJPs, loss gradients) always pass through here; expressions as
// users write them do not, so a system prints as it was written.
#pragma once

#include "costate/expr/constant.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/order.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {

namespace detail {
template <class S> struct zero_of_impl { using type = node<broadcast_op<S>, zero>; };
template <> struct zero_of_impl<shape<>> { using type = zero; };
template <class S> struct one_of_impl { using type = node<broadcast_op<S>, one>; };
template <> struct one_of_impl<shape<>> { using type = one; };

// X as an expression of shape S: X itself, a scalar X broadcast, or Else when neither fits (a
// vector standing for the columns of a matrix: the rule does not apply). Only the alternative chosen
// is formed (every type named is a specialization GCC records, and the rules below ask this of each
// of their alternatives).
template <int Case> struct as_shape_case { template <class S, class X, class Else> using type = X; };
template <> struct as_shape_case<1> { template <class S, class X, class Else> using type = node<broadcast_op<S>, X>; };
template <> struct as_shape_case<2> { template <class S, class X, class Else> using type = Else; };
template <class S, class X, class Else>
using as_shape = typename as_shape_case<__is_same(shape_of_t<X>, S) ? 0 : shape_of_t<X>::rank == 0 ? 1 : 2>::template type<S, X, Else>;
// The operand (or a negation of one) a rule rewrites to, formed only once chosen: Which = 0, 1 the
// first or second operand of a binary node, 2, 3 the negation of the second or first.
template <int Which> struct operand_pick;
template <> struct operand_pick<0> { template <class A, class B> using type = A; };
template <> struct operand_pick<1> { template <class A, class B> using type = B; };
template <> struct operand_pick<2> { template <class A, class B> using type = node<neg_op, B>; };
template <> struct operand_pick<3> { template <class A, class B> using type = node<neg_op, A>; };
}  // namespace detail

// The zero and the one of shape S: a constant for scalars, broadcast<S>(c) for tensors.
template <class S> using zero_of = typename detail::zero_of_impl<S>::type;
template <class S> using one_of = typename detail::one_of_impl<S>::type;

// Whether E is a zero (one) of any shape. (Class templates, not variable templates: GCC 12 rejects
// a partially specialised variable template in a constraint checked inside a pack expansion.)
template <class E> struct is_zero : std::bool_constant<__is_same(E, zero)> {};
template <class S> struct is_zero<node<broadcast_op<S>, zero>> : std::true_type {};
template <class E> struct is_one : std::bool_constant<__is_same(E, one)> {};
template <class S> struct is_one<node<broadcast_op<S>, one>> : std::true_type {};
// (Concepts rather than variable templates: GCC emits a symbol, named after the expression, for every
// variable template specialization, and the rules ask this of every node.)
template <class E> concept is_zero_v = is_zero<E>::value;
template <class E> concept is_one_v = is_one<E>::value;

namespace rules {

using detail::rational;

template <class E> struct constant_value;
template <std::intmax_t N, std::intmax_t D> struct constant_value<constant<N, D>> {
  static constexpr rational value{N, D};
};

// c1 op c2 → c for the operations that are exact on rationals.
template <class E> struct fold_constants { using type = E; };
template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2>
struct fold_constants<node<add_op, constant<N1, D1>, constant<N2, D2>>> {
  static constexpr rational r = detail::add({N1, D1}, {N2, D2});
  using type = constant<r.num, r.den>;
};
template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2>
struct fold_constants<node<sub_op, constant<N1, D1>, constant<N2, D2>>> {
  static constexpr rational r = detail::add({N1, D1}, {-N2, D2});
  using type = constant<r.num, r.den>;
};
template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2>
struct fold_constants<node<mul_op, constant<N1, D1>, constant<N2, D2>>> {
  static constexpr rational r = detail::mul({N1, D1}, {N2, D2});
  using type = constant<r.num, r.den>;
};
template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2>
  requires(N2 != 0)
struct fold_constants<node<div_op, constant<N1, D1>, constant<N2, D2>>> {
  static constexpr rational r = detail::div({N1, D1}, {N2, D2});
  using type = constant<r.num, r.den>;
};
template <std::intmax_t N, std::intmax_t D>
struct fold_constants<node<neg_op, constant<N, D>>> { using type = constant<-N, D>; };
template <int K, std::intmax_t N, std::intmax_t D>
  requires(K >= 0 || N != 0)
struct fold_constants<node<pow_int_op<K>, constant<N, D>>> {
  static constexpr rational value = [] {
    rational r{1, 1};
    for (int k = 0; k < (K < 0 ? -K : K); ++k) r = detail::mul(r, {N, D});
    return K < 0 ? detail::div({1, 1}, r) : r;
  }();
  using type = constant<value.num, value.den>;
};

// 0 + x → x, x + 0 → x
template <class E> struct add_zero { using type = E; };
template <class A, class B>
  requires(is_zero_v<A> || is_zero_v<B>)
struct add_zero<node<add_op, A, B>> {
  using self = node<add_op, A, B>;
  using type = detail::as_shape<shape_of_t<self>, typename detail::operand_pick<is_zero_v<A> ? 1 : 0>::template type<A, B>, self>;
};

// x - 0 → x, 0 - x → -x, x - x → 0
template <class E> struct sub_zero { using type = E; };
template <class A, class B>
  requires(__is_same(A, B) || is_zero_v<A> || is_zero_v<B>)
struct sub_zero<node<sub_op, A, B>> {
  using self = node<sub_op, A, B>;
  using S = shape_of_t<self>;
  template <bool Zero, int Which> struct result { using type = zero_of<S>; };
  template <int Which> struct result<false, Which> {
    using type = detail::as_shape<S, typename detail::operand_pick<Which>::template type<A, B>, self>;
  };
  using type = typename result<__is_same(A, B) || (is_zero_v<A> && is_zero_v<B>), is_zero_v<B> ? 0 : 2>::type;
};

// 0·x → 0, x·0 → 0, 0/x → 0, -0 → 0
template <class E> struct mul_zero { using type = E; };
template <class A, class B>
  requires(is_zero_v<A> || is_zero_v<B>)
struct mul_zero<node<mul_op, A, B>> { using type = zero_of<shape_of_t<node<mul_op, A, B>>>; };
template <class A, class B>
  requires(is_zero_v<A> && !is_zero_v<B>)  // 0/0 stays 0/0: it is NaN, not 0
struct mul_zero<node<div_op, A, B>> { using type = zero_of<shape_of_t<node<div_op, A, B>>>; };
template <class A>
  requires(is_zero_v<A>)
struct mul_zero<node<neg_op, A>> { using type = A; };

// 1·x → x, x·1 → x, x/1 → x, (-1)·x → -x, x·(-1) → -x
template <class E> struct mul_one { using type = E; };
template <class A, class B>
  requires(is_one_v<A> || is_one_v<B> || __is_same(A, constant<-1>) || __is_same(B, constant<-1>))
struct mul_one<node<mul_op, A, B>> {
  using self = node<mul_op, A, B>;
  using S = shape_of_t<self>;
  using type = detail::as_shape<S, typename detail::operand_pick<is_one_v<A> ? 1 : is_one_v<B> ? 0 : __is_same(A, constant<-1>) ? 2 : 3>::template type<A, B>,
                                self>;
};
template <class A, class B>
  requires(is_one_v<B>)
struct mul_one<node<div_op, A, B>> {
  using self = node<div_op, A, B>;
  using type = detail::as_shape<shape_of_t<self>, A, self>;
};

// A multilinear tensor operation with a zero operand is zero: W·0, outer(0, z), sum(0), ...; so is
// the concatenation of two zeros. The zero has the operation's shape.
template <class E> struct tensor_zero { using type = E; };
template <class Op, class... A>
  requires(requires { Op::multilinear; } && (is_zero_v<A> || ...))
struct tensor_zero<node<Op, A...>> { using type = zero_of<shape_of_t<node<Op, A...>>>; };
template <class A, class B>
  requires(is_zero_v<A> && is_zero_v<B>)
struct tensor_zero<node<concat_op, A, B>> { using type = zero_of<shape_of_t<node<concat_op, A, B>>>; };

// x^0 → 1 (of x's shape), x^1 → x
template <class E> struct power_zero_one { using type = E; };
template <class X> struct power_zero_one<node<pow_int_op<0>, X>> { using type = one_of<shape_of_t<X>>; };
template <class X> struct power_zero_one<node<pow_int_op<1>, X>> { using type = X; };

// -(-x) → x
template <class E> struct double_negation { using type = E; };
template <class X> struct double_negation<node<neg_op, node<neg_op, X>>> { using type = X; };

// Move negation outwards so that signs cancel: (-a)·b → -(a·b), a·(-b) → -(a·b), (-a)/b → -(a/b),
// a + (-b) → a - b, (-a) + b → b - a, a - (-b) → a + b, -(a - b) → b - a.
template <class E> struct pull_negation { using type = E; };
template <class A, class B> struct pull_negation<node<mul_op, node<neg_op, A>, B>> { using type = node<neg_op, node<mul_op, A, B>>; };
template <class A, class B> struct pull_negation<node<mul_op, A, node<neg_op, B>>> { using type = node<neg_op, node<mul_op, A, B>>; };
template <class A, class B> struct pull_negation<node<mul_op, node<neg_op, A>, node<neg_op, B>>> { using type = node<mul_op, A, B>; };
template <class A, class B> struct pull_negation<node<div_op, node<neg_op, A>, B>> { using type = node<neg_op, node<div_op, A, B>>; };
template <class A, class B> struct pull_negation<node<add_op, A, node<neg_op, B>>> { using type = node<sub_op, A, B>; };
template <class A, class B> struct pull_negation<node<add_op, node<neg_op, A>, B>> { using type = node<sub_op, B, A>; };
template <class A, class B> struct pull_negation<node<add_op, node<neg_op, A>, node<neg_op, B>>> { using type = node<neg_op, node<add_op, A, B>>; };
template <class A, class B> struct pull_negation<node<sub_op, A, node<neg_op, B>>> { using type = node<add_op, A, B>; };
template <class A, class B> struct pull_negation<node<neg_op, node<sub_op, A, B>>> { using type = node<sub_op, B, A>; };
// Index maps move values only: slice(-a) → -slice(a), embed(-a) → -embed(a), concat(-a, -b) → -concat(a, b),
// ..., so that the negation meets the sum it ends in (the VJP of a - concat(slices) is a sum of embeds of -λ).
template <std::size_t O, std::size_t N, class A>
struct pull_negation<node<slice_op<O, N>, node<neg_op, A>>> { using type = node<neg_op, node<slice_op<O, N>, A>>; };
template <std::size_t O, std::size_t N, class A>
struct pull_negation<node<embed_op<O, N>, node<neg_op, A>>> { using type = node<neg_op, node<embed_op<O, N>, A>>; };
template <std::size_t I, std::size_t N, class A>
struct pull_negation<node<scatter_op<I, N>, node<neg_op, A>>> { using type = node<neg_op, node<scatter_op<I, N>, A>>; };
template <std::size_t I, class A>
struct pull_negation<node<component_op<I>, node<neg_op, A>>> { using type = node<neg_op, node<component_op<I>, A>>; };
template <class A, class B>
struct pull_negation<node<concat_op, node<neg_op, A>, node<neg_op, B>>> { using type = node<neg_op, node<concat_op, A, B>>; };

// x + x → 2·x
template <class E> struct add_same { using type = E; };
template <class X> struct add_same<node<add_op, X, X>> { using type = node<mul_op, constant<2>, X>; };

// c1·(c2·x) → (c1 c2)·x: keeps one constant factor in front.
template <class E> struct merge_constant_factors { using type = E; };
template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2, class X>
struct merge_constant_factors<node<mul_op, constant<N1, D1>, node<mul_op, constant<N2, D2>, X>>> {
  static constexpr rational r = detail::mul({N1, D1}, {N2, D2});
  using type = node<mul_op, constant<r.num, r.den>, X>;
};

// Canonical operand order for commutative operations: constants first, then symbols, then nodes.
template <class E> struct canonical_order { using type = E; };
template <class Op, class A, class B>
  requires(Op::commutative && detail::ordered_before<B, A>)
struct canonical_order<node<Op, A, B>> { using type = node<Op, B, A>; };

}  // namespace rules

namespace detail {

template <template <class> class... Rules> struct rule_list {};

// Order matters only for speed (cheap, shrinking rules first); the fixpoint is the same.
using rules_in_order =
    rule_list<rules::fold_constants, rules::mul_zero, rules::tensor_zero, rules::add_zero, rules::sub_zero, rules::mul_one,
              rules::power_zero_one, rules::double_negation, rules::pull_negation, rules::add_same,
              rules::merge_constant_factors, rules::canonical_order>;

// The rules that have a pattern for an operation, in the order of rules_in_order (so the first rule
// that changes E is the same): the scalar arithmetic of a large system is not offered the rules of
// other operations.
template <class Op> struct rules_for { using type = rules_in_order; };
template <> struct rules_for<add_op> {
  using type = rule_list<rules::fold_constants, rules::add_zero, rules::pull_negation, rules::add_same, rules::canonical_order>;
};
template <> struct rules_for<sub_op> { using type = rule_list<rules::fold_constants, rules::sub_zero, rules::pull_negation>; };
template <> struct rules_for<mul_op> {
  using type = rule_list<rules::fold_constants, rules::mul_zero, rules::mul_one, rules::pull_negation,
                         rules::merge_constant_factors, rules::canonical_order>;
};
template <> struct rules_for<div_op> {
  using type = rule_list<rules::fold_constants, rules::mul_zero, rules::mul_one, rules::pull_negation>;
};
template <> struct rules_for<neg_op> {
  using type = rule_list<rules::fold_constants, rules::mul_zero, rules::double_negation, rules::pull_negation>;
};
// The scalar arithmetic of a large system (+, -, ·, /, negation) is offered only the rules whose
// pattern its operands could match, decided from a few facts about each operand: a node that none
// could change is not rewritten at all (may_rewrite below), and one that one rule changes instantiates
// that rule only. The facts and the rules they admit (a superset of the rules that change the node):
//   fold_constants   both operands constants          (negation: its operand)
//   mul_zero         · a zero operand; / a zero numerator; negation of a zero
//   add_zero         + a zero operand
//   sub_zero         - equal operands or a zero operand
//   mul_one          · a one or -1 operand; / a one denominator
//   double_negation  negation of a negation
//   pull_negation    · or + a negated operand; / a negated numerator; - a negated subtrahend;
//                    negation of a difference
//   add_same         + equal operands
//   merge_constant_factors  · a constant times a product with a constant first
//   canonical_order  + or · operands out of canonical order
// (tests/expr/test_simplify.cpp checks that these pick what the whole rule list picks.)
template <template <class> class R> struct rule_bit;
template <> struct rule_bit<rules::fold_constants> : std::integral_constant<unsigned, 1u << 0> {};
template <> struct rule_bit<rules::mul_zero> : std::integral_constant<unsigned, 1u << 1> {};
template <> struct rule_bit<rules::tensor_zero> : std::integral_constant<unsigned, 1u << 2> {};
template <> struct rule_bit<rules::add_zero> : std::integral_constant<unsigned, 1u << 3> {};
template <> struct rule_bit<rules::sub_zero> : std::integral_constant<unsigned, 1u << 4> {};
template <> struct rule_bit<rules::mul_one> : std::integral_constant<unsigned, 1u << 5> {};
template <> struct rule_bit<rules::power_zero_one> : std::integral_constant<unsigned, 1u << 6> {};
template <> struct rule_bit<rules::double_negation> : std::integral_constant<unsigned, 1u << 7> {};
template <> struct rule_bit<rules::pull_negation> : std::integral_constant<unsigned, 1u << 8> {};
template <> struct rule_bit<rules::add_same> : std::integral_constant<unsigned, 1u << 9> {};
template <> struct rule_bit<rules::merge_constant_factors> : std::integral_constant<unsigned, 1u << 10> {};
template <> struct rule_bit<rules::canonical_order> : std::integral_constant<unsigned, 1u << 11> {};

// The rules of List whose bit is in Mask, in List's order (one instantiation per list and mask: a
// large system's arithmetic has a handful of masks).
template <unsigned Mask, class List, class Kept = rule_list<>> struct masked_rules { using type = Kept; };
template <unsigned Mask, template <class> class R0, template <class> class... R, template <class> class... K>
struct masked_rules<Mask, rule_list<R0, R...>, rule_list<K...>>
    : masked_rules<Mask, rule_list<R...>, pick_t<(Mask & rule_bit<R0>::value) != 0, rule_list<K..., R0>, rule_list<K...>>> {};

// The facts about an operand, as bits (one instantiation per operand type).
// (Variables, not enumerators: an enumerator in an expression is looked up for an overloaded operator.)
inline constexpr unsigned fact_constant = 1, fact_zero = 2, fact_one = 4, fact_minus_one = 8, fact_negation = 16,
                          fact_difference = 32, fact_constant_product = 64;
template <class X> struct arith_facts : std::integral_constant<unsigned, 0> {};
template <std::intmax_t N, std::intmax_t D>
struct arith_facts<constant<N, D>>
    : std::integral_constant<unsigned, fact_constant | (N == 0 ? fact_zero : 0u) | (N == D ? fact_one : 0u) |
                                           (N == -D ? fact_minus_one : 0u)> {};
template <class S> struct arith_facts<node<broadcast_op<S>, zero>> : std::integral_constant<unsigned, fact_zero> {};
template <class S> struct arith_facts<node<broadcast_op<S>, one>> : std::integral_constant<unsigned, fact_one> {};
template <class X> struct arith_facts<node<neg_op, X>> : std::integral_constant<unsigned, fact_negation> {};
template <class A, class B> struct arith_facts<node<sub_op, A, B>> : std::integral_constant<unsigned, fact_difference> {};
template <std::intmax_t N, std::intmax_t D, class X>
struct arith_facts<node<mul_op, constant<N, D>, X>> : std::integral_constant<unsigned, fact_constant_product> {};

// The rules admitted for operation Op given the facts about its operands, whether they are equal and
// whether they are out of canonical order (one instantiation per combination, a handful in all: the
// per-node work is forming this type).
template <class Op, unsigned FA, unsigned FB, bool Same, bool OutOfOrder> struct arith_table {
  static constexpr unsigned mask = 0;
  using type = rule_list<>;
};
template <unsigned FA, unsigned FB, bool Same, bool OutOfOrder> struct arith_table<add_op, FA, FB, Same, OutOfOrder> {
  static constexpr unsigned mask = ((FA & FB & fact_constant) != 0 ? rule_bit<rules::fold_constants>::value : 0u) |
                                   (((FA | FB) & fact_zero) != 0 ? rule_bit<rules::add_zero>::value : 0u) |
                                   (((FA | FB) & fact_negation) != 0 ? rule_bit<rules::pull_negation>::value : 0u) |
                                   (Same ? rule_bit<rules::add_same>::value : 0u) |
                                   (OutOfOrder ? rule_bit<rules::canonical_order>::value : 0u);
  using type = typename masked_rules<mask, rules_for<add_op>::type>::type;
};
template <unsigned FA, unsigned FB, bool Same, bool OutOfOrder> struct arith_table<sub_op, FA, FB, Same, OutOfOrder> {
  static constexpr unsigned mask = ((FA & FB & fact_constant) != 0 ? rule_bit<rules::fold_constants>::value : 0u) |
                                   (Same || ((FA | FB) & fact_zero) != 0 ? rule_bit<rules::sub_zero>::value : 0u) |
                                   ((FB & fact_negation) != 0 ? rule_bit<rules::pull_negation>::value : 0u);
  using type = typename masked_rules<mask, rules_for<sub_op>::type>::type;
};
template <unsigned FA, unsigned FB, bool Same, bool OutOfOrder> struct arith_table<mul_op, FA, FB, Same, OutOfOrder> {
  static constexpr unsigned mask = ((FA & FB & fact_constant) != 0 ? rule_bit<rules::fold_constants>::value : 0u) |
                                   (((FA | FB) & fact_zero) != 0 ? rule_bit<rules::mul_zero>::value : 0u) |
                                   (((FA | FB) & (fact_one | fact_minus_one)) != 0 ? rule_bit<rules::mul_one>::value : 0u) |
                                   (((FA | FB) & fact_negation) != 0 ? rule_bit<rules::pull_negation>::value : 0u) |
                                   ((FA & fact_constant) != 0 && (FB & fact_constant_product) != 0
                                        ? rule_bit<rules::merge_constant_factors>::value
                                        : 0u) |
                                   (OutOfOrder ? rule_bit<rules::canonical_order>::value : 0u);
  using type = typename masked_rules<mask, rules_for<mul_op>::type>::type;
};
template <unsigned FA, unsigned FB, bool Same, bool OutOfOrder> struct arith_table<div_op, FA, FB, Same, OutOfOrder> {
  static constexpr unsigned mask = ((FA & FB & fact_constant) != 0 ? rule_bit<rules::fold_constants>::value : 0u) |
                                   ((FA & fact_zero) != 0 ? rule_bit<rules::mul_zero>::value : 0u) |
                                   ((FB & fact_one) != 0 ? rule_bit<rules::mul_one>::value : 0u) |
                                   ((FA & fact_negation) != 0 ? rule_bit<rules::pull_negation>::value : 0u);
  using type = typename masked_rules<mask, rules_for<div_op>::type>::type;
};
template <unsigned FA, unsigned FB, bool Same, bool OutOfOrder> struct arith_table<neg_op, FA, FB, Same, OutOfOrder> {
  static constexpr unsigned mask = ((FA & fact_constant) != 0 ? rule_bit<rules::fold_constants>::value : 0u) |
                                   ((FA & fact_zero) != 0 ? rule_bit<rules::mul_zero>::value : 0u) |
                                   ((FA & fact_negation) != 0 ? rule_bit<rules::double_negation>::value : 0u) |
                                   ((FA & fact_difference) != 0 ? rule_bit<rules::pull_negation>::value : 0u);
  using type = typename masked_rules<mask, rules_for<neg_op>::type>::type;
};
// A node's table: + and · compare their operands (canonical order), - and / do not.
template <class E> struct arith_table_of;
template <class A, class B> struct arith_table_of<node<add_op, A, B>> {
  using type = arith_table<add_op, arith_facts<A>::value, arith_facts<B>::value, __is_same(A, B), (compare<B, A>::value < 0)>;
};
template <class A, class B> struct arith_table_of<node<mul_op, A, B>> {
  using type = arith_table<mul_op, arith_facts<A>::value, arith_facts<B>::value, __is_same(A, B), (compare<B, A>::value < 0)>;
};
template <class A, class B> struct arith_table_of<node<sub_op, A, B>> {
  using type = arith_table<sub_op, arith_facts<A>::value, arith_facts<B>::value, __is_same(A, B), false>;
};
template <class A, class B> struct arith_table_of<node<div_op, A, B>> {
  using type = arith_table<div_op, arith_facts<A>::value, arith_facts<B>::value, false, false>;
};
template <class A> struct arith_table_of<node<neg_op, A>> { using type = arith_table<neg_op, arith_facts<A>::value, 0, false, false>; };

template <class E> struct rules_of;
template <class Op, class... A> struct rules_of<node<Op, A...>> : rules_for<Op> {};
template <class A, class B> struct rules_of<node<add_op, A, B>> : arith_table_of<node<add_op, A, B>>::type {};
template <class A, class B> struct rules_of<node<sub_op, A, B>> : arith_table_of<node<sub_op, A, B>>::type {};
template <class A, class B> struct rules_of<node<mul_op, A, B>> : arith_table_of<node<mul_op, A, B>>::type {};
template <class A, class B> struct rules_of<node<div_op, A, B>> : arith_table_of<node<div_op, A, B>>::type {};
template <class A> struct rules_of<node<neg_op, A>> : arith_table_of<node<neg_op, A>>::type {};

// The result of the first rule that changes E, or E. Every rule is tried on E; the first that
// changes it is picked by position (one instantiation per E, not one per rule tried: a large system
// simplifies thousands of nodes).
template <std::size_t N>
constexpr std::size_t first_true(const bool (&b)[N]) {
  for (std::size_t i = 0; i < N; ++i)
    if (b[i]) return i;
  return N;
}
template <class E, class Rules> struct apply_first_rule;
template <class E, template <class> class... R>
struct apply_first_rule<E, rule_list<R...>> {
  using type = typename pick_t<first_true({!__is_same(typename R<E>::type, E)..., true}) == sizeof...(R), std::type_identity<E>,
                              nth_type<first_true({!__is_same(typename R<E>::type, E)..., true}), typename R<E>::type..., E>>::type;
};
// One rule (the usual case of arithmetic, see arith_table): its result, E when it does not apply.
template <class E, template <class> class R> struct apply_first_rule<E, rule_list<R>> { using type = typename R<E>::type; };

// Whether any rule could apply to E, decided from what the rules look at: a constant, a negation or a
// broadcast (the zeros and ones of tensors) among the operands, two equal operands, a negation or an
// integer power at the top, or commutative operands out of canonical order. Most nodes of a large
// system have none of these, and the rules are then not instantiated for them at all. (A rule that
// fires on anything else must be added here; tests/expr/test_simplify.cpp fires every rule.)
template <class E> struct triggers_rules : std::false_type {};
template <std::intmax_t N, std::intmax_t D> struct triggers_rules<constant<N, D>> : std::true_type {};
template <class X> struct triggers_rules<node<neg_op, X>> : std::true_type {};
template <class S, class X> struct triggers_rules<node<broadcast_op<S>, X>> : std::true_type {};
template <class Op> struct op_triggers_rules : std::false_type {};
template <> struct op_triggers_rules<neg_op> : std::true_type {};
template <int K> struct op_triggers_rules<pow_int_op<K>> : std::true_type {};
template <class Op, class A, class B, bool Commutative = Op::commutative> struct out_of_order : std::false_type {};
template <class Op, class A, class B> struct out_of_order<Op, A, B, true> : std::bool_constant<ordered_before<B, A>> {};
template <class E> struct may_rewrite : std::true_type {};
template <class Op, class A>
struct may_rewrite<node<Op, A>> : std::bool_constant<op_triggers_rules<Op>::value || triggers_rules<A>::value> {};
template <class Op, class A, class B>
struct may_rewrite<node<Op, A, B>>
    : std::bool_constant<op_triggers_rules<Op>::value || triggers_rules<A>::value || triggers_rules<B>::value ||
                         __is_same(A, B) || out_of_order<Op, A, B>::value> {};
// Arithmetic: whether any rule is admitted (see arith_table).
template <class A, class B> struct may_rewrite<node<add_op, A, B>> : std::bool_constant<arith_table_of<node<add_op, A, B>>::type::mask != 0> {};
template <class A, class B> struct may_rewrite<node<sub_op, A, B>> : std::bool_constant<arith_table_of<node<sub_op, A, B>>::type::mask != 0> {};
template <class A, class B> struct may_rewrite<node<mul_op, A, B>> : std::bool_constant<arith_table_of<node<mul_op, A, B>>::type::mask != 0> {};
template <class A, class B> struct may_rewrite<node<div_op, A, B>> : std::bool_constant<arith_table_of<node<div_op, A, B>>::type::mask != 0> {};
template <class A> struct may_rewrite<node<neg_op, A>> : std::bool_constant<arith_table_of<node<neg_op, A>>::type::mask != 0> {};

template <class E> struct simplify_impl { using type = E; };  // leaves

template <class E, bool Try = may_rewrite<E>::value> struct rewrite_to_fixpoint;

template <class Op, class... A>
struct simplify_impl<node<Op, A...>> {
  using type = typename rewrite_to_fixpoint<node<Op, typename simplify_impl<A>::type...>>::type;
};

// E rewritten to R: R simplified, or E if no rule changed it.
template <class E, class R> struct rewrite_step { using type = typename simplify_impl<R>::type; };
template <class E> struct rewrite_step<E, E> { using type = E; };

// (Memoised by E alone: a node is rewritten once however often and however deep it is asked for. Two
// rules that undid each other would make a node's simplification need itself, a compile error, not a
// hang.)
template <class E, bool Try>
struct rewrite_to_fixpoint {
  using rewritten = typename apply_first_rule<E, typename rules_of<E>::type>::type;
  static_assert(__is_same(shape_of_t<rewritten>, shape_of_t<E>),
                "costate::simplify: a rewrite rule changed the shape of an expression (internal error)");
  using type = typename rewrite_step<E, rewritten>::type;
};
template <class E> struct rewrite_to_fixpoint<E, false> { using type = E; };

}  // namespace detail

// The simplified form of E: a fixpoint of the rules (simplify_t<simplify_t<E>> is simplify_t<E>).
template <class E> using simplify_t = typename detail::simplify_impl<E>::type;

template <Expr E> constexpr simplify_t<E> simplify(E) { return {}; }

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::simplify;
}  // namespace prelude
}  // namespace costate
