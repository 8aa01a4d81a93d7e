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
#include <random>
#include <vector>

#include "costate/expr/derivative.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/reverse.hpp"
#include "costate/expr/shape_of.hpp"

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

// Tensor expressions: for random λ of E's shape, the reverse sweep's λᵀ∂E/∂X for every state and
// parameter symbol X of E (scalars or blocks) against central differences of λᵀE, component by component.
template <class T = double, class E>
std::vector<double> tensor_value(E, const std::vector<double>& z, const std::vector<double>& th) {
  using S = shape_of_t<E>;
  std::vector<double> out(S::size);
  const context<double> c{z.data(), nullptr, th.data(), nullptr, 0.0};
  plan<E>::run(c, [&](auto, const auto& v) { store<S>(out.data(), v); });
  return out;
}

template <class E>
void check_tensor_vjp(E e, unsigned seed, double rel = 1e-7) {
  using S = shape_of_t<E>;
  using Lam = symbol<symbol_kind::adjoint, 0, S>;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> z(detail::symbol_extent_v<symbol_kind::state, E> + 1), th(detail::symbol_extent_v<symbol_kind::param, E> + 1),
      lam(S::size);
  for (auto& v : z) v = u(rng);
  for (auto& v : th) v = u(rng);
  for (auto& v : lam) v = u(rng);
  const auto weighted = [&](const std::vector<double>& zz, const std::vector<double>& tt) {
    const auto val = tensor_value(e, zz, tt);
    double s = 0;
    for (std::size_t i = 0; i < val.size(); ++i) s += lam[i] * val[i];
    return s;
  };
  const auto check_leaves = [&]<class... X>(detail::tlist<X...>) {
    const auto one_leaf = [&]<class Xs>(Xs) {
      using V = vjp_t<detail::tlist<E>, detail::tlist<Lam>, Xs>;
      using SV = shape_of_t<V>;
      std::vector<double> got(Xs::shape_type::size);
      const context<double> c{z.data(), lam.data(), th.data(), nullptr, 0.0};
      plan<V>::run(c, [&](auto, const auto& v) { store<SV>(got.data(), v); });  // a scalar zero broadcasts
      INFO("expression " << to_string(e) << "\nVJP with respect to " << to_string(Xs{}) << " = " << to_string(V{}));
      for (std::size_t j = 0; j < Xs::shape_type::size; ++j) {
        auto& arr = Xs::kind == symbol_kind::state ? z : th;
        const double h = 1e-4, x0 = arr[Xs::index + j];
        const auto at = [&](double d) { arr[Xs::index + j] = x0 + d; const double r = weighted(z, th); arr[Xs::index + j] = x0; return r; };
        const double num = (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h);
        INFO("component " << j << ": reverse sweep " << got[j] << ", finite difference " << num);
        CHECK(close(got[j], num, rel));
      }
    };
    (one_leaf(X{}), ...);
    static_cast<void>(one_leaf);  // no leaves of this kind
  };
  check_leaves(detail::leaves_t<symbol_kind::state, E>{});
  check_leaves(detail::leaves_t<symbol_kind::param, E>{});
}

}  // namespace costate::test
