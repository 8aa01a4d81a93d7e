// roll<k>(v): the vector v rotated by k places, periodically: roll<k>(v)[i] = v[(i - k) mod n], the
// convention of numpy.roll and Julia's circshift. On a periodic grid, roll<1>(x)[i] = x[i-1] and
// roll<-1>(x)[i] = x[i+1]: Lorenz-96 is (roll<-1>(x) - roll<2>(x)) * roll<1>(x) - x + F.
// An index map (read in place by the plan); its VJP rolls λ back.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include "costate/expr/operation.hpp"
#include "costate/expr/shape.hpp"
#include "costate/expr/shape_of.hpp"

namespace costate {
namespace detail {
template <std::ptrdiff_t K, class S>
struct roll_needs_a_vector {  // <places, shape of the operand>
  static_assert(S::rank == 1, "costate: roll<k>(v) rotates a vector (rank 1)");
  using type = S;
};
// k mod n in [0, n).
constexpr std::size_t periodic_offset(std::ptrdiff_t k, std::size_t n) {
  const auto m = static_cast<std::ptrdiff_t>(n);
  return static_cast<std::size_t>(((k % m) + m) % m);
}
}  // namespace detail

template <std::ptrdiff_t K>
struct roll_op {
  static constexpr const char* name = "roll";
  static constexpr std::ptrdiff_t places = K;
  static constexpr std::array<std::intmax_t, 1> parameters{K};
  static constexpr bool tensor = true;
  static constexpr bool index_map = true;  // (detail::index_piece)
  static constexpr bool multilinear = true;  // zero if the operand is zero
  static constexpr bool commutative = false;
  static constexpr notation note{notation::function, "roll", "\\operatorname{roll}", precedence::atom};
  template <class S> using result_shape = typename detail::roll_needs_a_vector<K, S>::type;
  template <class T, class S, class V>
  [[gnu::always_inline]] static void eval(T* out, const V& v) {
    constexpr std::size_t n = S::size, s = detail::periodic_offset(K, S::size);
    for (std::size_t i = 0; i < s; ++i) out[i] = T(v[n - s + i]);
    for (std::size_t i = s; i < n; ++i) out[i] = T(v[i - s]);
  }
  // out[0, s) = v[n - s, n), out[s, n) = v[0, n - s); an empty first piece when s = 0.
  template <class S> static constexpr std::array<detail::index_piece, 2> pieces() {
    constexpr std::size_t n = S::size, s = detail::periodic_offset(K, S::size);
    return {{{0, s, 0, n - s}, {s, n, 0, 0}}};
  }
  template <std::size_t, class Self, class Adj, class V>
  using vjp = node<roll_op<-K>, Adj>;
};

template <std::ptrdiff_t K, Expr A> constexpr auto roll(A) { return detail::make<roll_op<K>, A>(); }
namespace prelude {  // (costate/prelude.hpp)
using costate::roll;
}  // namespace prelude
}  // namespace costate
