// Size metrics of an expression, to keep expression swell visible (tests and the compile-time
// benchmark print them): node_count counts the tree (shared subtrees counted each time they occur),
// dag_size the distinct inner nodes an evaluation plan computes, depth the longest path to a leaf.
#pragma once

#include <cstddef>

#include "costate/expr/dag.hpp"
#include "costate/expr/node.hpp"

namespace costate {
namespace detail {
template <class E> struct metrics { static constexpr std::size_t count = 1, depth = 1; };
template <class Op, class... A>
struct metrics<node<Op, A...>> {
  static constexpr std::size_t count = 1 + (metrics<A>::count + ...);
  static constexpr std::size_t depths[] = {metrics<A>::depth..., 0};
  static constexpr std::size_t depth = 1 + max_of(depths);
};
}  // namespace detail

template <Expr E> constexpr std::size_t node_count(E) { return detail::metrics<E>::count; }
template <Expr E> constexpr std::size_t depth(E) { return detail::metrics<E>::depth; }
template <Expr... E> constexpr std::size_t dag_size(E...) { return detail::dag_nodes<E...>::size; }

}  // namespace costate
