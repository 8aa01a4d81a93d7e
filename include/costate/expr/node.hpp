// Expression nodes: the vocabulary every other header speaks.
//
// An expression is an empty type. Its value lives outside (in an evaluation context), so two
// occurrences of the same subexpression are the same type and sharing them is a type comparison.
// Three kinds of leaves and one kind of inner node:
//   symbol<kind, i>      a state, parameter, input, adjoint (λ) or the time t
//   constant<num, den>   a compile-time rational (clang 14 has no floating-point template arguments)
//   node<Op, Args...>    an operation applied to subexpressions; Op carries value and derivative rules
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "costate/expr/shape.hpp"

namespace costate {

enum class symbol_kind : int { state = 0, param = 1, input = 2, adjoint = 3, time = 4 };

// I is the offset of the symbol's first value in its array (z, θ, inputs, λ); a tensor symbol covers
// shape::size consecutive values from there, row-major.
template <symbol_kind K, std::size_t I, class Shape = shape<>>
struct symbol {
  static constexpr symbol_kind kind = K;
  static constexpr std::size_t index = I;
  using shape_type = Shape;
};

template <std::intmax_t N, std::intmax_t D = 1>
struct constant {
  static_assert(D > 0, "costate::constant: the denominator must be positive (normalise first)");
  static constexpr std::intmax_t num = N;
  static constexpr std::intmax_t den = D;
  template <class T>
  static constexpr T value() {
    return T(static_cast<double>(N) / static_cast<double>(D));
  }
};

template <std::size_t N> struct node_arity { static constexpr std::size_t arity = N; };

template <class Op, class... Args>
struct node : node_arity<sizeof...(Args)> {
  using op = Op;
  // (In a base named after the count: a static data member of node would be a symbol named after the
  // whole expression, and GCC names and registers every one it instantiates.)
};

namespace detail {
template <class T> struct is_symbol : std::false_type {};
template <symbol_kind K, std::size_t I, class S> struct is_symbol<symbol<K, I, S>> : std::true_type {};
template <class T> struct is_constant : std::false_type {};
template <std::intmax_t N, std::intmax_t D> struct is_constant<constant<N, D>> : std::true_type {};
template <class T> struct is_node : std::false_type {};
template <class Op, class... A> struct is_node<node<Op, A...>> : std::true_type {};

// One piece of the result of an index map (slice, concat, embed, scatter: operations that only move
// values): elements [begin, end) of the result are operand `operand`'s elements from `from` on (a
// scalar operand fills its one element), or zeros where operand < 0. expr/plan.hpp reads such
// operations element by element inside the loops that use them instead of copying them.
struct index_piece {
  std::size_t begin, end;
  int operand;
  std::size_t from;
};

// A small type list; big bookkeeping is done with packs and folds, not with recursive lists.
// (size lives in a base named after the count only: a static data member of a long list would be a
// symbol named after the whole list, and GCC names and registers every one it instantiates.)
template <std::size_t N> struct list_size { static constexpr std::size_t size = N; };
template <class... Ts> struct tlist : list_size<sizeof...(Ts)> {};

template <class T, class... Ts>
inline constexpr bool contains_v = (__is_same(T, Ts) || ...);

template <class T, class List> struct list_contains;
template <class T, class... Ts>
struct list_contains<T, tlist<Ts...>> : std::bool_constant<contains_v<T, Ts...>> {};

template <class T, class... Ts>
constexpr std::size_t index_of_impl() {
  constexpr bool hits[] = {__is_same(T, Ts)..., false};
  for (std::size_t i = 0; i < sizeof...(Ts); ++i)
    if (hits[i]) return i;
  return sizeof...(Ts);
}
template <class T, class List> struct index_of;
template <class T, class... Ts>
struct index_of<T, tlist<Ts...>> : std::integral_constant<std::size_t, index_of_impl<T, Ts...>()> {};

// T if B, else F, without instantiating a class per use (std::conditional_t does: a large system makes
// tens of thousands of them).
template <bool B> struct pick { template <class T, class F> using type = T; };
template <> struct pick<false> { template <class T, class F> using type = F; };
template <bool B, class T, class F> using pick_t = typename pick<B>::template type<T, F>;

// The K-th of a pack in one instantiation for K < 8 (a specialization each), by steps of 8 beyond.
template <std::size_t K, class... Ts> struct nth_type;
template <class T0, class... R> struct nth_type<0, T0, R...> { using type = T0; };
template <class T0, class T1, class... R> struct nth_type<1, T0, T1, R...> { using type = T1; };
template <class T0, class T1, class T2, class... R> struct nth_type<2, T0, T1, T2, R...> { using type = T2; };
template <class T0, class T1, class T2, class T3, class... R> struct nth_type<3, T0, T1, T2, T3, R...> { using type = T3; };
template <class T0, class T1, class T2, class T3, class T4, class... R> struct nth_type<4, T0, T1, T2, T3, T4, R...> { using type = T4; };
template <class T0, class T1, class T2, class T3, class T4, class T5, class... R> struct nth_type<5, T0, T1, T2, T3, T4, T5, R...> { using type = T5; };
template <class T0, class T1, class T2, class T3, class T4, class T5, class T6, class... R> struct nth_type<6, T0, T1, T2, T3, T4, T5, T6, R...> { using type = T6; };
template <class T0, class T1, class T2, class T3, class T4, class T5, class T6, class T7, class... R> struct nth_type<7, T0, T1, T2, T3, T4, T5, T6, T7, R...> { using type = T7; };
template <std::size_t K, class T0, class T1, class T2, class T3, class T4, class T5, class T6, class T7, class... R>
  requires(K >= 8)
struct nth_type<K, T0, T1, T2, T3, T4, T5, T6, T7, R...> : nth_type<K - 8, R...> {};

// I-th element without recursion: overload resolution picks the matching base (GCC 12 has no
// __type_pack_element). Short lists (operands) take nth_type instead.
template <std::size_t I, class T> struct indexed { using type = T; };
template <class Is, class... Ts> struct indexer;
template <std::size_t... Is, class... Ts>
struct indexer<std::index_sequence<Is...>, Ts...> : indexed<Is, Ts>... {};
template <std::size_t I, class T> indexed<I, T> select_indexed(const indexed<I, T>*);
template <std::size_t I, class List> struct at;
template <std::size_t I, class... Ts>
  requires(sizeof...(Ts) <= 8)
struct at<I, tlist<Ts...>> : nth_type<I, Ts...> {};
template <std::size_t I, class... Ts>
struct at<I, tlist<Ts...>> {
  using type = typename decltype(detail::select_indexed<I>(  // qualified: no ADL through every element's type
      static_cast<const indexer<std::index_sequence_for<Ts...>, Ts...>*>(nullptr)))::type;
};

template <class List, class T> struct push_back_chunk;
template <class... Ts, class T> struct push_back_chunk<tlist<Ts...>, T> { using type = tlist<Ts..., T>; };

// I-th element of a long list: at<> walks every element (GCC 12 deduces I from the list's bases one by
// one), so a long list is split 16 elements at a time, each suffix once (memoised), and at<> looks
// only among 16.
template <class L, bool Short = (L::size <= 16)> struct split16 {
  using head = L;
  using tail = tlist<>;
};
template <class T0, class T1, class T2, class T3, class T4, class T5, class T6, class T7, class T8, class T9, class T10, class T11, class T12, class T13, class T14, class T15, class... R>
struct split16<tlist<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15, R...>, false> {
  using head = tlist<T0, T1, T2, T3, T4, T5, T6, T7, T8, T9, T10, T11, T12, T13, T14, T15>;
  using tail = tlist<R...>;
};
// The list as a list of chunks of 16, made once per list: long_at is then two short lookups, one
// instantiation per element asked for (a walk of 16 at a time from the front would be one per 16
// elements passed, quadratic over a list of hundreds of outputs).
template <class L, class Acc = tlist<>, bool Last = (L::size <= 16)> struct chunks16 {
  using type = typename chunks16<typename split16<L>::tail, typename push_back_chunk<Acc, typename split16<L>::head>::type>::type;
};
template <class L, class Acc> struct chunks16<L, Acc, true> { using type = typename push_back_chunk<Acc, L>::type; };
template <std::size_t I, class L> struct long_at {
  using type = typename at<I % 16, typename at<I / 16, typename chunks16<L>::type>::type>::type;
};

template <class List, class T> struct push_back;
template <class... Ts, class T> struct push_back<tlist<Ts...>, T> { using type = tlist<Ts..., T>; };
template <class List, class T> struct push_front;
template <class... Ts, class T> struct push_front<tlist<Ts...>, T> { using type = tlist<T, Ts...>; };
template <class A, class B> struct concat2;
template <class... A, class... B> struct concat2<tlist<A...>, tlist<B...>> { using type = tlist<A..., B...>; };

template <class...> inline constexpr bool dependent_false = false;
}  // namespace detail

namespace detail {
// Whether T (cv- and reference-qualified or not) is an expression: one instantiation per type, checked
// for every operand of every operator and of every sum the library forms.
template <class T> struct is_expr : std::false_type {};
template <symbol_kind K, std::size_t I, class S> struct is_expr<symbol<K, I, S>> : std::true_type {};
template <std::intmax_t N, std::intmax_t D> struct is_expr<constant<N, D>> : std::true_type {};
template <class Op, class... A> struct is_expr<node<Op, A...>> : std::true_type {};
template <class T> struct is_expr<const T> : is_expr<T> {};
template <class T> struct is_expr<T&> : is_expr<T> {};
template <class T> struct is_expr<T&&> : is_expr<T> {};
}  // namespace detail

// Anything that can stand in a formula.
template <class T>
concept Expr = detail::is_expr<T>::value;

template <class T>
concept Constant = detail::is_constant<std::remove_cvref_t<T>>::value;

template <class T>
concept Symbol = detail::is_symbol<std::remove_cvref_t<T>>::value;

using zero = constant<0>;
using one = constant<1>;

}  // namespace costate
