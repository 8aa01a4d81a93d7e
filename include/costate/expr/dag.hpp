// The expression DAG of one or more roots: its distinct inner nodes in topological order
// (operands before the nodes that use them). Identical subexpressions are one type, so they
// appear once; this is the common-subexpression step, done by type comparison.
#pragma once

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

// Whether symbol S occurs anywhere in E.
template <class S, class E> struct occurs : std::bool_constant<__is_same(S, E)> {};
template <class S, class Op, class... A>
struct occurs<S, node<Op, A...>> : std::bool_constant<__is_same(S, node<Op, A...>) || (occurs<S, A>::value || ...)> {};

// The largest index + 1 of the symbols of kind K in Es (0 if none).
template <symbol_kind K, class E> struct symbol_extent : std::integral_constant<std::size_t, 0> {};
template <symbol_kind K, std::size_t I>
struct symbol_extent<K, symbol<K, I>> : std::integral_constant<std::size_t, I + 1> {};
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
