// The evaluation plan: every distinct subexpression of a set of outputs computed once per call.
//
// The plan's slots are the DAG's distinct inner nodes in topological order (expr/dag.hpp), held in a
// std::array on the stack: no heap, no tape, no virtual call. Leaves are read from the context.
// Because derived expressions reuse f's own node types (tanh(u) in f and 1 - tanh(u)² in its VJP),
// a plan over f and its VJPs computes the shared nodes a single time.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>

#include "costate/expr/dag.hpp"
#include "costate/expr/node.hpp"

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

template <class Nodes> struct plan_impl;

template <class... N>
struct plan_impl<tlist<N...>> {
  using nodes = tlist<N...>;
  static constexpr std::size_t size = sizeof...(N);

  template <class T> using buffer = std::array<T, size == 0 ? 1 : size>;

  template <class E> struct value_of;
  template <symbol_kind K, std::size_t I> struct value_of<symbol<K, I>> {
    template <class T> [[gnu::always_inline]] static T get(const buffer<T>&, const context<T>& c) { return leaf_value<T, K, I>(c); }
  };
  template <std::intmax_t Num, std::intmax_t Den> struct value_of<constant<Num, Den>> {
    template <class T> [[gnu::always_inline]] static T get(const buffer<T>&, const context<T>&) { return constant<Num, Den>::template value<T>(); }
  };
  template <class Op, class... A> struct value_of<node<Op, A...>> {
    static constexpr std::size_t slot = index_of<node<Op, A...>, nodes>::value;
    static_assert(slot < size, "costate::plan: node missing from the plan (internal error)");
    template <class T> [[gnu::always_inline]] static T get(const buffer<T>& v, const context<T>&) { return v[slot]; }
    template <class T> [[gnu::always_inline]] static T compute(const buffer<T>& v, const context<T>& c) {
      return Op::eval(value_of<A>::get(v, c)...);
    }
  };

  // Fills every slot in topological order.
  template <class T, std::size_t... I>
  [[gnu::always_inline]] static void fill(buffer<T>& v, const context<T>& c, std::index_sequence<I...>) {
    ((v[I] = value_of<N>::compute(v, c)), ...);
  }
};

}  // namespace detail

namespace detail {
template <class... Outputs>
struct plan_for {
  using impl = detail::plan_impl<detail::dag_nodes<Outputs...>>;
  static constexpr std::size_t slots = impl::size;
  static constexpr std::size_t outputs = sizeof...(Outputs);

  template <class T, class Sink>
  [[gnu::always_inline]] static void run(const context<T>& c, Sink&& sink) {
    typename impl::template buffer<T> v;
    impl::fill(v, c, std::make_index_sequence<impl::size>{});
    emit<T>(v, c, sink, std::index_sequence_for<Outputs...>{});
  }

 private:
  template <class T, class Sink, std::size_t... I>
  [[gnu::always_inline]] static void emit(const typename impl::template buffer<T>& v, const context<T>& c, Sink& sink,
                                          std::index_sequence<I...>) {
    (sink(std::integral_constant<std::size_t, I>{}, impl::template value_of<Outputs>::get(v, c)), ...);
  }
};
}  // namespace detail

// plan<Outputs...>::run(ctx, sink) evaluates the outputs and calls sink(std::integral_constant<i>, value)
// for each output i, in order. The sink decides where (and with which sign) a value goes.
template <class... Outputs>
using plan = detail::plan_for<std::remove_cvref_t<Outputs>...>;

// Value of one expression (plan of one output): mostly for tests and printing examples.
template <class T, Expr E>
T evaluate(E, const context<T>& c) {
  T out{};
  plan<E>::run(c, [&](auto, T v) { out = v; });
  return out;
}

}  // namespace costate
