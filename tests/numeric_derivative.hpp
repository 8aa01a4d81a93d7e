// The shared test helper: every symbolic derivative is checked against a numerical one here.
//
// check_partials(e, points) compares, at each point z (the values of state<0>, state<1>, ...):
//   - derivative_t<E, state<i>>           (forward symbolic differentiation)
//   - vjp_t<{E}, {1}, state<i>>            (the reverse sweep used for VJPs and loss gradients)
//   - derivative of the derivative         (second order: derivatives compose)
// with fourth-order central differences of the value (and of the first derivative).
#pragma once

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "costate/expr/derivative.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/reverse.hpp"

namespace costate::test {

template <class E, std::size_t N>
double value_at(E e, const std::array<double, N>& z, const double* theta = nullptr) {
  const context<double> c{z.data(), nullptr, theta, nullptr, 0.0};
  return evaluate(e, c);
}

template <class F, std::size_t N>
double numeric_partial(F&& f, std::array<double, N> z, std::size_t i, double h = 1e-3) {
  const auto at = [&](double e) { auto w = z; w[i] += e; return f(w); };
  return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
}

// Relative agreement, with an absolute floor of 1e-9 for values that are zero up to rounding.
inline bool close(double a, double b, double rel) {
  return std::abs(a - b) <= rel * std::max(std::abs(a), std::abs(b)) + 1e-9;
}

// Checks first and second partials of E with respect to state<0..N-1> at every point.
template <std::size_t N, class E, std::size_t K>
void check_partials(E e, const std::array<std::array<double, N>, K>& points, double rel = 1e-7) {
  const auto per_index = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using S = symbol<symbol_kind::state, I>;
    using D = derivative_t<E, S>;
    using V = vjp_t<detail::tlist<E>, detail::tlist<one>, S>;
    using DD = derivative_t<D, S>;
    for (const auto& z : points) {
      INFO("expression " << to_string(e) << ", ∂/∂z" << I << " = " << to_string(D{}) << ", at z0 = " << z[0]);
      const double num = numeric_partial([&](const std::array<double, N>& w) { return value_at(e, w); }, z, I);
      const double sym = value_at(D{}, z);
      const double rev = value_at(V{}, z);
      CHECK(close(sym, num, rel));
      CHECK(close(rev, num, rel));
      INFO("second derivative " << to_string(DD{}));
      const double num2 = numeric_partial([&](const std::array<double, N>& w) { return value_at(D{}, w); }, z, I);
      CHECK(close(value_at(DD{}, z), num2, 1e3 * rel));
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (per_index(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<N>{});
}

}  // namespace costate::test
