// The Jacobian structure derived from expression types (expr/structure.hpp) against the dense
// Jacobian ∂f/∂z the stiff steppers form from n VJPs: every nonzero of the dense Jacobian must be
// listed (a missing one would make a sparse Jacobian silently wrong); for stencil systems the pattern
// must also be exact (no listed entry zero at a generic point).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/structure.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"
#include "../property/random_expression.hpp"

using namespace costate;

namespace {

struct pattern_check {
  std::size_t missing = 0;     // nonzeros of the dense Jacobian the pattern does not list
  std::size_t extra = 0;       // listed entries that are zero at the point
  std::size_t nonzeros = 0;    // nonzeros of the dense Jacobian
  bool finite = true;
};

// The dense Jacobian at a random point (states and parameters in [lo, hi]) against the pattern.
template <class Sys, std::size_t P = (Sys::params == 0 ? 1 : Sys::params)>
pattern_check check_pattern(std::uint64_t seed, double lo = 0.5, double hi = 1.5, const double* inputs = nullptr) {
  constexpr std::size_t n = Sys::states;
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::array<double, n> z;
  for (auto& v : z) v = u(gen);
  std::array<double, P> theta;
  for (auto& v : theta) v = u(gen);
  std::vector<double> J(n * n);
  std::array<double, n> dfdt;
  forward_rhs<Sys, double>{theta.data(), inputs}.jacobian(z, J.data(), 0.3, dfdt);
  const jacobian_pattern& p = jacobian_pattern_of<Sys>();
  pattern_check r;
  REQUIRE(p.n == n);
  REQUIRE(p.row_start.size() == n + 1);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const double v = J[i * n + j];
      if (!std::isfinite(v)) r.finite = false;
      const bool listed = p.contains(i, j);
      if (v != 0.0) {
        ++r.nonzeros;
        if (!listed) ++r.missing;
      } else if (listed) {
        ++r.extra;
      }
    }
  return r;
}

// A random scalar expression over state<0..2> made a vector expression over z[0:N]: state<k> becomes
// a rolled or shifted copy of the vector, so that the random systems are stencils.
constexpr std::size_t RN = 7;
template <class E> struct stencil { using type = E; };
template <std::size_t I> struct stencil<symbol<symbol_kind::state, I>> {
  using v = symbol<symbol_kind::state, 0, shape<RN>>;
  using type = detail::pick_t<I == 0, v, detail::pick_t<I == 1, node<roll_op<1>, v>, node<shift_op<-2>, v>>>;
};
template <class Op, class... A> struct stencil<node<Op, A...>> { using type = node<Op, typename stencil<A>::type...>; };

template <std::uint64_t Seed>
void check_random_system(std::size_t& checked, std::size_t& nonfinite) {
  using G = property::random_system<Seed, 4>;
  using E0 = typename G::template expression<0>;
  using E1 = typename G::template expression<1>;
  using E2 = typename G::template expression<2>;
  {  // scalar: three states
    using Sys = decltype(ode(E0{}, E1{}, E2{}));
    const double inputs[3] = {0.7, 1.1, 0.9};
    for (std::uint64_t s = 0; s < 3; ++s) {
      const pattern_check r = check_pattern<Sys>(Seed * 31 + s, 0.5, 1.5, inputs);
      if (!r.finite) { ++nonfinite; continue; }
      INFO("random scalar system, seed " << Seed);
      CHECK(r.missing == 0);
      ++checked;
    }
  }
  {  // stencils: z[0:7] in each output, rolled and shifted
    using Sys = decltype(ode(typename stencil<E0>::type{}, typename stencil<E1>::type{}));
    const double inputs[3] = {0.7, 1.1, 0.9};
    for (std::uint64_t s = 0; s < 3; ++s) {
      const pattern_check r = check_pattern<Sys>(Seed * 37 + s, 0.5, 1.5, inputs);
      if (!r.finite) { ++nonfinite; continue; }
      INFO("random stencil system, seed " << Seed);
      CHECK(r.missing == 0);
      ++checked;
    }
  }
}

template <std::uint64_t... S>
void check_random_systems(std::size_t& checked, std::size_t& nonfinite, std::integer_sequence<std::uint64_t, S...>) {
  (check_random_system<S + 1000>(checked, nonfinite), ...);
}

}  // namespace

TEST_CASE("Jacobian structure: Lotka–Volterra and Robertson list exactly the nonzeros", "[structure]") {
  constexpr auto x = state<0>;
  constexpr auto y = state<1>;
  constexpr auto a = param<0>;
  constexpr auto b = param<1>;
  using LV = decltype(ode(a * x - b * x * y, -a * y + b * x * y));
  const pattern_check r = check_pattern<LV>(1);
  CHECK(r.missing == 0);
  CHECK(r.extra == 0);
  CHECK(r.nonzeros == 4);
  // y only in the first equation, z only in the last: a triangle of zeros.
  constexpr auto z = state<2>;
  using Tri = decltype(ode(-a * x, a * x - b * y, b * y * y + z));
  const pattern_check t = check_pattern<Tri>(2);
  CHECK(t.missing == 0);
  CHECK(t.extra == 0);
  CHECK(t.nonzeros == 5);
}

TEST_CASE("Jacobian structure: Lorenz-96 written with roll is four bands, wrapping", "[structure]") {
  constexpr std::size_t n = 40;
  constexpr auto x = state_vector<n>;
  using L96 = decltype(ode((roll<-1>(x) - roll<2>(x)) * roll<1>(x) - x + param<0>));
  const pattern_check r = check_pattern<L96>(3);
  CHECK(r.missing == 0);
  CHECK(r.extra == 0);
  CHECK(r.nonzeros == 4 * n);
  const jacobian_pattern& p = jacobian_pattern_of<L96>();
  CHECK(p.nonzeros() == 4 * n);
  CHECK(p.contains(0, n - 1));   // x_{i-1} of x_0 wraps to x_{39}
  CHECK(p.contains(0, n - 2));   // x_{i-2}
  CHECK(p.contains(n - 1, 0));   // x_{i+1} of x_{39} wraps to x_0
  // The rotation form (concat/slice) gives the same pattern.
  constexpr auto next = concat(slice<1, n - 1>(x), slice<0, 1>(x));
  constexpr auto prev = concat(slice<n - 1, 1>(x), slice<0, n - 1>(x));
  constexpr auto prev2 = concat(slice<n - 2, 2>(x), slice<0, n - 2>(x));
  using L96r = decltype(ode((next - prev2) * prev - x + param<0>));
  const pattern_check q = check_pattern<L96r>(4);
  CHECK(q.missing == 0);
  CHECK(q.extra == 0);
  CHECK(jacobian_pattern_of<L96r>().column == p.column);
}

TEST_CASE("Jacobian structure: 1-D Brusselator with roll (periodic) and shift (zero boundary)", "[structure]") {
  constexpr std::size_t N = 50;
  constexpr auto u = state_vector<N>;
  constexpr auto v = state_vector<N, N>;
  constexpr auto A = param<0>;
  constexpr auto B = param<1>;
  constexpr auto alpha = param<2>;
  using Periodic = decltype(ode(A + u * u * v - (B + 1_c) * u + alpha * (roll<1>(u) - 2_c * u + roll<-1>(u)),
                                B * u - u * u * v + alpha * (roll<1>(v) - 2_c * v + roll<-1>(v))));
  const pattern_check r = check_pattern<Periodic>(5);
  CHECK(r.missing == 0);
  CHECK(r.extra == 0);
  CHECK(r.nonzeros == 2 * N * 4);
  using Zero = decltype(ode(A + u * u * v - (B + 1_c) * u + alpha * (shift<1>(u) - 2_c * u + shift<-1>(u)),
                            B * u - u * u * v + alpha * (shift<1>(v) - 2_c * v + shift<-1>(v))));
  const pattern_check z = check_pattern<Zero>(6);
  CHECK(z.missing == 0);
  CHECK(z.extra == 0);
  CHECK(z.nonzeros == 2 * N * 4 - 4);  // no neighbour beyond the ends
}

TEST_CASE("Jacobian structure: a 2-D five-point stencil on a flattened grid", "[structure]") {
  constexpr std::size_t nx = 8, ny = 6, n = nx * ny;
  constexpr auto w = state_vector<n>;
  constexpr auto d = param<0>;
  // Neighbours along x are one element away, along y nx elements (periodic in the flattened index).
  using Grid = decltype(ode(d * (roll<1>(w) + roll<-1>(w) + roll<nx>(w) + roll<-static_cast<std::ptrdiff_t>(nx)>(w) -
                                 4_c * w) - w * w * w));
  const pattern_check r = check_pattern<Grid>(7);
  CHECK(r.missing == 0);
  CHECK(r.extra == 0);
  CHECK(r.nonzeros == 5 * n);
  // With zero boundaries (shift) and a source read from one cell.
  using Dirichlet = decltype(ode(d * (shift<1>(w) + shift<-1>(w) + shift<nx>(w) + shift<-static_cast<std::ptrdiff_t>(nx)>(w) -
                                      4_c * w) + component<5>(w) * w));
  const pattern_check q = check_pattern<Dirichlet>(8);
  CHECK(q.missing == 0);
  CHECK(q.extra == 0);
}

TEST_CASE("Jacobian structure: reductions and products make rows dense, and stay supersets", "[structure]") {
  constexpr auto z = state_vector<2>;
  constexpr auto net = params(matrix<8, 2>, vec<8>, matrix<2, 8>, vec<2>);
  using NN = decltype(ode(net.get<2>() * tanh(net.get<0>() * z + net.get<1>()) + net.get<3>()));
  const pattern_check r = check_pattern<NN>(9, -0.5, 0.5);
  CHECK(r.missing == 0);
  CHECK(jacobian_pattern_of<NN>().nonzeros() == 4);
  // A vector beside scalars, a sum, a component and a slice.
  constexpr auto w = state_vector<6>;
  constexpr auto s = state<6>;
  using Mixed = decltype(ode(w * s - slice<0, 6>(concat(w, w)) * sum(slice<2, 3>(w)), component<4>(w) - s * s));
  const pattern_check m = check_pattern<Mixed>(10);
  CHECK(m.missing == 0);
  // Rows 0..5 depend on w_i, s and w_2..w_4 (the sum); the last row on w_4 and s.
  CHECK(jacobian_pattern_of<Mixed>().nonzeros() == 6 * 2 + 6 * 3 - 3 + 2);
}

TEST_CASE("Jacobian structure: random expressions, scalar and as stencils, never miss a nonzero", "[structure][property]") {
  std::size_t checked = 0, nonfinite = 0;
  check_random_systems(checked, nonfinite, std::make_integer_sequence<std::uint64_t, 12>{});
  INFO(checked << " points checked, " << nonfinite << " skipped (non-finite Jacobian)");
  CHECK(checked >= 40);
}

TEST_CASE("Jacobian structure: grids as state matrices, moved within rows and with reflecting walls", "[structure]") {
  constexpr std::size_t R = 5, C = 7, n = R * C;
  constexpr auto u = state_matrix<R, C>;
  constexpr auto v = state_matrix<R, C, n>;
  constexpr auto d = param<0>;
  // Periodic both ways: along the rows an index map (exact), within them roll's two offsets per
  // place, one of which reads nothing at any given place (listed, zero).
  using Periodic = decltype(ode(d * (roll<1, 0>(u) + roll<-1, 0>(u) + roll<1, 1>(u) + roll<-1, 1>(u) - 4_c * u) - hadamard(u, u)));
  const pattern_check p = check_pattern<Periodic>(11);
  CHECK(p.missing == 0);
  CHECK(p.nonzeros == 5 * n);
  CHECK(jacobian_pattern_of<Periodic>().nonzeros() <= 7 * n);
  // Zero-flux walls (edge and its transpose, both axes) and zero boundaries within rows, two species
  // coupled cell by cell (Gray–Scott's form): banded, never dense.
  constexpr auto lap = [](auto w) {
    return edge<1, 0>(w) + edge<-1, 0>(w) + edge<1, 1>(w) + edge<-1, 1>(w) - 4_c * w;
  };
  using Walls = decltype(ode(d * lap(u) - hadamard(u, hadamard(v, v)) + edge_t<2, 1>(u),
                             lap(v) + hadamard(u, hadamard(v, v)) - d * shift<1, 1>(v)));
  const pattern_check q = check_pattern<Walls>(12);
  CHECK(q.missing == 0);
  CHECK(q.nonzeros > 2 * 5 * n);
  const auto& pw = jacobian_pattern_of<Walls>();
  CHECK(pw.nonzeros() <= 2 * 12 * n);
  std::size_t beyond = 0;  // entries reaching further than one grid row from the cell (either species)
  for (std::size_t i = 0; i < pw.n; ++i)
    for (std::size_t k = pw.row_start[i]; k < pw.row_start[i + 1]; ++k) {
      const auto a = static_cast<std::ptrdiff_t>(pw.column[k] % n), b = static_cast<std::ptrdiff_t>(i % n);
      if (std::abs(a - b) > static_cast<std::ptrdiff_t>(C)) ++beyond;
    }
  CHECK(beyond == 0);
}
