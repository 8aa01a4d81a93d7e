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
#include <type_traits>
#include <utility>

#include "costate/expr/dag.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {

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

// Operations that are not elementwise evaluate themselves into their slot (matrix products, sums...).
template <class Op>
concept tensor_operation = requires { Op::tensor; };

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

template <class... N>
constexpr auto slot_offsets() {
  std::array<std::size_t, sizeof...(N) + 1> off{};
  constexpr std::size_t sizes[] = {shape_of_t<N>::size..., 0};
  for (std::size_t i = 0; i < sizeof...(N); ++i) off[i + 1] = off[i] + sizes[i];
  return off;
}

template <class E> struct elementwise_tensor : std::false_type {};
template <class Op, class... A>
struct elementwise_tensor<node<Op, A...>>
    : std::bool_constant<!tensor_operation<Op> && shape_of_t<node<Op, A...>>::rank != 0> {};

template <class Nodes, class Outputs> struct plan_impl;

template <class... N, class... Outputs>
struct plan_impl<tlist<N...>, tlist<Outputs...>> {
  using nodes = tlist<N...>;
  static constexpr std::size_t size = sizeof...(N);
  static constexpr auto offsets = slot_offsets<N...>();
  static constexpr std::size_t values = offsets[size];

  template <class T> using buffer = std::array<T, values == 0 ? 1 : values>;

  // Loop fusion. An elementwise tensor node that is used once, by an elementwise node of its own
  // shape, and is not an output, gets no loop of its own: its parent computes it element by element
  // inside its loop — (1 - tanh(u)²) ⊙ v is one loop, as a person would write it. Every node is still
  // computed once per call.
  template <class P> struct count_uses {
    template <class A> static constexpr void operand(std::array<int, size + 1>&, std::array<bool, size + 1>&) {}
  };
  template <class Op, class... A> struct count_uses<node<Op, A...>> {
    template <class X, class U, class K> static constexpr void operand(U& uses, K& ok) {
      if constexpr (is_node<X>::value) {
        constexpr std::size_t i = index_of<X, nodes>::value;
        ++uses[i];
        ok[i] = !tensor_operation<Op> && __is_same(shape_of_t<X>, shape_of_t<node<Op, A...>>);
      }
    }
    template <class U, class K> static constexpr void all(U& uses, K& ok) { (operand<A>(uses, ok), ...); }
  };
  // How often each node is an operand of another node.
  static constexpr auto node_uses = [] {
    std::array<int, size + 1> uses{};
    std::array<bool, size + 1> ok{};
    (count_uses<N>::all(uses, ok), ...);
    static_cast<void>(ok);
    return uses;
  }();
  static constexpr auto fused = [] {
    std::array<int, size + 1> uses{};
    std::array<bool, size + 1> ok{};
    (count_uses<N>::all(uses, ok), ...);
    static_cast<void>(ok);
    const auto output = [&]<class O>(O*) {
      if constexpr (is_node<O>::value) {
        constexpr std::size_t i = index_of<O, nodes>::value;
        ++uses[i];
        ok[i] = false;
      }
    };
    (output(static_cast<Outputs*>(nullptr)), ...);
    std::array<bool, size + 1> f{};
    constexpr bool candidate[] = {elementwise_tensor<N>::value..., false};
    for (std::size_t i = 0; i < size; ++i) f[i] = candidate[i] && uses[i] == 1 && ok[i];
    return f;
  }();

  // get(): the value of an expression, as T for scalars or as a pointer to its first element.
  template <class E> struct value_of;
  // element<SR>(): element i of the value as an operand of an elementwise node of shape SR.
  template <symbol_kind K, std::size_t I, class S> struct value_of<symbol<K, I, S>> {
    template <class T> [[gnu::always_inline]] static auto get(const buffer<T>&, const context<T>& c) {
      if constexpr (S::rank == 0) return leaf_value<T, K, I>(c); else return leaf_pointer<T, K, I>(c);
    }
    template <class SR, class T> [[gnu::always_inline]] static T element(const buffer<T>& v, const context<T>& c, std::size_t i) {
      return T(element_as<S, SR>(get(v, c), i));
    }
  };
  template <std::intmax_t Num, std::intmax_t Den> struct value_of<constant<Num, Den>> {
    template <class T> [[gnu::always_inline]] static T get(const buffer<T>&, const context<T>&) { return constant<Num, Den>::template value<T>(); }
    template <class SR, class T> [[gnu::always_inline]] static T element(const buffer<T>&, const context<T>&, std::size_t) {
      return constant<Num, Den>::template value<T>();
    }
  };
  template <class Op, class... A> struct value_of<node<Op, A...>> {
    using self = node<Op, A...>;
    using result = shape_of_t<self>;
    static constexpr std::size_t slot = index_of<self, nodes>::value;
    static_assert(slot < size, "costate::plan: node missing from the plan (internal error)");
    static constexpr std::size_t offset = offsets[slot];

    static constexpr bool is_fused = fused[slot];

    template <class T> [[gnu::always_inline]] static auto get(const buffer<T>& v, const context<T>&) {
      static_assert(!is_fused, "costate::plan: a fused node has no slot (internal error)");
      if constexpr (result::rank == 0) return v[offset]; else return v.data() + offset;
    }
    template <class SR, class T> [[gnu::always_inline]] static T element(const buffer<T>& v, const context<T>& c, std::size_t i) {
      if constexpr (is_fused) return Op::eval(value_of<A>::template element<result>(v, c, i)...);
      else return T(element_as<result, SR>(get(v, c), i));
    }
    template <class T> [[gnu::always_inline]] static void compute(buffer<T>& v, const context<T>& c) {
      if constexpr (is_fused) {
        // computed inside its parent's loop
      } else if constexpr (tensor_operation<Op>) {
        Op::template eval<T, shape_of_t<A>...>(v.data() + offset, value_of<A>::get(v, c)...);
      } else if constexpr (result::rank == 0) {
        v[offset] = Op::eval(value_of<A>::get(v, c)...);
      } else {
        for (std::size_t i = 0; i < result::size; ++i) v[offset + i] = Op::eval(value_of<A>::template element<result>(v, c, i)...);
      }
    }
  };

  // Fills every slot in topological order.
  template <class T>
  [[gnu::always_inline]] static void fill(buffer<T>& v, const context<T>& c) {
    (value_of<N>::compute(v, c), ...);
  }
};

template <class... Outputs>
struct plan_for {
  using impl = plan_impl<dag_nodes<Outputs...>, tlist<Outputs...>>;
  static constexpr std::size_t slots = impl::size;
  static constexpr std::size_t fused_nodes = [] {
    std::size_t k = 0;
    for (std::size_t i = 0; i < impl::size; ++i) k += impl::fused[i] ? 1 : 0;
    return k;
  }();
  static constexpr std::size_t values = impl::values;
  static constexpr std::size_t outputs = sizeof...(Outputs);

  template <class T, class Sink>
  [[gnu::always_inline]] static void run(const context<T>& c, Sink&& sink) {
    typename impl::template buffer<T> v;
    impl::fill(v, c);
    emit<T>(v, c, sink, std::index_sequence_for<Outputs...>{});
  }

  // Like run, but an output that is a tensor operation no node uses (and that is one output only) is
  // not evaluated into the plan's buffer: the sink receives a deferred value whose write(dst) evaluates
  // it straight into its destination (store and accumulate below take it). Saves a copy of, e.g.,
  // the weight gradient λzᵀ on every right-hand-side call.
  template <class E> static constexpr bool deferrable = [] {
    if constexpr (!is_node<E>::value) {
      return false;
    } else {
      using Op = typename E::op;
      if constexpr (!tensor_operation<Op> || shape_of_t<E>::rank == 0) return false;
      else return impl::node_uses[index_of<E, typename impl::nodes>::value] == 0 && ((__is_same(E, Outputs) ? 1 : 0) + ...) == 1;
    }
  }();

  template <class T, class E> struct deferred;
  template <class T, class Op, class... A> struct deferred<T, node<Op, A...>> {
    static constexpr bool is_deferred = true;
    const typename impl::template buffer<T>& v;
    const context<T>& c;
    [[gnu::always_inline]] void write(T* dst) const {
      Op::template eval<T, shape_of_t<A>...>(dst, impl::template value_of<A>::get(v, c)...);
    }
  };

  template <class T, class Sink>
  [[gnu::always_inline]] static void run_direct(const context<T>& c, Sink&& sink) {
    typename impl::template buffer<T> v;
    fill_direct<T>(v, c, typename impl::nodes{});
    emit_direct<T>(v, c, sink, std::index_sequence_for<Outputs...>{});
  }

 private:
  template <class T, class... N>
  [[gnu::always_inline]] static void fill_direct(typename impl::template buffer<T>& v, const context<T>& c, tlist<N...>) {
    ([&] { if constexpr (!deferrable<N>) impl::template value_of<N>::compute(v, c); }(), ...);
  }
  template <class T, class Sink, std::size_t... I>
  [[gnu::always_inline]] static void emit_direct(const typename impl::template buffer<T>& v, const context<T>& c, Sink& sink,
                                                 std::index_sequence<I...>) {
    ([&] {
      using E = typename at<I, tlist<Outputs...>>::type;
      if constexpr (deferrable<E>) sink(std::integral_constant<std::size_t, I>{}, deferred<T, E>{v, c});
      else sink(std::integral_constant<std::size_t, I>{}, impl::template value_of<E>::get(v, c));
    }(), ...);
  }
  template <class T, class Sink, std::size_t... I>
  [[gnu::always_inline]] static void emit(const typename impl::template buffer<T>& v, const context<T>& c, Sink& sink,
                                          std::index_sequence<I...>) {
    (sink(std::integral_constant<std::size_t, I>{}, impl::template value_of<Outputs>::get(v, c)), ...);
  }
};

}  // namespace detail

// plan<Outputs...>::run(ctx, sink) evaluates the outputs and calls sink(std::integral_constant<i>, value)
// for each output i, in order: value is a T for a scalar output and a pointer to the first of its
// shape's values (row-major) for a tensor output. The sink decides where (and with which sign) it goes.
template <class... Outputs>
using plan = detail::plan_for<std::remove_cvref_t<Outputs>...>;

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

// Value of one scalar expression (plan of one output): for tests and examples.
template <class T, Expr E>
T evaluate(E, const context<T>& c) {
  static_assert(is_scalar_v<E>, "costate::evaluate: a scalar expression; use plan<E>::run for tensors");
  T out{};
  plan<E>::run(c, [&](auto, T v) { out = v; });
  return out;
}

}  // namespace costate
