// The expression DAG of one or more roots: its distinct inner nodes in topological order
// (operands before the nodes that use them). Identical subexpressions are one type, so they
// appear once; this is the common-subexpression step, done by type comparison.
#pragma once

#include <array>
#include <utility>

#include "costate/expr/node.hpp"

namespace costate::detail {

// Post-order walk that skips leaves and nodes already in the list.
template <class List, class E> struct collect_one { using type = List; };  // leaves

template <class List, class... Es> struct collect_many { using type = List; };
template <class List, class E, class... Es>
struct collect_many<List, E, Es...> {
  using type = typename collect_many<typename collect_one<List, E>::type, Es...>::type;
};

template <class... Ts, class Op, class... A>
struct collect_one<tlist<Ts...>, node<Op, A...>> {
  using type = typename std::conditional_t<
      contains_v<node<Op, A...>, Ts...>, std::type_identity<tlist<Ts...>>,
      push_back<typename collect_many<tlist<Ts...>, A...>::type, node<Op, A...>>>::type;
};

// Distinct inner nodes of the roots Es, operands first.
template <class... Es> using dag_nodes = typename collect_many<tlist<>, Es...>::type;

// The distinct symbols of kind K among the roots Es and the operands of their DAG's nodes, sorted by
// offset: the variables a VJP is taken with respect to.
template <symbol_kind K> struct leaf_collector {
  template <class L> struct acc {};
  template <class... Ts, class T>
  friend auto operator+(acc<tlist<Ts...>>, std::type_identity<T>)
      -> acc<std::conditional_t<is_symbol<T>::value && !contains_v<T, Ts...>, tlist<Ts..., T>, tlist<Ts...>>>;
  template <class L> struct result;
  template <class L> struct result<acc<L>> { using type = L; };
};
template <symbol_kind K, class T> inline constexpr bool is_leaf_of_kind = false;
template <symbol_kind K, std::size_t I, class S> inline constexpr bool is_leaf_of_kind<K, symbol<K, I, S>> = true;

template <symbol_kind K, class E> struct operands_of_kind { using type = tlist<>; };
template <symbol_kind K, class Op, class... A> struct operands_of_kind<K, node<Op, A...>> {
  using type = tlist<std::conditional_t<is_leaf_of_kind<K, A>, A, void>...>;
};

template <symbol_kind K, class Candidates> struct unique_leaves;
template <symbol_kind K, class... C> struct unique_leaves<K, tlist<C...>> {
  using collector = leaf_collector<K>;
  using type = typename collector::template result<decltype(
      (typename collector::template acc<tlist<>>{} + ... + std::type_identity<std::conditional_t<is_leaf_of_kind<K, C>, C, void>>{}))>::type;
};

template <class List> struct sort_by_index;
template <class... Ts> struct sort_by_index<tlist<Ts...>> {
  static constexpr std::size_t n = sizeof...(Ts);
  static constexpr auto perm = [] {
    std::array<std::size_t, n + 1> idx{Ts::index..., 0}, p{};
    for (std::size_t i = 0; i < n; ++i) p[i] = i;
    for (std::size_t i = 1; i < n; ++i)  // insertion sort: lists are short
      for (std::size_t j = i; j > 0 && idx[p[j]] < idx[p[j - 1]]; --j) std::swap(p[j], p[j - 1]);
    return p;
  }();
  template <std::size_t... I>
  static tlist<typename at<perm[I], tlist<Ts...>>::type...> make(std::index_sequence<I...>);
  using type = decltype(make(std::make_index_sequence<n>{}));
};

template <class... Lists> struct flatten_lists { using type = tlist<>; };
template <class... A> struct flatten_lists<tlist<A...>> { using type = tlist<A...>; };
template <class... A, class... B, class... Rest>
struct flatten_lists<tlist<A...>, tlist<B...>, Rest...> { using type = typename flatten_lists<tlist<A..., B...>, Rest...>::type; };

template <symbol_kind K, class Nodes, class... Es> struct leaves_impl;
template <symbol_kind K, class... N, class... Es>
struct leaves_impl<K, tlist<N...>, Es...> {
  using candidates = typename flatten_lists<tlist<Es...>, typename operands_of_kind<K, N>::type...>::type;
  using type = typename sort_by_index<typename unique_leaves<K, candidates>::type>::type;
};
template <symbol_kind K, class... Es>
using leaves_t = typename leaves_impl<K, dag_nodes<Es...>, Es...>::type;

// Whether symbol S occurs anywhere in E.
template <class S, class E> struct occurs : std::bool_constant<__is_same(S, E)> {};
template <class S, class Op, class... A>
struct occurs<S, node<Op, A...>> : std::bool_constant<__is_same(S, node<Op, A...>) || (occurs<S, A>::value || ...)> {};

// The largest index + 1 of the symbols of kind K in Es (0 if none).
template <symbol_kind K, class E> struct symbol_extent : std::integral_constant<std::size_t, 0> {};
template <symbol_kind K, std::size_t I, class S>
struct symbol_extent<K, symbol<K, I, S>> : std::integral_constant<std::size_t, I + S::size> {};
template <symbol_kind K, class Op, class... A>
struct symbol_extent<K, node<Op, A...>> {
  static constexpr std::size_t value = [] {
    std::size_t m = 0;
    ((m = symbol_extent<K, A>::value > m ? symbol_extent<K, A>::value : m), ...);
    return m;
  }();
};
template <symbol_kind K, class... Es>
inline constexpr std::size_t symbol_extent_v = [] {
  std::size_t m = 0;
  ((m = symbol_extent<K, Es>::value > m ? symbol_extent<K, Es>::value : m), ...);
  return m;
}();

}  // namespace costate::detail
