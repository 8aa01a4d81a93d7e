// a^N for an integer N: repeated multiplication, exact for negative bases.
#pragma once
#include "costate/expr/operation.hpp"

namespace costate {
struct mul_op;
template <int N>
struct pow_int_op {
  static constexpr const char* name = "pow_int";
  static constexpr int exponent = N;
  static constexpr std::array<std::intmax_t, 1> parameters{N};
  static constexpr bool commutative = false;
  static constexpr notation note{notation::power, "^", "^", precedence::power};
  template <class T> static constexpr T eval(const T& a) {
    constexpr int n = N < 0 ? -N : N;
    T r = T(1), b = a;
    for (int k = n; k > 0; k >>= 1) {  // binary powering: log2(N) multiplications
      if (k & 1) r = r * b;
      if (k > 1) b = b * b;
    }
    if constexpr (N < 0) return T(1) / r; else return r;
  }
  // ∂/∂a = N a^(N-1)
  template <class Self, class A>
  using partials = detail::tlist<node<mul_op, constant<N>, node<pow_int_op<N - 1>, A>>>;
};
}  // namespace costate
