// Structural hashes of expression types, for lookups in large DAGs (expr/dag.hpp).
//
// GCC 12 has no O(1) way to find a type in a long pack (no __type_pack_element; every "where is X
// in Ts..." or "I-th of Ts..." walks the pack). A DAG of thousands of nodes is therefore indexed by
// hash: type_hash<E> is computed once per type (variable templates are memoised) from the hashes of
// its operands, and tables of a DAG are constexpr arrays searched by binary search. Collisions are
// detected where they could matter (expr/dag.hpp compares types), so they cannot produce wrong results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "costate/expr/node.hpp"

namespace costate::detail {

constexpr std::uint64_t fmix64(std::uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}
constexpr std::uint64_t hash_combine(std::uint64_t h, std::uint64_t v) {
  return fmix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)));
}

// An operation's hash: its full name, so that op templates (pow_int_op<3>, slice_op<2, 4>) differ.
template <class Op>
constexpr std::uint64_t name_hash() {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : std::string_view(__PRETTY_FUNCTION__)) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return fmix64(h);
}
template <class Op> inline constexpr std::uint64_t op_hash = name_hash<Op>();

template <std::size_t N>
constexpr std::uint64_t hash_all(std::uint64_t h, const std::uint64_t (&v)[N]) {
  for (std::size_t i = 0; i + 1 < N; ++i) h = hash_combine(h, v[i]);
  return h;
}

// Structural hash of an expression type, computed once per type. A class deriving from
// integral_constant rather than a variable template: GCC registers (and mangles) every instantiated
// static variable, named after its template arguments — and those can be large expressions.
template <class E> struct type_hash_of : std::integral_constant<std::uint64_t, 0> {};
template <std::size_t... D>
struct shape_hash_of : std::integral_constant<std::uint64_t, hash_all(0x5a9eULL ^ sizeof...(D), {std::uint64_t{D}..., 0})> {};
template <std::intmax_t N, std::intmax_t D>
struct type_hash_of<constant<N, D>>
    : std::integral_constant<std::uint64_t, hash_combine(hash_combine(1, static_cast<std::uint64_t>(N)), static_cast<std::uint64_t>(D))> {};
template <symbol_kind K, std::size_t I, std::size_t... D>
struct type_hash_of<symbol<K, I, shape<D...>>>
    : std::integral_constant<std::uint64_t, hash_combine(hash_combine(hash_combine(2, static_cast<std::uint64_t>(K)), I),
                                                         shape_hash_of<D...>::value)> {};
template <class Op, class... A>
struct type_hash_of<node<Op, A...>>
    : std::integral_constant<std::uint64_t, hash_all(hash_combine(3, op_hash<Op>), {type_hash_of<A>::value..., 0})> {};

}  // namespace costate::detail
