// The evaluation plan: every distinct subexpression of a set of outputs computed once per call.
//
// The plan's slots are the DAG's distinct inner nodes in topological order (expr/dag.hpp), laid out
// in one flat std::array on the stack: a scalar node takes one value, a tensor node its shape's size
// (row-major). No heap, no tape, no virtual call. Leaves are read from the context.
// Because derived expressions reuse f's own node types (tanh(u) in f and 1 - tanh(u)² in its VJP),
// a plan over f and its VJPs computes the shared nodes a single time.
//
// Plain arrays, not xtensor containers, hold the values: the design's measurements found
// xt::xtensor_fixed in the inner loops 2-3x slower at run time and ~15x slower to compile.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>

#include "costate/expr/dag.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/operation.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {

struct add_op;
struct sub_op;
struct mul_op;
struct neg_op;

// Where leaf values come from. T is the scalar (double, float, std::complex<double>); inputs and
// time are real data and are converted to T on read.
template <class T>
struct context {
  const T* state = nullptr;
  const T* adjoint = nullptr;
  const T* param = nullptr;
  const double* input = nullptr;
  double time = 0.0;
};

namespace detail {

template <class T, symbol_kind K, std::size_t I>
[[gnu::always_inline]] inline T leaf_value(const context<T>& c) {
  if constexpr (K == symbol_kind::state) return c.state[I];
  else if constexpr (K == symbol_kind::adjoint) return c.adjoint[I];
  else if constexpr (K == symbol_kind::param) return c.param[I];
  else if constexpr (K == symbol_kind::input) return T(c.input[I]);
  else return T(c.time);
}
template <class T, symbol_kind K, std::size_t I>
[[gnu::always_inline]] inline auto leaf_pointer(const context<T>& c) {
  static_assert(K != symbol_kind::time, "costate: t is a scalar");
  if constexpr (K == symbol_kind::state) return c.state + I;
  else if constexpr (K == symbol_kind::adjoint) return c.adjoint + I;
  else if constexpr (K == symbol_kind::param) return c.param + I;
  else return c.input + I;
}

// Tensor operations that only move values (slice, concat, embed, scatter; see index_piece): computed
// like elementwise ones, element by element in the loop that reads them.
template <class Op>
concept index_map_operation = tensor_operation<Op> && requires { Op::index_map; };

// Element i of an operand of an elementwise operation: scalars broadcast.
template <class V>
[[gnu::always_inline]] inline decltype(auto) element(const V& v, std::size_t i) {
  if constexpr (std::is_pointer_v<V>) return v[i]; else return (static_cast<void>(i), v);
}
// Element i of the result, read from an operand of shape SA: equal shapes, a scalar, or a vector<R>
// standing for every column of a matrix<R, C>.
template <class SA, class SR, class V>
[[gnu::always_inline]] inline decltype(auto) element_as(const V& v, std::size_t i) {
  if constexpr (SA::rank == 1 && SR::rank == 2) return v[i / SR::dims[1]];
  else if constexpr (SA::rank == 2 && SR::rank == 2 && SA::dims[0] == 1 && SR::dims[0] != 1) return v[i % SR::dims[1]];
  else return element(v, i);
}

template <class E> struct elementwise_tensor : std::false_type {};
template <class Op, class... A>
struct elementwise_tensor<node<Op, A...>>
    : std::bool_constant<!tensor_operation<Op> && shape_of_t<node<Op, A...>>::rank != 0> {};
template <class E> struct arithmetic_node : std::false_type {};  // +, -, *, negation
template <class Op, class... A>
struct arithmetic_node<node<Op, A...>>
    : std::bool_constant<__is_same(Op, add_op) || __is_same(Op, sub_op) || __is_same(Op, mul_op) || __is_same(Op, neg_op)> {};
template <class E> struct index_map_node : std::false_type {};
template <class Op, class... A> struct index_map_node<node<Op, A...>> : std::bool_constant<index_map_operation<Op>> {};

// A plan's facts about operand K of every node (per-node values are types).
template <class Idx, class E> struct slot_of : std::integral_constant<std::size_t, Idx::size> {};  // leaves: none
template <class Idx, class Op, class... A>
struct slot_of<Idx, node<Op, A...>> : std::integral_constant<std::size_t, node_index_of<Idx, node<Op, A...>>::value> {};
template <class P, std::size_t K, bool In = (K < P::arity)>
struct fusable_operand : std::false_type {};  // past the node's operands
template <class Op, class... A, std::size_t K>
struct fusable_operand<node<Op, A...>, K, true>
    : std::bool_constant<(!tensor_operation<Op> &&
                          __is_same(shape_of_t<typename at<K, tlist<A...>>::type>, shape_of_t<node<Op, A...>>)) ||
                         (index_map_operation<Op> && shape_of_t<typename at<K, tlist<A...>>::type>::rank == 1)> {};

// What the plan compiles each node to: small types whose names do not carry the whole plan (a
// function named after the plan's full list of outputs, once per node, makes symbol names and
// compile time grow quadratically).
//   slot_ref<Off, S>           a node's value in the buffer at offset Off (shape S)
//   fused_ref<Op, S, R...>     a fused elementwise node, computed inside the loop that reads it
//   view_ref<Op, S, A...>      an index map read inside the loops that read it (A: shaped operands)
//   symbol<...>, constant<...> leaves, read from the context
//   instr<Op, S, Off, R...>    compute a node of shape S into the buffer at Off from operands R...
template <std::size_t Off, class S> struct slot_ref {};
template <class Op, class S, class... R> struct fused_ref {};
template <class Op, class S, class... A> struct view_ref {};
template <class Op, class S, std::size_t Off, class... R> struct instr {};
struct no_instr {};  // a fused node (computed by its user) or a deferred output

// get(v, c): a value as T for scalars or as a pointer to its first element; element<SR>(v, c, i):
// element i of it as an operand of an elementwise node of shape SR.
template <class R> struct ref;
template <symbol_kind K, std::size_t I, class S> struct ref<symbol<K, I, S>> {
  template <class T> [[gnu::always_inline]] static auto get(const T*, const context<T>& c) {
    if constexpr (S::rank == 0) return leaf_value<T, K, I>(c); else return leaf_pointer<T, K, I>(c);
  }
  template <class SR, class T> [[gnu::always_inline]] static T element(const T* v, const context<T>& c, std::size_t i) {
    return T(element_as<S, SR>(get(v, c), i));
  }
};
template <std::intmax_t Num, std::intmax_t Den> struct ref<constant<Num, Den>> {
  template <class T> [[gnu::always_inline]] static T get(const T*, const context<T>&) { return constant<Num, Den>::template value<T>(); }
  template <class SR, class T> [[gnu::always_inline]] static T element(const T*, const context<T>&, std::size_t) {
    return constant<Num, Den>::template value<T>();
  }
};
template <std::size_t Off, class S> struct ref<slot_ref<Off, S>> {
  template <class T> [[gnu::always_inline]] static auto get(const T* v, const context<T>&) {
    if constexpr (S::rank == 0) return v[Off]; else return v + Off;
  }
  template <class SR, class T> [[gnu::always_inline]] static T element(const T* v, const context<T>& c, std::size_t i) {
    return T(element_as<S, SR>(get(v, c), i));
  }
};

// Loops over the elements of a node run in segments between the pieces of the index maps they read
// (their cuts), so that inside a segment each index map reads one operand at a fixed offset, the way
// hand-written code wraps cyclic indices at the ends only: no test per element, and the same arithmetic
// as the copies the index maps would otherwise make into their slots. A loop with more than max_cuts
// cuts runs in one segment and picks each element's piece by tests.
inline constexpr std::size_t max_cuts = 16;
struct cut_list {
  std::size_t n = 0;
  bool overflow = false;
  std::size_t at[max_cuts] = {};
  constexpr void add(std::size_t x) {
    for (std::size_t k = 0; k < n; ++k)
      if (at[k] == x) return;
    if (n == max_cuts) overflow = true;
    else at[n++] = x;
  }
  // o's cuts moved by + up - down (an operand's indices into its user's).
  constexpr void add(const cut_list& o, std::size_t up, std::size_t down) {
    overflow = overflow || o.overflow;
    for (std::size_t k = 0; k < o.n; ++k) add(o.at[k] + up - down);
  }
};

// segmented<R>::element<SR, Lo, Hi>(v, c, i): element i of operand reference R in a loop of shape SR,
// for i in a segment [Lo, Hi) that none of R's cuts divides; cuts(lo, hi): R's cuts inside (lo, hi);
// zero(lo, hi): whether R is zero throughout [lo, hi), a range no cut divides (the zeros of an embed).
template <class R> struct segmented {
  template <class SR, std::size_t Lo, std::size_t Hi, class T>
  [[gnu::always_inline]] static T element(const T* v, const context<T>& c, std::size_t i) {
    return ref<R>::template element<SR>(v, c, i);
  }
  static constexpr cut_list cuts(std::size_t, std::size_t) { return {}; }
  static constexpr bool zero(std::size_t, std::size_t) { return false; }
};
// A sum or difference with a zero term is the other term (-b for 0 - b): the zeros an embed adds to a
// sum of embeds (a VJP of concatenated slices) are not added. Only the sign of a zero result can
// differ from adding them (0 + -0 is +0).
template <class Op, class S, class... R> struct segmented<fused_ref<Op, S, R...>> {
  template <class SR, std::size_t Lo, std::size_t Hi, class T>
  [[gnu::always_inline]] static T element(const T* v, const context<T>& c, std::size_t i) {
    if constexpr (__is_same(Op, add_op) || __is_same(Op, sub_op)) return sum<Lo, Hi>(v, c, i, segmented<R>{}...);
    else return Op::eval(segmented<R>::template element<S, Lo, Hi>(v, c, i)...);
  }
  template <std::size_t Lo, std::size_t Hi, class T, class A, class B>
  [[gnu::always_inline]] static T sum(const T* v, const context<T>& c, std::size_t i, A, B) {
    if constexpr (B::zero(Lo, Hi)) return A::template element<S, Lo, Hi>(v, c, i);
    else if constexpr (A::zero(Lo, Hi) && __is_same(Op, add_op)) return B::template element<S, Lo, Hi>(v, c, i);
    else if constexpr (A::zero(Lo, Hi)) return -B::template element<S, Lo, Hi>(v, c, i);
    else return Op::eval(A::template element<S, Lo, Hi>(v, c, i), B::template element<S, Lo, Hi>(v, c, i));
  }
  static constexpr cut_list cuts(std::size_t lo, std::size_t hi) {
    cut_list out;
    (out.add(segmented<R>::cuts(lo, hi), 0, 0), ...);
    return out;
  }
  static constexpr bool zero(std::size_t lo, std::size_t hi) {
    if constexpr (__is_same(Op, add_op) || __is_same(Op, sub_op) || __is_same(Op, neg_op))
      return (segmented<R>::zero(lo, hi) && ...);
    else
      return false;
  }
};
template <class Op, class S, class... A> struct segmented<view_ref<Op, S, A...>> {
  static constexpr auto pieces = Op::template pieces<typename A::shape...>();
  template <std::size_t P, std::size_t Lo, std::size_t Hi, class T>
  [[gnu::always_inline]] static T in_piece(const T* v, const context<T>& c, std::size_t i) {
    constexpr index_piece p = pieces[P];
    if constexpr (p.operand < 0) {
      static_cast<void>(v), static_cast<void>(c), static_cast<void>(i);
      return T(0);
    } else {
      using a = typename at<static_cast<std::size_t>(p.operand), tlist<A...>>::type;
      if constexpr (a::shape::rank == 0) {
        static_cast<void>(i);
        return T(ref<typename a::ref>::get(v, c));
      } else {
        return segmented<typename a::ref>::template element<typename a::shape, (Lo > p.begin ? Lo : p.begin) - p.begin + p.from,
                                                            (Hi < p.end ? Hi : p.end) - p.begin + p.from>(v, c, i - p.begin + p.from);
      }
    }
  }
  // From the first piece that reaches into [Lo, Hi) on (a test only where a piece ends inside it).
  template <std::size_t P, std::size_t Lo, std::size_t Hi, class T>
  [[gnu::always_inline]] static T from(const T* v, const context<T>& c, std::size_t i) {
    constexpr index_piece p = pieces[P];
    if constexpr (p.end <= Lo || p.begin == p.end) return from<P + 1, Lo, Hi>(v, c, i);
    else if constexpr (p.end >= Hi) return in_piece<P, Lo, Hi>(v, c, i);
    else return i < p.end ? in_piece<P, Lo, Hi>(v, c, i) : from<P + 1, Lo, Hi>(v, c, i);
  }
  template <class SR, std::size_t Lo, std::size_t Hi, class T>
  [[gnu::always_inline]] static T element(const T* v, const context<T>& c, std::size_t i) {
    return from<0, Lo, Hi>(v, c, i);
  }
  template <std::size_t P>
  static constexpr void piece_cuts(cut_list& out, std::size_t lo, std::size_t hi) {
    constexpr index_piece p = pieces[P];
    if (p.begin == p.end) return;
    if (p.begin > lo && p.begin < hi) out.add(p.begin);
    if constexpr (p.operand >= 0) {
      using a = typename at<static_cast<std::size_t>(p.operand), tlist<A...>>::type;
      if constexpr (a::shape::rank != 0) {
        const std::size_t b = lo > p.begin ? lo : p.begin, e = hi < p.end ? hi : p.end;
        if (b < e) out.add(segmented<typename a::ref>::cuts(b - p.begin + p.from, e - p.begin + p.from), p.begin, p.from);
      }
    }
  }
  template <std::size_t... P>
  static constexpr cut_list cuts_of(std::size_t lo, std::size_t hi, std::index_sequence<P...>) {
    cut_list out;
    (piece_cuts<P>(out, lo, hi), ...);
    return out;
  }
  static constexpr cut_list cuts(std::size_t lo, std::size_t hi) {
    return cuts_of(lo, hi, std::make_index_sequence<pieces.size()>{});
  }
  template <std::size_t P>
  static constexpr bool piece_zero(std::size_t lo, std::size_t hi) {
    constexpr index_piece p = pieces[P];
    if (!(p.begin <= lo && hi <= p.end)) return false;
    if constexpr (p.operand < 0) {
      return true;
    } else {
      using a = typename at<static_cast<std::size_t>(p.operand), tlist<A...>>::type;
      if constexpr (a::shape::rank == 0) return false;
      else return segmented<typename a::ref>::zero(lo - p.begin + p.from, hi - p.begin + p.from);
    }
  }
  template <std::size_t... P>
  static constexpr bool zero_of(std::size_t lo, std::size_t hi, std::index_sequence<P...>) {
    return (piece_zero<P>(lo, hi) || ...);
  }
  static constexpr bool zero(std::size_t lo, std::size_t hi) {
    return lo < hi && zero_of(lo, hi, std::make_index_sequence<pieces.size()>{});
  }
};

// The segments of a loop of N elements: [at[k], at[k + 1]) for k < count.
struct segment_bounds {
  std::size_t count = 1;
  std::size_t at[max_cuts + 2] = {};
};
constexpr segment_bounds bounds_of(cut_list cuts, std::size_t n) {
  segment_bounds b;
  if (!cuts.overflow) {
    for (std::size_t k = 1; k < cuts.n; ++k)  // (insertion sort: a few cuts)
      for (std::size_t j = k; j > 0 && cuts.at[j - 1] > cuts.at[j]; --j) {
        const std::size_t x = cuts.at[j];
        cuts.at[j] = cuts.at[j - 1];
        cuts.at[j - 1] = x;
      }
    for (std::size_t k = 0; k < cuts.n; ++k) b.at[k + 1] = cuts.at[k];
    b.count = cuts.n + 1;
  }
  b.at[b.count] = n;
  return b;
}
template <class R, class S, std::size_t Lo, std::size_t Hi, class T>
[[gnu::always_inline]] inline void run_segment(T* dst, const T* v, const context<T>& c) {
  for (std::size_t i = Lo; i < Hi; ++i) dst[i] = segmented<R>::template element<S, Lo, Hi>(v, c, i);
}
template <class R, class S, class T, std::size_t... K>
[[gnu::always_inline]] inline void run_segments(T* dst, const T* v, const context<T>& c, std::index_sequence<K...>) {
  constexpr segment_bounds b = bounds_of(segmented<R>::cuts(0, S::size), S::size);
  using in_order = int[];
  static_cast<void>(in_order{0, (detail::run_segment<R, S, b.at[K], b.at[K + 1]>(dst, v, c), 0)...});
}
// dst[i] = element i of R (a fused elementwise node or an index map, of shape S), for every i.
template <class R, class S, class T>
[[gnu::always_inline]] inline void run_loop(T* dst, const T* v, const context<T>& c) {
  constexpr std::size_t count = bounds_of(segmented<R>::cuts(0, S::size), S::size).count;
  detail::run_segments<R, S>(dst, v, c, std::make_index_sequence<count>{});
}

template <class I> struct exec {
  template <class T> [[gnu::always_inline]] static void run(T*, const context<T>&) {}
};
template <class Op, class S, std::size_t Off, class... R> struct exec<instr<Op, S, Off, R...>> {
  template <class T> [[gnu::always_inline]] static void run(T* v, const context<T>& c) {
    if constexpr (index_map_operation<Op>) {
      detail::run_loop<view_ref<Op, S, R...>, S>(v + Off, v, c);
    } else if constexpr (tensor_operation<Op>) {
      Op::template eval<T, typename R::shape...>(v + Off, ref<typename R::ref>::get(v, c)...);
    } else if constexpr (S::rank == 0) {
      v[Off] = Op::eval(ref<R>::get(v, c)...);
    } else {
      detail::run_loop<fused_ref<Op, S, R...>, S>(v + Off, v, c);
    }
  }
};
// A tensor operation's operands carry their shapes (its eval is instantiated per operand shape).
template <class R, class S> struct shaped { using ref = R; using shape = S; };

// The plan's layout: each node's offset in the buffer, how often it is an operand of another node and
// an output, and whether it is fused (computed inside the loops that read it, without a slot). One
// constexpr object per plan, computed from arrays passed in place (a static array per fact would be one
// more symbol named after the plan).
template <std::size_t Size>
struct plan_layout {
  std::size_t offsets[Size + 1] = {};  // (plain arrays: see expr/dag.hpp's key_table)
  int node_uses[Size + 1] = {};
  int output_uses[Size + 1] = {};
  bool fused[Size + 1] = {};
};
template <std::size_t Size, std::size_t Outs>
constexpr plan_layout<Size> make_layout(const std::size_t (&sizes)[Size + 1], const bool (&elementwise)[Size + 1],
                                        const bool (&index_map)[Size + 1], const bool (&arithmetic)[Size + 1],
                                        const std::size_t (&arity)[Size + 1], const std::size_t (&s0)[Size + 1],
                                        const bool (&f0)[Size + 1], const std::size_t (&s1)[Size + 1],
                                        const bool (&f1)[Size + 1], const std::size_t (&s2)[Size + 1],
                                        const bool (&f2)[Size + 1], const std::size_t (&s3)[Size + 1],
                                        const bool (&f3)[Size + 1], const std::size_t (&outs)[Outs]) {
  static_assert(dag_max_arity == 4);
  plan_layout<Size> l{};
  bool ok[Size + 1] = {};  // whether every use of the node could compute it in its own loop
  for (bool& b : ok) b = true;
  const std::size_t* slot[] = {s0, s1, s2, s3};
  const bool* fusable[] = {f0, f1, f2, f3};
  for (std::size_t j = 0; j < Size; ++j)
    for (std::size_t k = 0; k < arity[j]; ++k)
      if (slot[k][j] < Size) {
        ++l.node_uses[slot[k][j]];
        ok[slot[k][j]] = ok[slot[k][j]] && fusable[k][j];
      }
  for (std::size_t i = 0; i + 1 < Outs; ++i)
    if (outs[i] < Size) ++l.output_uses[outs[i]];
  // Users before operands (the walk's order is topological). loops[i]: how many times the loops would
  // compute node i if it were fused. An index map, which only reads, is fused into any number of them;
  // one +, -, * or negation of leaves and index maps (x_{i+1} - x_{i-2}) into up to max_repeats, where
  // repeating it costs less than a loop that stores it and loads it back; other elementwise nodes into
  // one loop only (their arithmetic is not repeated).
  constexpr std::size_t max_repeats = 4;
  std::array<std::size_t, Size + 1> loops{};
  for (std::size_t j = Size; j-- > 0;) {
    bool cheap = arithmetic[j];
    for (std::size_t k = 0; k < arity[j]; ++k) cheap = cheap && (slot[k][j] == Size || index_map[slot[k][j]]);
    l.fused[j] = (elementwise[j] || index_map[j]) && l.node_uses[j] > 0 && l.output_uses[j] == 0 && ok[j] &&
                 (index_map[j] || loops[j] == 1 || (cheap && loops[j] <= max_repeats));
    for (std::size_t k = 0; k < arity[j]; ++k)
      if (slot[k][j] < Size) loops[slot[k][j]] += l.fused[j] ? loops[j] : 1;
  }
  for (std::size_t i = 0; i < Size; ++i) l.offsets[i + 1] = l.offsets[i] + (l.fused[i] ? 0 : sizes[i]);
  return l;
}
template <std::size_t N>
constexpr std::size_t count_true(const bool (&a)[N]) {
  std::size_t k = 0;
  for (bool b : a) k += b ? 1 : 0;
  return k;
}
template <class Idx, class Nodes, class Roots> struct plan_nodes;
template <class Idx, class... N, class... O>
struct plan_nodes<Idx, tlist<N...>, tlist<O...>> {
  static constexpr plan_layout<sizeof...(N)> layout = make_layout<sizeof...(N)>(
      {shape_of_t<N>::size..., 0}, {elementwise_tensor<N>::value..., false},
      {(index_map_node<N>::value && shape_of_t<N>::rank == 1)..., false}, {arithmetic_node<N>::value..., false},
      {std::size_t{N::arity}..., 0},
      {slot_of<Idx, typename operand_at<N, 0>::type>::value..., 0}, {fusable_operand<N, 0>::value..., false},
      {slot_of<Idx, typename operand_at<N, 1>::type>::value..., 0}, {fusable_operand<N, 1>::value..., false},
      {slot_of<Idx, typename operand_at<N, 2>::type>::value..., 0}, {fusable_operand<N, 2>::value..., false},
      {slot_of<Idx, typename operand_at<N, 3>::type>::value..., 0}, {fusable_operand<N, 3>::value..., false},
      {slot_of<Idx, O>::value..., Idx::size});
};

// The plan's layout and its compiled nodes. One instantiation per plan; its per-node templates are
// keyed by (plan, node) — two types — not by the plan's node list unpacked.
template <class Idx>
struct plan_impl {
  using index = Idx;
  using nodes = typename Idx::nodes;
  enum : std::size_t { size = Idx::size };
  using facts = plan_nodes<Idx, nodes, typename Idx::roots>;  // facts::layout
  enum : std::size_t { values = facts::layout.offsets[size] };

  template <class T> using buffer = std::array<T, std::size_t{values} == 0 ? std::size_t{1} : std::size_t{values}>;
};

// The operand reference of expression E in plan P (plan_impl).
template <class P, class E> struct ref_of { using type = E; };  // leaves
template <class P, class E, bool Fused> struct node_ref;
template <class P, class Op, class... A> struct node_ref<P, node<Op, A...>, false> {
  using slot = node_index_of<typename P::index, node<Op, A...>>;
  static_assert(slot::value < P::size, "costate::plan: node missing from the plan (internal error)");
  using type = slot_ref<P::facts::layout.offsets[slot::value], shape_of_t<node<Op, A...>>>;
};
template <class P, class Op, class... A> struct node_ref<P, node<Op, A...>, true> {
  using type = pick_t<index_map_operation<Op>,
                      view_ref<Op, shape_of_t<node<Op, A...>>, shaped<typename ref_of<P, A>::type, shape_of_t<A>>...>,
                      fused_ref<Op, shape_of_t<node<Op, A...>>, typename ref_of<P, A>::type...>>;
};
template <class P, class Op, class... A> struct ref_of<P, node<Op, A...>> {
  using type = typename node_ref<P, node<Op, A...>, P::facts::layout.fused[node_index_of<typename P::index, node<Op, A...>>::value]>::type;
};
template <class P, class E> using ref_t = typename ref_of<P, E>::type;

// The instruction that computes node N of plan P, or no_instr if N is fused (or Skip).
template <class P, class N, bool Skip = false> struct instr_of { using type = no_instr; };
template <class P, class Op, class... A>
struct instr_of<P, node<Op, A...>, false> {
  using slot = node_index_of<typename P::index, node<Op, A...>>;
  using type = pick_t<P::facts::layout.fused[slot::value], no_instr,
                      pick_t<tensor_operation<Op>,
                             instr<Op, shape_of_t<node<Op, A...>>, P::facts::layout.offsets[slot::value], shaped<ref_t<P, A>, shape_of_t<A>>...>,
                             instr<Op, shape_of_t<node<Op, A...>>, P::facts::layout.offsets[slot::value], ref_t<P, A>...>>>;
};

// Runs instructions in order. (A braced list sequences the calls: GCC takes time quadratic in the
// length of a comma fold.)
template <class T, class... I>
[[gnu::always_inline]] inline void run_instrs(T* v, const context<T>& c, tlist<I...>) {
  static_cast<void>(v), static_cast<void>(c);  // an empty plan uses neither
  using in_order = int[];
  static_cast<void>(in_order{0, (exec<I>::template run<T>(v, c), 0)...});
}

// Large plans run in blocks of 64 instructions, each a function of its own: the optimiser's work on
// one function grows faster than its length (every load of the plan's buffer is checked against the
// stores before it), so blocks keep compile time linear. (A call per 64 instructions costs nothing
// measurable at run time.)
template <class L, std::size_t Rounds = 4> struct split64 {
  using first = split16<L>;
  using rest = split64<typename first::tail, Rounds - 1>;
  using head = typename concat2<typename first::head, typename rest::head>::type;
  using tail = typename rest::tail;
};
template <class L> struct split64<L, 0> {
  using head = tlist<>;
  using tail = L;
};
template <class L, bool Empty = (L::size == 0)> struct blocks64 {
  using split = split64<L>;
  using type = typename push_front<typename blocks64<typename split::tail>::type, typename split::head>::type;
};
template <class L> struct blocks64<L, true> { using type = tlist<>; };

template <class T, class Block>
[[gnu::noinline]] void run_block(T* v, const context<T>& c) {
  detail::run_instrs(v, c, Block{});
}
template <class T, class... B>
[[gnu::always_inline]] inline void run_blocks(T* v, const context<T>& c, tlist<B...>) {
  static_cast<void>(v), static_cast<void>(c);
  using in_order = int[];
  static_cast<void>(in_order{0, (detail::run_block<T, B>(v, c), 0)...});
}

// A tensor output that no node uses, evaluated straight into its destination (plan::run_direct): a
// tensor operation by its eval, an elementwise node or an index map by its loop (R: fused_ref or
// view_ref).
template <class T, class Op, class... R>
struct deferred {
  static constexpr bool is_deferred = true;
  const T* v;
  const context<T>& c;
  [[gnu::always_inline]] void write(T* dst) const {
    Op::template eval<T, typename R::shape...>(dst, ref<typename R::ref>::get(v, c)...);
  }
};
template <class Op, class... R> struct deferred_ref {};
template <class Op, class... R> struct ref<deferred_ref<Op, R...>> {
  template <class T> [[gnu::always_inline]] static deferred<T, Op, R...> get(const T* v, const context<T>& c) { return {v, c}; }
};
template <class T, class R, class S>
struct deferred_loop {
  static constexpr bool is_deferred = true;
  const T* v;
  const context<T>& c;
  [[gnu::always_inline]] void write(T* dst) const { detail::run_loop<R, S>(dst, v, c); }
};
template <class R, class S> struct deferred_loop_ref {};
template <class R, class S> struct ref<deferred_loop_ref<R, S>> {
  template <class T> [[gnu::always_inline]] static deferred_loop<T, R, S> get(const T* v, const context<T>& c) { return {v, c}; }
};
template <class P, class E> struct deferred_of;
template <class P, class Op, class... A> struct deferred_of<P, node<Op, A...>> {
  using S = shape_of_t<node<Op, A...>>;
  using type = pick_t<index_map_operation<Op>, deferred_loop_ref<view_ref<Op, S, shaped<ref_t<P, A>, shape_of_t<A>>...>, S>,
                      pick_t<tensor_operation<Op>, deferred_ref<Op, shaped<ref_t<P, A>, shape_of_t<A>>...>,
                             deferred_loop_ref<fused_ref<Op, S, ref_t<P, A>...>, S>>>;
};

template <class T, class Sink, class... R, std::size_t... I>
[[gnu::always_inline]] inline void emit_refs(const T* v, const context<T>& c, Sink& sink, tlist<R...>, std::index_sequence<I...>) {
  static_cast<void>(v), static_cast<void>(c), static_cast<void>(sink);
  using in_order = int[];
  static_cast<void>(in_order{0, (sink(std::integral_constant<std::size_t, I>{}, ref<R>::get(v, c)), 0)...});
}

// Scalar operands and operations of the coded blocks below (scalar_plan): an operand code's low byte
// says where the value is (0 the plan's buffer, 1 + symbol_kind a leaf, 6 a constant num/den), the rest
// is its offset. An operand is read by the reader of its kind, a template argument: a coded block
// inlines only the read it makes, not a switch over every kind for every operand that the optimiser
// then folds away (a third of the optimisation time of a large plan).
template <int Kind> struct scalar_operand;
template <> struct scalar_operand<0> {
  template <class T> [[gnu::always_inline]] static T get(const T* v, const context<T>&, std::size_t i, std::intmax_t, std::intmax_t) { return v[i]; }
};
template <> struct scalar_operand<1> {
  template <class T> [[gnu::always_inline]] static T get(const T*, const context<T>& c, std::size_t i, std::intmax_t, std::intmax_t) { return c.state[i]; }
};
template <> struct scalar_operand<2> {
  template <class T> [[gnu::always_inline]] static T get(const T*, const context<T>& c, std::size_t i, std::intmax_t, std::intmax_t) { return c.param[i]; }
};
template <> struct scalar_operand<3> {
  template <class T> [[gnu::always_inline]] static T get(const T*, const context<T>& c, std::size_t i, std::intmax_t, std::intmax_t) { return T(c.input[i]); }
};
template <> struct scalar_operand<4> {
  template <class T> [[gnu::always_inline]] static T get(const T*, const context<T>& c, std::size_t i, std::intmax_t, std::intmax_t) { return c.adjoint[i]; }
};
template <> struct scalar_operand<5> {
  template <class T> [[gnu::always_inline]] static T get(const T*, const context<T>& c, std::size_t, std::intmax_t, std::intmax_t) { return T(c.time); }
};
template <> struct scalar_operand<6> {
  template <class T> [[gnu::always_inline]] static T get(const T*, const context<T>&, std::size_t, std::intmax_t num, std::intmax_t den) {
    return T(static_cast<double>(num) / static_cast<double>(den));
  }
};
template <class Op, std::size_t Arity> struct eval_scalar;
template <class Op> struct eval_scalar<Op, 1> {
  template <class T> [[gnu::always_inline]] static T run(const T& a, const T&) { return Op::eval(a); }
};
template <class Op> struct eval_scalar<Op, 2> {
  template <class T> [[gnu::always_inline]] static T run(const T& a, const T& b) { return Op::eval(a, b); }
};

// A block of scalar instructions as a few integer sequences (and its operations): the block's
// function is named after integers, which GCC's mangler writes out in linear time, rather than after
// 64 distinct instruction types, which it searches quadratically.
template <class Ops, class Off, class Ar, class C0, class N0, class D0, class C1, class N1, class D1> struct coded_block {};
template <class T, class... Op, std::size_t... Off, std::size_t... Ar, std::uint64_t... C0, std::intmax_t... N0,
          std::intmax_t... D0, std::uint64_t... C1, std::intmax_t... N1, std::intmax_t... D1>
[[gnu::noinline]] void run_scalar_block(T* v, const context<T>& c,
                                        coded_block<tlist<Op...>, std::index_sequence<Off...>, std::index_sequence<Ar...>,
                                                    std::integer_sequence<std::uint64_t, C0...>, std::integer_sequence<std::intmax_t, N0...>,
                                                    std::integer_sequence<std::intmax_t, D0...>, std::integer_sequence<std::uint64_t, C1...>,
                                                    std::integer_sequence<std::intmax_t, N1...>, std::integer_sequence<std::intmax_t, D1...>>) {
  using in_order = int[];
  static_cast<void>(in_order{0, (v[Off] = eval_scalar<Op, Ar>::run(scalar_operand<int(C0 & 0xff)>::get(v, c, std::size_t(C0 >> 8), N0, D0),
                                                                     scalar_operand<int(C1 & 0xff)>::get(v, c, std::size_t(C1 >> 8), N1, D1)),
                                 0)...});
}
template <class T, class... B>
[[gnu::always_inline]] inline void run_scalar_blocks(T* v, const context<T>& c, tlist<B...>) {
  static_cast<void>(v), static_cast<void>(c);
  using in_order = int[];
  static_cast<void>(in_order{0, (detail::run_scalar_block(v, c, B{}), 0)...});
}

template <class Base, class Off, class Acc, class Opt, class C, class N, class D> struct coded_puts {};
template <class T>
[[gnu::always_inline]] inline void put_scalar(T* const* bases, std::size_t base, std::size_t offset, bool accumulate,
                                              bool optional, const T& value) {
  T* dst = bases[base];
  if (optional && !dst) return;
  if (accumulate) dst[offset] += value; else dst[offset] = value;
}
template <class T, std::size_t... Base, std::size_t... Off, bool... Acc, bool... Opt, std::uint64_t... C, std::intmax_t... N,
          std::intmax_t... D>
[[gnu::noinline]] void put_scalar_block(const T* v, const context<T>& c, T* const* bases,
                                        coded_puts<std::index_sequence<Base...>, std::index_sequence<Off...>,
                                                   std::integer_sequence<bool, Acc...>, std::integer_sequence<bool, Opt...>,
                                                   std::integer_sequence<std::uint64_t, C...>, std::integer_sequence<std::intmax_t, N...>,
                                                   std::integer_sequence<std::intmax_t, D...>>) {
  using in_order = int[];
  static_cast<void>(in_order{0, (detail::put_scalar(bases, Base, Off, Acc, Opt, scalar_operand<int(C & 0xff)>::get(v, c, std::size_t(C >> 8), N, D)), 0)...});
}
template <class T, class... B>
[[gnu::always_inline]] inline void put_scalar_blocks(const T* v, const context<T>& c, T* const* bases, tlist<B...>) {
  static_cast<void>(v), static_cast<void>(c), static_cast<void>(bases);
  using in_order = int[];
  static_cast<void>(in_order{0, (detail::put_scalar_block(v, c, bases, B{}), 0)...});
}

// Plans whose code_size exceeds this run in out-of-line blocks, and the right-hand sides call them out
// of line (system/rhs.hpp): inlined into each of a stepper's stage evaluations, a plan of hundreds of
// nodes is optimised once per call site, and compile time and memory grow with it. Small plans
// (Lotka–Volterra's adjoint has ~20 instructions, a width-64 neural ODE's ~40) stay inlined, where
// they run fastest.
inline constexpr std::size_t large_plan = 160;
// Plans that compute more elements than this (a scalar counts 1, a tensor its size, a loop of fused
// elementwise nodes once) are called out of line too, however few their instructions: loops over
// hundreds of values cost far more than a call, and inlined into each of a stepper's stages they are
// compiled once per stage (a 2-D reaction–diffusion's dopri5 step held six copies of its loops). Small
// tensor systems (Lorenz-96 at n = 40, a width-16 neural ODE) and scalar ones stay inlined.
inline constexpr std::size_t large_work = 256;

// Where an output goes: bases[Base] + Offset, shape S, stored or added; Optional outputs are skipped
// when bases[Base] is null.
enum class put_mode { store, accumulate };
template <std::size_t Base, std::size_t Offset, class S, put_mode Mode, bool Optional = false> struct out {};

template <class I> struct instr_weight : std::integral_constant<std::size_t, 0> {};
template <class Op, class S, std::size_t Off, class... R>
struct instr_weight<instr<Op, S, Off, R...>>
    : std::integral_constant<std::size_t, tensor_operation<Op> ? 4 : S::rank == 0 ? 1 : 2> {};
template <class Instrs> struct instr_size;
template <class... I> struct instr_size<tlist<I...>> : std::integral_constant<std::size_t, sum_of({instr_weight<I>::value..., std::size_t{0}})> {};
template <class I> struct instr_elements : std::integral_constant<std::size_t, 0> {};
template <class Op, class S, std::size_t Off, class... R>
struct instr_elements<instr<Op, S, Off, R...>> : std::integral_constant<std::size_t, S::size> {};
template <class Instrs> struct instr_work;
template <class... I> struct instr_work<tlist<I...>> : std::integral_constant<std::size_t, sum_of({instr_elements<I>::value..., std::size_t{0}})> {};

template <class D> struct put_out;
// Output R goes to destination D.
template <class R, class D> struct routed {};
template <class... R, class... D> tlist<routed<R, D>...> route(tlist<R...>, tlist<D...>);
template <class T, class... R, class... D>
[[gnu::always_inline]] inline void emit_to(const T* v, const context<T>& c, T* const* bases, tlist<routed<R, D>...>) {
  static_cast<void>(v), static_cast<void>(c), static_cast<void>(bases);
  using in_order = int[];
  static_cast<void>(in_order{0, (put_out<D>::put(bases, ref<R>::get(v, c)), 0)...});
}
template <class T, class Block>
[[gnu::noinline]] void emit_block(const T* v, const context<T>& c, T* const* bases) {
  detail::emit_to(v, c, bases, Block{});
}
template <class T, class... B>
[[gnu::always_inline]] inline void emit_blocks(const T* v, const context<T>& c, T* const* bases, tlist<B...>) {
  static_cast<void>(v), static_cast<void>(c), static_cast<void>(bases);
  using in_order = int[];
  static_cast<void>(in_order{0, (detail::emit_block<T, B>(v, c, bases), 0)...});
}

// A tensor output that no node uses (and that is one output only) can be deferred: plan::run_direct
// hands it over unevaluated, and its write(dst) evaluates it straight into its destination (store and
// accumulate below take it). Saves a copy of, e.g., the weight gradient λzᵀ, or of f itself, on every
// right-hand-side call.
template <class P, class E> struct deferrable_in : std::false_type {};  // (struct, not a lambda: see dag.hpp)
template <class P, class Op, class... A>
  requires(shape_of_t<node<Op, A...>>::rank != 0)
struct deferrable_in<P, node<Op, A...>>
    : std::bool_constant<P::facts::layout.node_uses[node_index_of<typename P::index, node<Op, A...>>::value] == 0 &&
                         P::facts::layout.output_uses[node_index_of<typename P::index, node<Op, A...>>::value] == 1> {};

// The plan of a list of outputs in general: nodes of any shape, elementwise tensor nodes fused into
// the loop of their only user, small plans inlined (plan<Outputs...> below chooses).
template <class OutputList>
struct general_plan {
  using index = dag_index<OutputList>;
  using impl = plan_impl<index>;
  // (Enumerators, not static members: each would be a symbol named after the whole list of outputs.)
  enum : std::size_t {
    slots = impl::size,
    fused_nodes = count_true(impl::facts::layout.fused),
    values = impl::values,
    outputs = OutputList::size
  };

  template <class E, bool Deferred = deferrable_in<impl, E>::value> struct direct_ref { using type = ref_t<impl, E>; };
  template <class E> struct direct_ref<E, true> { using type = typename deferred_of<impl, E>::type; };

  template <class... N> static tlist<typename instr_of<impl, N>::type...> instrs_of(tlist<N...>);
  template <class... N> static tlist<typename instr_of<impl, N, deferrable_in<impl, N>::value>::type...> direct_instrs_of(tlist<N...>);
  template <class... O> static tlist<ref_t<impl, O>...> refs_of(tlist<O...>);
  template <class... O> static tlist<typename direct_ref<O>::type...> direct_refs_of(tlist<O...>);
  using instructions = decltype(instrs_of(typename index::nodes{}));
  using output_refs = decltype(refs_of(OutputList{}));
  using direct_instructions = decltype(direct_instrs_of(typename index::nodes{}));
  using direct_output_refs = decltype(direct_refs_of(OutputList{}));

  // A rough measure of the code the plan inlines: its instructions and outputs, a loop counting as a
  // few statements. Plans above large_plan run in out-of-line blocks.
  enum : std::size_t { code_size = instr_size<instructions>::value + outputs };
  enum : bool { blocked = code_size > large_plan };
  // The elements its instructions compute, a measure of its run time (large_work).
  enum : std::size_t { work = instr_work<instructions>::value };


  template <class T, class Instrs>
  [[gnu::always_inline]] static void fill(T* v, const context<T>& c, Instrs) {
    if constexpr (blocked) {
      detail::run_blocks(v, c, typename blocks64<Instrs>::type{});
    } else {
      detail::run_instrs(v, c, Instrs{});
    }
  }

  template <class T, class Sink>
  [[gnu::always_inline]] static void run(const context<T>& c, Sink&& sink) {
    typename impl::template buffer<T> v;
    fill(v.data(), c, instructions{});
    detail::emit_refs(static_cast<const T*>(v.data()), c, sink, output_refs{}, std::make_index_sequence<outputs>{});
  }

  template <class T, class Sink>
  [[gnu::always_inline]] static void run_direct(const context<T>& c, Sink&& sink) {
    typename impl::template buffer<T> v;
    fill(v.data(), c, direct_instructions{});
    detail::emit_refs(static_cast<const T*>(v.data()), c, sink, direct_output_refs{}, std::make_index_sequence<outputs>{});
  }

  // Like run_direct, with output i written to its destination Dests[i] (a tlist of out<...>, see below)
  // in bases: no per-output callback, so nothing is instantiated per output but the store itself.
  template <class T, class Dests>
  [[gnu::always_inline]] static void run_direct_to(const context<T>& c, T* const* bases, Dests) {
    static_assert(Dests::size == outputs, "costate::plan: one destination per output");
    using routes = decltype(detail::route(direct_output_refs{}, Dests{}));
    typename impl::template buffer<T> v;
    fill(v.data(), c, direct_instructions{});
    if constexpr (blocked) {
      detail::emit_blocks(static_cast<const T*>(v.data()), c, bases, typename blocks64<routes>::type{});
    } else {
      detail::emit_to(static_cast<const T*>(v.data()), c, bases, routes{});
    }
  }
};

// Large plans of scalar nodes only (a system written one equation per state, its VJPs, a loss summed
// over hundreds of states) are compiled without a type per node beyond the DAG's own: every node's
// operand codes (see scalar_operand: a buffer slot, a leaf, a constant) come from one constexpr
// function over the DAG's tables, and the blocks of 64 read them as integer sequences. Node g's value
// is in slot g.
// Whether every node of a DAG is an elementwise operation of scalars and every root a scalar: the
// DAG of a scalar program.
template <std::size_t Cap>
constexpr bool dag_all_scalar(const dag_walk<Cap>& w, std::size_t n, const dag_node_info* const* roots, std::size_t nroots) {
  for (std::size_t g = 0; g < n; ++g)
    if (!w.out[g].info->scalar) return false;
  for (std::size_t r = 0; r < nroots; ++r)
    if (!roots[r]->scalar) return false;
  return true;
}
template <class Idx> struct scalar_dag : std::bool_constant<dag_all_scalar(Idx::walk, Idx::size, Idx::root_info, Idx::roots::size)> {};

struct scalar_code {
  std::uint64_t code = 6;  // 6 with num = 0: the absent second operand of a unary node
  std::intmax_t num = 0, den = 1;
};
template <std::size_t Size, std::size_t Outs>
struct scalar_program {
  bool ok = true;  // every operand found in the walk (and it is the operand's own object)
  std::size_t arity[Size + 1] = {};  // (plain arrays: see expr/dag.hpp's key_table)
  scalar_code a[Size + 1] = {}, b[Size + 1] = {};
  scalar_code out[Outs + 1] = {};
};
// The operand codes of every node and every output, read from the walk's node objects (expr/dag.hpp's
// dag_node_info); `by_hash` holds the walk's hashes sorted. A node operand is found by its hash and
// confirmed by its object.
template <std::size_t Size, std::size_t Outs, std::size_t Cap>
constexpr scalar_program<Size, Outs> make_scalar_program(const dag_walk<Cap>& w, const dag_node_info* const* outs,
                                                         const dag_key* by_hash) {
  scalar_program<Size, Outs> p{};
  const auto code = [&](const dag_node_info* e) {
    if (e->constant) return scalar_code{6, e->num, e->den};
    if (e->leaf) return scalar_code{std::uint64_t{e->index} << 8 | static_cast<std::uint64_t>(1 + e->kind), 0, 1};
    const std::size_t slot = find_key(by_hash, Size, e->hash, Size);
    if (slot == Size || w.out[slot].info != e) p.ok = false;
    return scalar_code{std::uint64_t{slot < Size ? slot : 0} << 8, 0, 1};
  };
  for (std::size_t g = 0; g < Size; ++g) {
    const dag_node_info* node = w.out[g].info;
    p.arity[g] = node->arity;
    p.a[g] = code(node->operand[0]);
    if (node->arity > 1) p.b[g] = code(node->operand[1]);
  }
  for (std::size_t r = 0; r < Outs; ++r) p.out[r] = code(outs[r]);
  return p;
}
template <class Idx>
struct scalar_plan_data {
  using index = Idx;
  enum : std::size_t { size = Idx::size, outputs = Idx::roots::size };
  static constexpr scalar_program<size, outputs> program =
      make_scalar_program<size, outputs>(Idx::walk, Idx::root_info, dag_tables<Idx>::by_hash.k);
  static_assert(program.ok, "costate: two expression nodes have the same hash (internal error; please report)");
};

template <class E> struct op_of_node;
template <class Op, class... A> struct op_of_node<node<Op, A...>> { using type = Op; };

// Nodes [B, B + sizeof J) as one coded block; outputs [B, B + sizeof J) as one block of puts.
template <class D, std::size_t B, class Seq> struct scalar_block;
template <class D, std::size_t B, std::size_t... J>
struct scalar_block<D, B, std::index_sequence<J...>> {
  using type = coded_block<tlist<typename op_of_node<typename dag_node_type<typename D::index, B + J>::type>::type...>,
                           std::index_sequence<(B + J)...>, std::index_sequence<D::program.arity[B + J]...>,
                           std::integer_sequence<std::uint64_t, D::program.a[B + J].code...>,
                           std::integer_sequence<std::intmax_t, D::program.a[B + J].num...>,
                           std::integer_sequence<std::intmax_t, D::program.a[B + J].den...>,
                           std::integer_sequence<std::uint64_t, D::program.b[B + J].code...>,
                           std::integer_sequence<std::intmax_t, D::program.b[B + J].num...>,
                           std::integer_sequence<std::intmax_t, D::program.b[B + J].den...>>;
};
constexpr std::size_t block_length(std::size_t size, std::size_t k) { return size - 64 * k < 64 ? size - 64 * k : 64; }
template <class D, class Seq> struct scalar_blocks;
template <class D, std::size_t... K>
struct scalar_blocks<D, std::index_sequence<K...>> {
  using type = tlist<typename scalar_block<D, 64 * K, std::make_index_sequence<block_length(D::size, K)>>::type...>;
};
template <class Dests> struct dest_table;
template <std::size_t... Base, std::size_t... Offset, class... S, put_mode... Mode, bool... Optional>
struct dest_table<tlist<out<Base, Offset, S, Mode, Optional>...>> {
  static_assert(((S::rank == 0) && ...), "costate::plan: a scalar output goes to a scalar destination");
  // (Bounds spelled out: clang 16 does not evaluate an array member of unknown bound of a class template
  // in a template argument.)
  static constexpr std::size_t base[sizeof...(Base) + 1] = {Base..., 0};
  static constexpr std::size_t offset[sizeof...(Base) + 1] = {Offset..., 0};
  static constexpr bool accumulate[sizeof...(Base) + 1] = {(Mode == put_mode::accumulate)..., false};
  static constexpr bool optional[sizeof...(Base) + 1] = {Optional..., false};
};
template <class D, class Dests, std::size_t B, class Seq> struct scalar_put_block;
template <class D, class Dests, std::size_t B, std::size_t... J>
struct scalar_put_block<D, Dests, B, std::index_sequence<J...>> {
  using t = dest_table<Dests>;
  using type = coded_puts<std::index_sequence<t::base[B + J]...>, std::index_sequence<t::offset[B + J]...>,
                          std::integer_sequence<bool, t::accumulate[B + J]...>, std::integer_sequence<bool, t::optional[B + J]...>,
                          std::integer_sequence<std::uint64_t, D::program.out[B + J].code...>,
                          std::integer_sequence<std::intmax_t, D::program.out[B + J].num...>,
                          std::integer_sequence<std::intmax_t, D::program.out[B + J].den...>>;
};
template <class D, class Dests, class Seq> struct scalar_put_blocks;
template <class D, class Dests, std::size_t... K>
struct scalar_put_blocks<D, Dests, std::index_sequence<K...>> {
  using type = tlist<typename scalar_put_block<D, Dests, 64 * K, std::make_index_sequence<block_length(D::outputs, K)>>::type...>;
};
template <class T, class D, class Sink, std::size_t... I>
[[gnu::always_inline]] inline void emit_scalar_outputs(const T* v, const context<T>& c, Sink& sink, std::index_sequence<I...>) {
  static_cast<void>(v), static_cast<void>(c), static_cast<void>(sink);
  using in_order = int[];
  static_cast<void>(in_order{0, (sink(std::integral_constant<std::size_t, I>{},
                                      scalar_operand<int(D::program.out[I].code & 0xff)>::get(
                                          v, c, std::size_t(D::program.out[I].code >> 8), D::program.out[I].num, D::program.out[I].den)),
                                 0)...});
}

template <class OutputList>
struct scalar_plan {
  using index = dag_index<OutputList>;
  using data = scalar_plan_data<index>;
  enum : std::size_t { slots = index::size, fused_nodes = 0, values = index::size, outputs = OutputList::size };
  enum : std::size_t { code_size = slots + outputs, work = slots };
  enum : bool { blocked = true };
  using blocks = typename scalar_blocks<data, std::make_index_sequence<(slots + 63) / 64>>::type;

  template <class T>
  [[gnu::always_inline]] static void fill(T* v, const context<T>& c) {
    detail::run_scalar_blocks(v, c, blocks{});
  }
  template <class T, class Sink>
  [[gnu::always_inline]] static void run(const context<T>& c, Sink&& sink) {
    std::array<T, slots> v;
    fill(v.data(), c);
    detail::emit_scalar_outputs<T, data>(static_cast<const T*>(v.data()), c, sink, std::make_index_sequence<outputs>{});
  }
  template <class T, class Sink>
  [[gnu::always_inline]] static void run_direct(const context<T>& c, Sink&& sink) {
    run<T>(c, sink);
  }
  template <class T, class Dests>
  [[gnu::always_inline]] static void run_direct_to(const context<T>& c, T* const* bases, Dests) {
    static_assert(Dests::size == outputs, "costate::plan: one destination per output");
    std::array<T, slots> v;
    fill(v.data(), c);
    detail::put_scalar_blocks(static_cast<const T*>(v.data()), c, bases,
                              typename scalar_put_blocks<data, Dests, std::make_index_sequence<(outputs + 63) / 64>>::type{});
  }
};

// The plan of a list of outputs: a scalar program when it is large and scalar throughout, else general.
template <class OutputList, class Idx = dag_index<OutputList>>
using plan_kind = pick_t<(Idx::size + OutputList::size > large_plan) && scalar_dag<Idx>::value,
                         scalar_plan<OutputList>, general_plan<OutputList>>;
template <class OutputList> struct plan_for : plan_kind<OutputList> {};

// Whether right-hand sides call plan P as one function rather than inline it (system/rhs.hpp).
template <class P> inline constexpr bool out_of_line_plan = P::code_size > large_plan || P::work > large_work;

}  // namespace detail

// plan<Outputs...>::run(ctx, sink) evaluates the outputs and calls sink(std::integral_constant<i>, value)
// for each output i, in order: value is a T for a scalar output and a pointer to the first of its
// shape's values (row-major) for a tensor output. The sink decides where (and with which sign) it goes.
template <class... Outputs>
using plan = detail::plan_for<detail::tlist<std::remove_cvref_t<Outputs>...>>;

namespace detail {
template <class V> concept deferred_value = requires { V::is_deferred; };
}  // namespace detail

// A deferred output (plan::run_direct) is evaluated straight into dst.
template <class S, int Sign = 1, class Dst, detail::deferred_value V>
[[gnu::always_inline]] inline void store(Dst* dst, const V& v) {
  v.write(dst);
  if constexpr (Sign < 0)
    for (std::size_t i = 0; i < S::size; ++i) dst[i] = -dst[i];
}
template <class S, int Sign = 1, class Dst, detail::deferred_value V>
[[gnu::always_inline]] inline void accumulate(Dst* dst, const V& v) {
  std::array<Dst, S::size> tmp;
  v.write(tmp.data());
  for (std::size_t i = 0; i < S::size; ++i) {
    if constexpr (Sign > 0) dst[i] += tmp[i]; else dst[i] -= tmp[i];
  }
}

// Copies (or broadcasts) an output value of shape S into dst[0 .. S::size) with a sign.
template <class S, int Sign = 1, class Dst, class V>
[[gnu::always_inline]] inline void store(Dst* dst, const V& v) {
  for (std::size_t i = 0; i < (S::size == 0 ? 1 : S::size); ++i) {
    if constexpr (Sign > 0) dst[i] = detail::element(v, i); else dst[i] = -detail::element(v, i);
  }
}
// dst[i] += Sign * value_i: for outputs that add into a range shared with other outputs.
template <class S, int Sign = 1, class Dst, class V>
[[gnu::always_inline]] inline void accumulate(Dst* dst, const V& v) {
  for (std::size_t i = 0; i < (S::size == 0 ? 1 : S::size); ++i) {
    if constexpr (Sign > 0) dst[i] += detail::element(v, i); else dst[i] -= detail::element(v, i);
  }
}

namespace detail {
template <std::size_t Base, std::size_t Offset, class S, put_mode Mode, bool Optional>
struct put_out<out<Base, Offset, S, Mode, Optional>> {
  template <class T, class V> [[gnu::always_inline]] static void put(T* const* bases, const V& v) {
    if constexpr (Optional) {
      if (!bases[Base]) return;
    }
    if constexpr (Mode == put_mode::store) costate::store<S>(bases[Base] + Offset, v);
    else costate::accumulate<S>(bases[Base] + Offset, v);
  }
};

}  // namespace detail

// Value of one scalar expression (plan of one output): for tests and examples.
template <class T, Expr E>
T evaluate(E, const context<T>& c) {
  static_assert(is_scalar_v<E>, "costate::evaluate: a scalar expression; use plan<E>::run for tensors");
  T out{};
  plan<E>::run(c, [&](auto, T v) { out = v; });
  return out;
}

}  // namespace costate
