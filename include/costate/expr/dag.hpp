// The expression DAG of one or more roots: its distinct inner nodes in topological order
// (operands before the nodes that use them). Identical subexpressions are one type, so they
// appear once; this is the common-subexpression step, done by type comparison.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "costate/expr/hash.hpp"
#include "costate/expr/node.hpp"

namespace costate::detail {

// The distinct inner nodes of roots Es, in the order of a post-order walk that visits the roots in
// order, operands in order, and skips nodes it has seen: `dag_nodes<Es...>`, a tlist.
//
// Built in time and size linear in the DAG (for bounded sharing depth), without a type-list search
// per node: every node type X records, once, the post-order of its own sub-DAG as constexpr records
// (hash, parent in the walk, operand index) — sub_dag<X>, merged from its operands' records with a
// hash set. The roots' records, merged the same way, give the whole walk (dag_index). A node's type
// is then its walk parent's operand: one memoised instantiation per node (dag_node_type), never an
// "I-th element of a long pack" lookup, which GCC 12 can only do by walking the pack.
inline constexpr std::uint32_t dag_none = 0xffffffffu;
inline constexpr std::uint32_t dag_pending = 0xfffffffeu;  // the node whose sub-DAG is being merged

struct dag_record {
  std::uint64_t hash = 0;
  std::uint32_t parent = dag_none;  // the node through which the walk reached this one (dag_none: a root)
  std::uint32_t operand = 0;        // ... as its operand number `operand`
  std::uint32_t root = 0;           // a root's position among the roots (dag_index only)
};

// Appends complete post-orders of sub-DAGs ("parts"), skipping the records already present.
template <std::size_t Cap>
struct dag_merge {
  static constexpr std::size_t table_size = [] {
    std::size_t t = 8;
    while (t < 2 * Cap + 2) t *= 2;
    return t;
  }();
  std::array<dag_record, Cap + 1> out{};
  std::size_t n = 0;
  std::array<std::uint64_t, table_size> table{};  // open addressing; 0 marks an empty slot
  std::array<std::uint32_t, Cap + 1> map{};

  constexpr bool insert(std::uint64_t h) {
    if (h == 0) h = 1;
    std::size_t i = static_cast<std::size_t>(h) & (table_size - 1);
    while (table[i] != 0) {
      if (table[i] == h) return false;
      i = (i + 1) & (table_size - 1);
    }
    table[i] = h;
    return true;
  }
  // A part's top (its last record) gets `top_parent` and `operand`; every kept record gets `root`.
  // A kept record's walk parent is kept too: what is skipped is a union of whole sub-DAGs.
  constexpr void add(const dag_record* part, std::size_t size, std::uint32_t top_parent, std::uint32_t operand,
                     std::uint32_t root) {
    std::size_t k = n;
    for (std::size_t j = 0; j < size; ++j) map[j] = insert(part[j].hash) ? static_cast<std::uint32_t>(k++) : dag_none;
    for (std::size_t j = 0; j < size; ++j) {
      if (map[j] == dag_none) continue;
      const dag_record& r = part[j];
      out[map[j]] = r.parent == dag_none ? dag_record{r.hash, top_parent, operand, root}
                                         : dag_record{r.hash, map[r.parent], r.operand, root};
    }
    n = k;
  }
};

// The walk of one node's sub-DAG (inner nodes only; leaves have none).
template <class E> struct sub_dag {
  static constexpr std::size_t size = 0;
  static constexpr std::array<dag_record, 1> records{};
};
template <class Op, class... A>
struct sub_dag<node<Op, A...>> {
  static constexpr std::size_t cap = (std::size_t{1} + ... + sub_dag<A>::size);
  static constexpr dag_merge<cap> merged() {
    dag_merge<cap> m{};
    std::uint32_t k = 0;
    ((m.add(sub_dag<A>::records.data(), sub_dag<A>::size, dag_pending, k++, 0)), ...);
    const std::uint32_t self = static_cast<std::uint32_t>(m.n);
    for (std::size_t j = 0; j < m.n; ++j)
      if (m.out[j].parent == dag_pending) m.out[j].parent = self;
    m.insert(type_hash<node<Op, A...>>);
    m.out[m.n++] = dag_record{type_hash<node<Op, A...>>, dag_none, 0, 0};
    return m;
  }
  static constexpr auto all = merged();
  static constexpr std::size_t size = all.n;
  static constexpr auto records = [] {
    std::array<dag_record, size> r{};
    for (std::size_t j = 0; j < size; ++j) r[j] = all.out[j];
    return r;
  }();
};

// The walk over all roots (a tlist), and tables over its nodes.
template <class Roots> struct dag_index;
template <class Idx, std::size_t G> struct dag_node_type;
template <class Idx, class Seq> struct dag_flat;

template <class... F>
struct dag_index<tlist<F...>> {
  using roots = tlist<F...>;
  static constexpr std::size_t cap = (std::size_t{0} + ... + sub_dag<F>::size);
  static constexpr dag_merge<cap> merged() {
    dag_merge<cap> m{};
    std::uint32_t r = 0;
    ((m.add(sub_dag<F>::records.data(), sub_dag<F>::size, dag_none, 0, r++)), ...);
    return m;
  }
  static constexpr auto all = merged();
  static constexpr std::size_t size = all.n;
  static constexpr auto records = [] {
    std::array<dag_record, size + 1> r{};
    for (std::size_t j = 0; j < size; ++j) r[j] = all.out[j];
    return r;
  }();
  // The nodes, in walk order.
  using nodes = typename dag_flat<dag_index, std::make_index_sequence<size>>::type;
};

template <class E> struct operand_list;
template <class Op, class... A> struct operand_list<node<Op, A...>> { using type = tlist<A...>; };

template <class Idx, std::size_t G, bool Root> struct dag_node_type_impl;
template <class Idx, std::size_t G> struct dag_node_type_impl<Idx, G, true> {
  using type = typename at<Idx::records[G].root, typename Idx::roots>::type;
};
template <class Idx, std::size_t G> struct dag_node_type_impl<Idx, G, false> {
  using type = typename at<Idx::records[G].operand,
                           typename operand_list<typename dag_node_type<Idx, Idx::records[G].parent>::type>::type>::type;
};
template <class Idx, std::size_t G>
struct dag_node_type {
  using type = typename dag_node_type_impl<Idx, G, Idx::records[G].parent == dag_none>::type;
  static_assert(type_hash<type> == Idx::records[G].hash, "costate::dag_index: internal error");
};

template <class Idx, std::size_t... G>
struct dag_flat<Idx, std::index_sequence<G...>> {
  // Instantiated from the last node back, so that every node's walk parent (later in the walk) is
  // already known: the recursion stays shallow however deep the expression.
  static constexpr std::size_t warm[] = {sizeof(dag_node_type<Idx, sizeof...(G) - 1 - G>)..., 0};
  template <std::size_t W>
  static tlist<typename dag_node_type<Idx, G>::type...> make();
  using type = decltype(make<sizeof(warm)>());
};

template <class... Es> using dag_index_t = dag_index<tlist<Es...>>;

// Distinct inner nodes of the roots Es, operands first.
template <class... Es> using dag_nodes = typename dag_index<tlist<Es...>>::nodes;

// Tables of a DAG index, built once from its records:
//   node_index<Idx, X>      X's position in the walk (Idx::size if X is no node of it)
//   parent_edges<Idx, X>    the (parent, operand) pairs through which nodes use X, in walk order of
//                           the parents and operand order: the only parents a reverse sweep visits
template <class Idx>
struct dag_tables {
  static constexpr std::size_t size = Idx::size;
  struct keyed {
    std::uint64_t key;
    std::uint32_t pos;
    std::uint32_t operand;
    constexpr bool operator<(const keyed& o) const {
      return key != o.key ? key < o.key : pos != o.pos ? pos < o.pos : operand < o.operand;
    }
  };
  static constexpr auto by_hash = [] {
    std::array<keyed, size + 1> t{};
    for (std::size_t i = 0; i < size; ++i) t[i] = {Idx::records[i].hash, static_cast<std::uint32_t>(i), 0};
    std::sort(t.begin(), t.begin() + size);
    return t;
  }();
  static constexpr std::size_t lower(const keyed* t, std::size_t n, std::uint64_t key) {
    std::size_t lo = 0, hi = n;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (t[mid].key < key) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  static constexpr std::size_t index_of_hash(std::uint64_t key) {
    const std::size_t i = lower(by_hash.data(), size, key);
    return i < size && by_hash[i].key == key ? by_hash[i].pos : size;
  }
};

template <class P> struct operand_hashes;
template <class Op, class... A> struct operand_hashes<node<Op, A...>> {
  static constexpr std::uint64_t value[sizeof...(A) + 1] = {type_hash<A>..., 0};
};
template <class Idx, class Nodes> struct dag_edges;
template <class Idx, class... N>
struct dag_edges<Idx, tlist<N...>> {
  using keyed = typename dag_tables<Idx>::keyed;
  static constexpr std::size_t count = (std::size_t{0} + ... + N::arity);
  static constexpr auto edges = [] {
    std::array<keyed, count + 1> e{};
    constexpr std::size_t arity[] = {N::arity..., 0};
    constexpr const std::uint64_t* child[] = {operand_hashes<N>::value..., nullptr};
    std::size_t j = 0;
    for (std::size_t i = 0; i < sizeof...(N); ++i)
      for (std::size_t k = 0; k < arity[i]; ++k, ++j)
        e[j] = {child[i][k], static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(k)};
    std::sort(e.begin(), e.begin() + count);
    return e;
  }();
  static constexpr std::array<std::size_t, 2> range(std::uint64_t key) {
    const std::size_t b = dag_tables<Idx>::lower(edges.data(), count, key);
    std::size_t e = b;
    while (e < count && edges[e].key == key) ++e;
    return {b, e};
  }
};

// X's position in the walk of Idx, checked to be X (a hash collision is a compile error, not a wrong slot).
template <class Idx, class X>
struct node_index_impl {
  static constexpr std::size_t value = dag_tables<Idx>::index_of_hash(type_hash<X>);
  static_assert(value == Idx::size || __is_same(typename dag_node_type<Idx, value>::type, X),
                "costate: two expression nodes have the same hash (internal error; please report)");
};
template <class Idx, class X> inline constexpr std::size_t node_index = node_index_impl<Idx, X>::value;

// One use of X: operand K of node P.
template <class P, std::size_t K> struct edge {};

template <class Idx, class X>
struct parent_edges {
  using table = dag_edges<Idx, typename Idx::nodes>;
  static constexpr auto range = table::range(type_hash<X>);
  template <std::size_t... M>
  static auto make(std::index_sequence<M...>)
      -> tlist<edge<typename dag_node_type<Idx, table::edges[range[0] + M].pos>::type, table::edges[range[0] + M].operand>...>;
  using type = decltype(make(std::make_index_sequence<range[1] - range[0]>{}));
};
template <class Idx, class X> using parent_edges_t = typename parent_edges<Idx, X>::type;

// The seeds W_i of the roots F_i that are X (the roots may hold a type more than once), as a tlist in
// root order.
template <class Roots> struct root_tables;
template <class... F>
struct root_tables<tlist<F...>> {
  static constexpr std::size_t size = sizeof...(F);
  static constexpr auto by_hash = [] {
    std::array<std::pair<std::uint64_t, std::uint32_t>, size + 1> t{};
    constexpr std::uint64_t h[] = {type_hash<F>..., 0};
    for (std::size_t i = 0; i < size; ++i) t[i] = {h[i], static_cast<std::uint32_t>(i)};
    std::sort(t.begin(), t.begin() + size);
    return t;
  }();
  static constexpr std::array<std::size_t, 2> range(std::uint64_t key) {
    std::size_t lo = 0, hi = size;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (by_hash[mid].first < key) lo = mid + 1; else hi = mid;
    }
    std::size_t e = lo;
    while (e < size && by_hash[e].first == key) ++e;
    return {lo, e};
  }
};
template <class Roots, class Seeds, class X>
struct matching_seeds {
  using tables = root_tables<Roots>;
  static constexpr auto range = tables::range(type_hash<X>);
  template <std::size_t I>
  using seed = std::conditional_t<__is_same(typename at<I, Roots>::type, X), typename at<I, Seeds>::type, zero>;
  template <std::size_t... M>
  static auto make(std::index_sequence<M...>) -> tlist<seed<tables::by_hash[range[0] + M].second>...>;
  using type = decltype(make(std::make_index_sequence<range[1] - range[0]>{}));
};
template <class Roots, class Seeds, class X> using matching_seeds_t = typename matching_seeds<Roots, Seeds, X>::type;

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
