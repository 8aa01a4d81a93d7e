// Compile-time rational constants and the `_c` literal (2_c, 0.5_c, 1e-3_c, 1.5e2_c).
//
// Constants are exact rationals so that constant folding during simplification is exact and the
// type stays the whole formula. Arithmetic overflow of numerator or denominator is a compile error.
#pragma once

#include <cstdint>
#include <limits>
#include <numeric>

#include "costate/expr/node.hpp"

namespace costate {
namespace detail {

struct rational {
  std::intmax_t num;
  std::intmax_t den;
};

constexpr std::intmax_t checked_mul(std::intmax_t a, std::intmax_t b) {
  std::intmax_t r{};
  if (__builtin_mul_overflow(a, b, &r))
    throw "costate: compile-time constant overflows std::intmax_t";  // not a constant expression: stops compilation
  return r;
}
constexpr std::intmax_t checked_add(std::intmax_t a, std::intmax_t b) {
  std::intmax_t r{};
  if (__builtin_add_overflow(a, b, &r))
    throw "costate: compile-time constant overflows std::intmax_t";
  return r;
}

constexpr rational normalise(std::intmax_t n, std::intmax_t d) {
  if (d == 0) throw "costate: division by the constant zero";
  if (d < 0) { n = -n; d = -d; }
  const std::intmax_t g = std::gcd(n < 0 ? -n : n, d);
  return g == 0 ? rational{0, 1} : rational{n / g, d / g};
}
constexpr rational add(rational a, rational b) {
  return normalise(checked_add(checked_mul(a.num, b.den), checked_mul(b.num, a.den)),
                   checked_mul(a.den, b.den));
}
constexpr rational mul(rational a, rational b) {
  return normalise(checked_mul(a.num, b.num), checked_mul(a.den, b.den));
}
constexpr rational div(rational a, rational b) {
  return normalise(checked_mul(a.num, b.den), checked_mul(a.den, b.num));
}

// Parses the characters of a literal such as 12.5e-3 into an exact rational.
template <char... Cs>
constexpr rational parse_literal() {
  constexpr char s[] = {Cs..., '\0'};
  std::intmax_t mant = 0, scale = 1;
  int exp = 0, i = 0;
  bool frac = false;
  for (; s[i] != '\0' && s[i] != 'e' && s[i] != 'E'; ++i) {
    if (s[i] == '\'') continue;
    if (s[i] == '.') { frac = true; continue; }
    if (s[i] < '0' || s[i] > '9') throw "costate: _c literals are decimal numbers such as 2_c, 0.5_c, 1e-3_c";
    mant = checked_add(checked_mul(mant, 10), s[i] - '0');
    if (frac) scale = checked_mul(scale, 10);
  }
  if (s[i] == 'e' || s[i] == 'E') {
    ++i;
    bool neg = false;
    if (s[i] == '-' || s[i] == '+') { neg = s[i] == '-'; ++i; }
    for (; s[i] != '\0'; ++i) exp = exp * 10 + (s[i] - '0');
    if (neg) exp = -exp;
  }
  rational r = normalise(mant, scale);
  for (; exp > 0; --exp) r = mul(r, {10, 1});
  for (; exp < 0; ++exp) r = div(r, {10, 1});
  return r;
}

}  // namespace detail

inline namespace literals {
// A compile-time constant: the number is part of the expression's type.
template <char... Cs>
constexpr auto operator""_c() {
  constexpr detail::rational r = detail::parse_literal<Cs...>();
  return constant<r.num, r.den>{};
}
}  // namespace literals

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::operator""_c;
}  // namespace prelude
}  // namespace costate
