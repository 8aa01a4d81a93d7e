// The expression DAG of one or more roots: its distinct inner nodes in topological order
// (operands before the nodes that use them). Identical subexpressions are one type, so they
// appear once; this is the common-subexpression step, done by type comparison.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "costate/expr/hash.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate::detail {

// The distinct inner nodes of roots Es, in the order of a post-order walk that visits the roots in
// order, operands in order, and skips nodes it has seen: `dag_nodes<Es...>`, a tlist.
//
// Built in time and size linear in the DAG, without a type-list search per node: every expression
// type has one constexpr object (node_info) holding its structural hash and pointers to its operands'
// objects, and a constexpr depth-first search over these objects (dag_dfs) computes the walk as records
// (hash, parent in the walk, operand index) — dag_index. A node's type is then its walk parent's
// operand: one memoised instantiation per node (dag_node_type), never an "I-th element of a long
// pack" lookup, which GCC 12 can only do by walking the pack.
//
// Symbol names matter as much as instantiation counts: GCC registers and mangles every function and
// every static data member it instantiates, constexpr ones included, named after their template
// arguments. A name holding a DAG's node list is as long as the DAG (and the mangler's substitution
// search makes it quadratic to produce), so nothing is instantiated per node inside a class named
// after a DAG except types: per-node values are integral_constant types, per-DAG data are a few
// arrays, and the constexpr work is done by functions templated on sizes only.
inline constexpr std::uint32_t dag_none = 0xffffffffu;

struct dag_node_info;
struct dag_record {
  std::uint64_t hash = 0;
  std::uint32_t parent = dag_none;  // the node through which the walk reached this one (dag_none: a root)
  std::uint32_t operand = 0;        // ... as its operand number `operand`
  std::uint32_t root = 0;           // a root's position among the roots (dag_index only)
  const dag_node_info* info = nullptr;  // the node's object
};

template <std::size_t N>
constexpr std::size_t sum_of(const std::size_t (&v)[N]) {
  std::size_t s = 0;
  for (std::size_t x : v) s += x;
  return s;
}
template <std::size_t N>
constexpr std::size_t max_of(const std::size_t (&v)[N]) {
  std::size_t m = 0;
  for (std::size_t x : v) m = x > m ? x : m;
  return m;
}
constexpr std::size_t pow2_at_least(std::size_t m) {
  std::size_t t = 8;
  while (t < m) t *= 2;
  return t;
}

// Every expression type's facts as one constexpr object linked to its operands' objects: the walk is
// a constexpr depth-first search over these, visiting each distinct node once — O(nodes + edges), and
// one small object per node type. (Leaves have an object too, marked as such, with what a table of the
// DAG needs to know of a leaf: a symbol's kind and index, a constant's value.) The walk keeps each
// node's object, so that the tables of a DAG (its edges, its leaves, a scalar program) are computed
// from the walk by constexpr functions, with no per-node pack expansion; and since there is one object
// per type, two objects are the same type exactly when they are the same object.
inline constexpr std::size_t dag_max_arity = 4;
struct dag_node_info {
  std::uint64_t hash = 0;
  bool leaf = true;
  std::uint32_t arity = 0;
  const dag_node_info* operand[dag_max_arity] = {};
  int kind = -1;  // a symbol's symbol_kind, -1 otherwise
  bool constant = false;
  bool scalar = false;  // a scalar leaf, or an elementwise operation of scalars (a node of a scalar program)
  std::size_t index = 0;  // a symbol's index
  std::intmax_t num = 0, den = 1;  // a constant's value
};
template <class E> struct node_info {
  static constexpr dag_node_info self{type_hash_of<E>::value, true, 0, {}};
};
template <symbol_kind K, std::size_t I, class S> struct node_info<symbol<K, I, S>> {
  static constexpr dag_node_info self{type_hash_of<symbol<K, I, S>>::value, true, 0, {}, static_cast<int>(K), false, S::rank == 0, I};
};
template <std::intmax_t N, std::intmax_t D> struct node_info<constant<N, D>> {
  static constexpr dag_node_info self{type_hash_of<constant<N, D>>::value, true, 0, {}, -1, true, true, 0, N, D};
};
template <class Op, class... A> struct node_info<node<Op, A...>> {
  static_assert(sizeof...(A) <= dag_max_arity, "costate::dag: an operation with more operands than dag_max_arity");
  static constexpr dag_node_info self{type_hash_of<node<Op, A...>>::value, false, sizeof...(A), {&node_info<A>::self...}, -1, false,
                                      !requires { Op::tensor; } && ((shape_of_t<A>::rank == 0) && ...)};
};

// The constexpr code below is written for GCC's constant evaluator, whose cost is per evaluated call
// and per element copied: raw arrays from new[] rather than std::vector (every operator[], size(),
// push_back is a call), no std::sort (a sort here is a few hundred thousand calls). The walk of a
// DAG of n nodes is then a few evaluated operations per node and edge.

// A set of 64-bit hashes: open addressing in a growing array (0 marks an empty slot).
struct hash_set {
  std::uint64_t* slots = nullptr;
  std::size_t size = 0, used = 0;
  constexpr hash_set() : slots(new std::uint64_t[64]()), size(64) {}
  hash_set(const hash_set&) = delete;
  hash_set& operator=(const hash_set&) = delete;
  constexpr ~hash_set() { delete[] slots; }
  constexpr bool insert(std::uint64_t h) {  // true if h was not in the set
    if (h == 0) h = 1;
    if (2 * (used + 1) > size) {
      std::uint64_t* old = slots;
      const std::size_t old_size = size;
      size *= 2;
      slots = new std::uint64_t[size]();
      for (std::size_t k = 0; k < old_size; ++k)
        if (old[k] != 0) {
          std::size_t i = static_cast<std::size_t>(old[k]) & (size - 1);
          while (slots[i] != 0) i = (i + 1) & (size - 1);
          slots[i] = old[k];
        }
      delete[] old;
    }
    std::size_t i = static_cast<std::size_t>(h) & (size - 1);
    while (slots[i] != 0) {
      if (slots[i] == h) return false;
      i = (i + 1) & (size - 1);
    }
    slots[i] = h;
    ++used;
    return true;
  }
};

// The walk: post-order, roots in order, operands in order, each node at its first visit. Records go
// to `out` (out.add(record) returns its position; out.set_parent(i, p) links a record to its parent).
struct dag_frame {
  const dag_node_info* node = nullptr;
  std::uint32_t next = 0, operand = 0, nkids = 0;
  std::uint32_t kids[dag_max_arity] = {};
};
template <class Out>
constexpr void dag_dfs(const dag_node_info* const* roots, std::size_t count, Out& out) {
  hash_set seen;
  std::size_t capacity = 64, top = 0;  // the stack: frames [0, top)
  dag_frame* stack = new dag_frame[capacity];
  const auto push = [&](const dag_node_info* node, std::uint32_t operand) {
    if (top == capacity) {
      dag_frame* old = stack;
      stack = new dag_frame[2 * capacity];
      for (std::size_t k = 0; k < capacity; ++k) stack[k] = old[k];
      capacity *= 2;
      delete[] old;
    }
    stack[top].node = node;
    stack[top].next = 0;
    stack[top].operand = operand;
    stack[top].nkids = 0;
    ++top;
  };
  for (std::size_t r = 0; r < count; ++r) {
    if (roots[r]->leaf || !seen.insert(roots[r]->hash)) continue;
    push(roots[r], static_cast<std::uint32_t>(r));
    while (top != 0) {
      dag_frame& f = stack[top - 1];
      if (f.next < f.node->arity) {
        const std::uint32_t k = f.next++;
        const dag_node_info* c = f.node->operand[k];
        if (!c->leaf && seen.insert(c->hash)) push(c, k);
        continue;
      }
      const std::uint32_t pos = out.add(dag_record{f.node->hash, dag_none, f.operand, static_cast<std::uint32_t>(r), f.node});
      for (std::uint32_t j = 0; j < f.nkids; ++j) out.set_parent(f.kids[j], pos);
      --top;
      if (top != 0) {
        dag_frame& p = stack[top - 1];
        p.kids[p.nkids++] = pos;
      }
    }
  }
  delete[] stack;
}
struct dag_counter {
  std::uint32_t n = 0;
  constexpr std::uint32_t add(const dag_record&) { return n++; }
  constexpr void set_parent(std::uint32_t, std::uint32_t) {}
};
template <std::size_t N>
struct dag_walk {
  dag_record out[N + 1] = {};
  std::uint32_t n = 0;
  constexpr std::uint32_t add(const dag_record& r) {
    out[n] = r;
    return n++;
  }
  constexpr void set_parent(std::uint32_t i, std::uint32_t p) { out[i].parent = p; }
};
template <std::size_t K>
constexpr std::size_t count_walk(const dag_node_info* const (&roots)[K]) {
  dag_counter c;
  dag_dfs(roots, K - 1, c);  // the last entry is a sentinel
  return c.n;
}
template <std::size_t N, std::size_t K>
constexpr dag_walk<N> make_walk(const dag_node_info* const (&roots)[K]) {
  dag_walk<N> w;
  dag_dfs(roots, K - 1, w);
  return w;
}

// The walk over all roots (a tlist): `walk.out[g]` for the g-th node, and the node list.
template <class Roots> struct dag_index;
template <class Idx, std::size_t G> struct dag_node_type;
template <class Idx, class Seq> struct dag_flat;

template <class... F>
struct dag_index<tlist<F...>> {
  using roots = tlist<F...>;
  static constexpr const dag_node_info* root_info[] = {&node_info<F>::self..., nullptr};
  static constexpr dag_walk<count_walk(root_info)> walk = make_walk<count_walk(root_info)>(root_info);
  static constexpr std::size_t size = walk.n;
  // The nodes, in walk order.
  using nodes = typename dag_flat<dag_index, std::make_index_sequence<size>>::type;
};

template <class E> struct operand_list;
template <class Op, class... A> struct operand_list<node<Op, A...>> { using type = tlist<A...>; };

template <class Idx, std::size_t G, bool Root> struct dag_node_type_impl;
template <class Idx, std::size_t G> struct dag_node_type_impl<Idx, G, true> {
  using type = typename long_at<Idx::walk.out[G].root, typename Idx::roots>::type;
};
template <class Idx, std::size_t G> struct dag_node_type_impl<Idx, G, false> {
  using type = typename at<Idx::walk.out[G].operand,
                           typename operand_list<typename dag_node_type<Idx, Idx::walk.out[G].parent>::type>::type>::type;
};
template <class Idx, std::size_t G>
struct dag_node_type {
  using type = typename dag_node_type_impl<Idx, G, Idx::walk.out[G].parent == dag_none>::type;
  static_assert(type_hash_of<type>::value == Idx::walk.out[G].hash, "costate::dag_index: internal error");
};

template <class Idx, std::size_t... G>
struct dag_flat<Idx, std::index_sequence<G...>> {
  // Instantiated from the last node back, so that every node's walk parent (later in the walk) is
  // already known: the recursion stays shallow however deep the expression.
  using warm = tlist<typename dag_node_type<Idx, sizeof...(G) - 1 - G>::type...>;
  template <class W>
  static tlist<typename dag_node_type<Idx, G>::type...> make();
  using type = decltype(make<warm>());
};

template <class... Es> using dag_index_t = dag_index<tlist<Es...>>;

// Distinct inner nodes of the roots Es, operands first.
template <class... Es> using dag_nodes = typename dag_index<tlist<Es...>>::nodes;

// Sorted (key, position, operand) entries, searched by key.
struct dag_key {
  std::uint64_t key = 0;
  std::uint32_t pos = 0;
  std::uint32_t operand = 0;
  const dag_node_info* target = nullptr;  // edges and roots: the operand's (the root's) object
  constexpr bool operator<(const dag_key& o) const {
    return key != o.key ? key < o.key : pos != o.pos ? pos < o.pos : operand < o.operand;
  }
};
// Sorts t[0, n) by (key, pos, operand): a bottom-up merge sort on raw arrays (see the note above
// hash_set on constexpr code).
constexpr void sort_keys(dag_key* t, std::size_t n) {
  if (n < 2) return;
  dag_key* buf = new dag_key[n];
  dag_key* a = t;
  dag_key* b = buf;
  for (std::size_t width = 1; width < n; width *= 2) {
    for (std::size_t lo = 0; lo < n; lo += 2 * width) {
      const std::size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      std::size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) {
        const bool right = a[j].key != a[i].key ? a[j].key < a[i].key
                           : a[j].pos != a[i].pos ? a[j].pos < a[i].pos
                                                  : a[j].operand < a[i].operand;
        b[k++] = right ? a[j++] : a[i++];
      }
      while (i < mid) b[k++] = a[i++];
      while (j < hi) b[k++] = a[j++];
    }
    dag_key* swap = a;
    a = b;
    b = swap;
  }
  if (a != t)
    for (std::size_t k = 0; k < n; ++k) t[k] = a[k];
  delete[] buf;
}
constexpr std::size_t lower_key(const dag_key* t, std::size_t n, std::uint64_t key) {
  std::size_t lo = 0, hi = n;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    if (t[mid].key < key) lo = mid + 1; else hi = mid;
  }
  return lo;
}
constexpr std::size_t count_key(const dag_key* t, std::size_t n, std::uint64_t key) {
  std::size_t e = lower_key(t, n, key);
  const std::size_t b = e;
  while (e < n && t[e].key == key) ++e;
  return e - b;
}
// The position stored with `key`, or `none`.
constexpr std::size_t find_key(const dag_key* t, std::size_t n, std::uint64_t key, std::size_t none) {
  const std::size_t i = lower_key(t, n, key);
  return i < n && t[i].key == key ? t[i].pos : none;
}
// A table of N keys (a plain array: its entries are read in template arguments, where an operator[]
// would be one more evaluated call per read).
template <std::size_t N>
struct key_table {
  dag_key k[N] = {};
  constexpr const dag_key* data() const { return k; }
};
template <std::size_t N, std::size_t Cap>
constexpr key_table<N + 1> keys_of_walk(const dag_walk<Cap>& w) {
  key_table<N + 1> t{};
  for (std::size_t i = 0; i < N; ++i) t.k[i] = {w.out[i].hash, static_cast<std::uint32_t>(i), 0};
  sort_keys(t.k, N);
  return t;
}
// node_index_of<Idx, X>::value: X's position in the walk (Idx::size if X is no node of it), checked to be X (a
// hash collision is a compile error, not a wrong slot).
template <class Idx>
struct dag_tables {
  static constexpr key_table<Idx::size + 1> by_hash = keys_of_walk<Idx::size>(Idx::walk);
};
template <class Idx, class X>
struct node_index_of
    : std::integral_constant<std::size_t, find_key(dag_tables<Idx>::by_hash.k, Idx::size, type_hash_of<X>::value, Idx::size)> {
  static_assert(node_index_of::value == Idx::size || __is_same(typename dag_node_type<Idx, node_index_of::value>::type, X),
                "costate: two expression nodes have the same hash (internal error; please report)");
};

// Operand K of a node (void past its operands).
template <class E, std::size_t K, bool In = (K < E::arity)> struct operand_at {
  using type = void;
};
template <class Op, class... A, std::size_t K> struct operand_at<node<Op, A...>, K, true> {
  using type = typename at<K, tlist<A...>>::type;
};

// Every (parent, operand) edge of the walk, keyed by the operand's hash, then in walk order of the
// parents and operand order: the entries of X's hash whose target is X's object are the uses of X,
// the only parents a reverse sweep visits for X (expr/reverse.hpp).
template <std::size_t Cap>
constexpr std::size_t count_edges(const dag_walk<Cap>& w, std::size_t n) {
  std::size_t e = 0;
  for (std::size_t i = 0; i < n; ++i) e += w.out[i].info->arity;
  return e;
}
template <std::size_t E, std::size_t Cap>
constexpr key_table<E + 1> edge_keys(const dag_walk<Cap>& w, std::size_t n) {
  key_table<E + 1> e{};
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const dag_node_info* node = w.out[i].info;
    for (std::uint32_t k = 0; k < node->arity; ++k, ++j)
      e.k[j] = {node->operand[k]->hash, static_cast<std::uint32_t>(i), k, node->operand[k]};
  }
  sort_keys(e.k, E);
  return e;
}
template <class Idx>
struct dag_edges {
  static constexpr std::size_t count = count_edges(Idx::walk, Idx::size);
  static constexpr key_table<count + 1> edges = edge_keys<count>(Idx::walk, Idx::size);
};

// The roots, keyed by their hashes, in root order among equal hashes (a root type may occur more
// than once).
template <std::size_t N>
constexpr key_table<N + 1> root_keys(const dag_node_info* const* roots) {
  key_table<N + 1> t{};
  for (std::size_t i = 0; i < N; ++i) t.k[i] = {roots[i]->hash, static_cast<std::uint32_t>(i), 0, roots[i]};
  sort_keys(t.k, N);
  return t;
}
template <class Idx>
struct dag_roots {
  static constexpr key_table<Idx::roots::size + 1> by_hash = root_keys<Idx::roots::size>(Idx::root_info);
};

// The distinct symbols of kind K among the roots Es and the operands of their DAG's nodes, sorted by
// offset (ties in order of first occurrence: roots, then the nodes' operands in walk order): the
// variables a VJP is taken with respect to. Found in constexpr arrays over the DAG index, then each
// picked as an operand of its node (dag_node_type), so that no list is searched per leaf.
struct leaf_pick {
  std::uint64_t hash = 0;
  std::size_t index = 0;
  std::uint32_t node = dag_none;  // dag_none: the root number `operand`
  std::uint32_t operand = 0;
};
template <std::size_t Max>
struct leaf_picks {
  leaf_pick p[Max + 1] = {};
  std::size_t n = 0;
};
template <std::size_t Max, std::size_t Cap>
constexpr leaf_picks<Max> pick_leaves(int kind, const dag_node_info* const* roots, std::size_t nroots, const dag_walk<Cap>& w,
                                      std::size_t nodes) {
  leaf_picks<Max> r{};
  constexpr std::size_t table_size = pow2_at_least(2 * Max + 2);
  std::uint64_t* seen = new std::uint64_t[table_size]();  // 0 marks an empty slot
  const auto add = [&](std::uint64_t h, std::size_t index, std::uint32_t node, std::uint32_t operand) {
    std::uint64_t key = h == 0 ? 1 : h;
    std::size_t i = static_cast<std::size_t>(key) & (table_size - 1);
    while (seen[i] != 0) {
      if (seen[i] == key) return;
      i = (i + 1) & (table_size - 1);
    }
    seen[i] = key;
    r.p[r.n++] = leaf_pick{h, index, node, operand};
  };
  for (std::size_t i = 0; i < nroots; ++i)
    if (roots[i]->kind == kind) add(roots[i]->hash, roots[i]->index, dag_none, static_cast<std::uint32_t>(i));
  for (std::size_t g = 0; g < nodes; ++g) {
    const dag_node_info* node = w.out[g].info;
    for (std::uint32_t k = 0; k < node->arity; ++k)
      if (node->operand[k]->kind == kind) add(node->operand[k]->hash, node->operand[k]->index, static_cast<std::uint32_t>(g), k);
  }
  delete[] seen;
  // By index, ties in order of first occurrence.
  dag_key* by_index = new dag_key[r.n + 1];
  for (std::size_t j = 0; j < r.n; ++j) by_index[j] = {r.p[j].index, static_cast<std::uint32_t>(j), 0};
  sort_keys(by_index, r.n);
  leaf_picks<Max> sorted{};
  for (std::size_t j = 0; j < r.n; ++j) sorted.p[j] = r.p[by_index[j].pos];
  delete[] by_index;
  sorted.n = r.n;
  return sorted;
}
template <symbol_kind K, class Idx>
struct leaves_of {
  static constexpr std::size_t max = Idx::roots::size + dag_edges<Idx>::count;
  static constexpr leaf_picks<max> picks = pick_leaves<max>(static_cast<int>(K), Idx::root_info, Idx::roots::size, Idx::walk, Idx::size);
  template <std::size_t J, bool Root = picks.p[J].node == dag_none> struct pick {
    using type = typename long_at<picks.p[J].operand, typename Idx::roots>::type;
  };
  template <std::size_t J> struct pick<J, false> {
    using type = typename at<picks.p[J].operand, typename operand_list<typename dag_node_type<Idx, picks.p[J].node>::type>::type>::type;
  };
  template <std::size_t... J> static tlist<typename pick<J>::type...> make(std::index_sequence<J...>);
  using type = decltype(make(std::make_index_sequence<picks.n>{}));
};
template <symbol_kind K, class... Es>
using leaves_t = typename leaves_of<K, dag_index<tlist<Es...>>>::type;

// Whether symbol S occurs anywhere in E.
template <class S, class E> struct occurs : std::bool_constant<__is_same(S, E)> {};
template <class S, class Op, class... A>
struct occurs<S, node<Op, A...>> : std::bool_constant<__is_same(S, node<Op, A...>) || (occurs<S, A>::value || ...)> {};

// The largest index + 1 of the symbols of kind K in Es (0 if none).
template <symbol_kind K, class E> struct symbol_extent : std::integral_constant<std::size_t, 0> {};
template <symbol_kind K, std::size_t I, class S>
struct symbol_extent<K, symbol<K, I, S>> : std::integral_constant<std::size_t, I + S::size> {};
template <symbol_kind K, class Op, class... A>
struct symbol_extent<K, node<Op, A...>> : std::integral_constant<std::size_t, max_of({symbol_extent<K, A>::value..., std::size_t{0}})> {};
template <symbol_kind K, class... Es>
struct symbol_extent_of : std::integral_constant<std::size_t, max_of({symbol_extent<K, Es>::value..., std::size_t{0}})> {};
template <symbol_kind K, class... Es>
inline constexpr std::size_t symbol_extent_v = symbol_extent_of<K, Es...>::value;

}  // namespace costate::detail
