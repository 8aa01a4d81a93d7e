// A total order on expression types, used to put the operands of commutative operations in a
// canonical order (so a*b and b*a simplify to one type and are shared).
// Constants < symbols < nodes; nodes by (the operation's place in costate::operations, its parameters,
// operands); symbols by index within a kind,
// kinds ordered param < input < t < state < λ — the order people write products in (a*x, b*x*y,
// Ω*t), so simplifying a user's f rarely reorders it.
#pragma once

#include <cstdint>
#include <type_traits>

#include "costate/expr/node.hpp"
#include "costate/expr/operation.hpp"
#include "costate/expr/ops.hpp"

namespace costate::detail {

template <class A, class B> struct compare;

template <class T> struct rank : std::integral_constant<int, 2> {};
template <std::intmax_t N, std::intmax_t D> struct rank<constant<N, D>> : std::integral_constant<int, 0> {};
template <symbol_kind K, std::size_t I, class S> struct rank<symbol<K, I, S>> : std::integral_constant<int, 1> {};

// Operations by their place in the list, then (operations outside it) by name, then by parameters
// lexicographically. One instantiation per pair of operations.
template <class Op1, class Op2>
constexpr int compare_op_types() {
  constexpr std::size_t p1 = op_position<Op1>::value, p2 = op_position<Op2>::value;
  if constexpr (p1 != p2) return p1 < p2 ? -1 : 1;
  else {
    if constexpr (p1 == operations::size) {
      if (const int c = compare_names(Op1::name, Op2::name); c != 0) return c;
    }
    constexpr auto a = op_parameters<Op1>();
    constexpr auto b = op_parameters<Op2>();
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
      if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
  }
}
template <class Op1, class Op2> struct compare_ops : std::integral_constant<int, compare_op_types<Op1, Op2>()> {};

constexpr int sgn(long double v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

// (Every compare derives from integral_constant: a static data member per pair of expressions would be
// a symbol named after both, and GCC names and registers every one.)
template <class A, class B>
struct compare : std::integral_constant<int, rank<A>::value < rank<B>::value ? -1 : 1> {};  // different ranks
template <std::intmax_t N1, std::intmax_t D1, std::intmax_t N2, std::intmax_t D2>
struct compare<constant<N1, D1>, constant<N2, D2>>
    : std::integral_constant<int, sgn(static_cast<long double>(N1) / D1 - static_cast<long double>(N2) / D2)> {};
constexpr int kind_rank(symbol_kind k) {
  switch (k) {
    case symbol_kind::param: return 0;
    case symbol_kind::input: return 1;
    case symbol_kind::time: return 2;
    case symbol_kind::state: return 3;
    case symbol_kind::adjoint: return 4;
  }
  return 5;
}
template <symbol_kind K1, std::size_t I1, class S1, symbol_kind K2, std::size_t I2, class S2>
struct compare<symbol<K1, I1, S1>, symbol<K2, I2, S2>>
    : std::integral_constant<int, K1 != K2 ? (kind_rank(K1) < kind_rank(K2) ? -1 : 1)
                                  : I1 != I2 ? (I1 < I2 ? -1 : 1)
                                  : S1::size != S2::size ? (S1::size < S2::size ? -1 : 1)
                                  : S1::rank != S2::rank ? (S1::rank < S2::rank ? -1 : 1)
                                  : __is_same(S1, S2) ? 0 : (S1::dims[0] < S2::dims[0] ? -1 : 1)> {};

// Lexicographic comparison of operand lists of equal length, first difference wins. (Arrays and
// class templates rather than a lambda or a function per pair of types: GCC names every instantiated
// function after its template arguments, and these can be large expressions.)
template <std::size_t N>
constexpr int first_nonzero(const int (&v)[N]) {
  for (int x : v)
    if (x != 0) return x;
  return 0;
}
template <class L1, class L2> struct compare_operands;
template <class... A1, class... A2>
struct compare_operands<tlist<A1...>, tlist<A2...>> : std::integral_constant<int, first_nonzero({compare<A1, A2>::value..., 0})> {};

// Operands are compared only when everything else is equal (instantiated lazily, as it recurses).
template <bool Deep, class N1, class N2> struct compare_deep : std::integral_constant<int, 0> {};
template <class Op1, class... A1, class Op2, class... A2>
struct compare_deep<true, node<Op1, A1...>, node<Op2, A2...>> : compare_operands<tlist<A1...>, tlist<A2...>> {};

template <class Op1, class... A1, class Op2, class... A2>
struct compare<node<Op1, A1...>, node<Op2, A2...>>
    : std::integral_constant<
          int, compare_ops<Op1, Op2>::value != 0    ? compare_ops<Op1, Op2>::value
               : sizeof...(A1) != sizeof...(A2) ? (sizeof...(A1) < sizeof...(A2) ? -1 : 1)
                                                : compare_deep<(compare_ops<Op1, Op2>::value == 0 && sizeof...(A1) == sizeof...(A2) &&
                                                                !__is_same(node<Op1, A1...>, node<Op2, A2...>)),
                                                               node<Op1, A1...>, node<Op2, A2...>>::value> {};

// (A concept rather than a variable template: GCC emits a symbol per variable template specialization.)
template <class A, class B>
concept ordered_before = compare<A, B>::value < 0;

}  // namespace costate::detail
