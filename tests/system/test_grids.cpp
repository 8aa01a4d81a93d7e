// Whole systems on 2-D grids written with the grid operations (state_matrix, roll, shift, edge along
// both axes, hadamard, input_matrix): gradients against finite differences, against the same systems
// written with shifts of the flat vector where that is exact, and against closed forms (mass kept by
// periodic and reflecting diffusion, the decay of a Fourier mode), and SUNDIALS' cvsAdvDiff_ASAi_bnd
// against its published output.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <type_traits>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rosenbrock.hpp"

using namespace costate;

namespace {
constexpr std::size_t R = 6, C = 5, N = R * C;
constexpr auto u = state_matrix<R, C>;
constexpr auto v = state_matrix<R, C, N>;  // a second species after the first

// 5-point Laplacians: periodic (roll) and reflecting, zero-flux (edge); axis 0 moves rows, axis 1 columns.
template <class U> constexpr auto periodic_laplacian(U w) { return roll<1>(w) + roll<-1>(w) + roll<1, 1>(w) + roll<-1, 1>(w) - 4_c * w; }
template <class U> constexpr auto neumann_laplacian(U w) { return edge<1>(w) + edge<-1>(w) + edge<1, 1>(w) + edge<-1, 1>(w) - 4_c * w; }

// Advection–diffusion on a periodic grid: θ0 = D/h², θ1 = a_x/(2h), θ2 = a_y/(2h) (central differences).
constexpr auto advection_diffusion =
    ode(param<0> * periodic_laplacian(u) - param<1> * (roll<-1, 1>(u) - roll<1, 1>(u)) - param<2> * (roll<-1>(u) - roll<1>(u)));

// Gray–Scott: u' = Du Δu - u v² + F (1 - u), v' = Dv Δv + u v² - (F + k) v, with a feed rate that varies
// over the grid (an input matrix times θ2); u periodic, v behind zero-flux walls.
constexpr auto uvv = hadamard(u, hadamard(v, v));
constexpr auto gray_scott = ode(param<0> * periodic_laplacian(u) - uvv + param<2> * hadamard(input_matrix<R, C>, 1_c - u),
                                param<1> * neumann_laplacian(v) + uvv - (param<2> + param<3>) * v);

std::array<double, N> bump() {
  std::array<double, N> z{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c)
      z[r * C + c] = std::exp(-0.5 * (std::pow(double(r) - 2.5, 2) + std::pow(double(c) - 1.7, 2))) + 0.05 * double((r + 2 * c) % 3);
  return z;
}
double total(const std::array<double, N>& z) {
  double s = 0;
  for (double x : z) s += x;
  return s;
}
}  // namespace

TEST_CASE("right-hand sides that loop over hundreds of grid values are called out of line", "[grid]") {
  // Inlined into each of a stepper's stages, such loops are compiled once per stage (expr/plan.hpp's
  // large_work); a call costs little beside them. The small tensor systems stay inlined
  // (test_large_systems.cpp: Lorenz-96 in tensor form at n = 40).
  using G = std::remove_cvref_t<decltype(gray_scott)>;
  using A = std::remove_cvref_t<decltype(advection_diffusion)>;
  STATIC_REQUIRE(forward_rhs<G, double>::plan_type::work > detail::large_work);
  STATIC_REQUIRE(forward_rhs<G, double>::plan_type::code_size <= detail::large_plan);
  STATIC_REQUIRE(forward_rhs<G, double>::out_of_line);
  STATIC_REQUIRE(interpolated_adjoint_rhs<A, double, detail::dense_segment<N>>::out_of_line);
  STATIC_REQUIRE(!forward_rhs<A, double>::out_of_line);
}

TEST_CASE("2-D advection–diffusion on a periodic grid: gradients against finite differences", "[grid]") {
  // ½|u|² does not depend on the advection (next test case): weigh the squares by an input field.
  std::array<double, N> weight{};
  for (std::size_t i = 0; i < N; ++i) weight[i] = 1.0 + 0.5 * std::sin(0.8 * double(i));
  const std::array<double, 3> theta{0.8, 0.6, -0.35};
  const auto r = check_gradient(advection_diffusion.with_inputs(weight), bump(), theta, {0.0, 1.0},
                                terminal_loss(0.5_c * sum(hadamard(input_matrix<R, C>, hadamard(u, u)))),
                                options<>{.rtol = 1e-10, .atol = 1e-10});
  INFO("largest relative error against finite differences: " << r.max_error_fd);
  CHECK(r.passed(1e-6));
}

TEST_CASE("2-D advection–diffusion keeps its mass: dL/dz0 = 1 and dL/dθ = 0 for L = Σ u(t1)", "[grid]") {
  const std::array<double, 3> theta{0.8, 0.6, -0.35};
  const auto z0 = bump();
  const auto g = gradient(advection_diffusion, z0, theta, {0.0, 2.0}, terminal_loss(sum(u)), options<>{.rtol = 1e-10, .atol = 1e-10});
  CHECK(g.loss == Approx(total(z0)).epsilon(1e-12));
  for (std::size_t i = 0; i < N; ++i) CHECK(g.dz0[i] == Approx(1.0).epsilon(1e-10));
  for (double d : g.dtheta) CHECK(d == Approx(0.0).margin(1e-10));
}

TEST_CASE("a Fourier mode of the periodic grid decays at its eigenvalue, and advection leaves |u| unchanged", "[grid]") {
  // u0[r][c] = cos(2π c / C) is an eigenvector of the periodic Laplacian with eigenvalue 2 cos(2π/C) - 2;
  // central advection on a periodic grid is skew-symmetric and commutes with it, so for L = ½|u(t1)|²,
  // L = ½|u0|² e^{2 θ0 μ t1}, dL/dθ0 = 2 μ t1 L and dL/dθ1 = dL/dθ2 = 0.
  std::array<double, N> z0{};
  double norm2 = 0;
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      z0[r * C + c] = std::cos(2 * std::numbers::pi * double(c) / double(C));
      norm2 += z0[r * C + c] * z0[r * C + c];
    }
  const std::array<double, 3> theta{0.3, 0.9, -0.5};
  const double mu = 2 * std::cos(2 * std::numbers::pi / double(C)) - 2, t1 = 1.5;
  const double L = 0.5 * norm2 * std::exp(2 * theta[0] * mu * t1);
  const auto g = gradient(advection_diffusion, z0, theta, {0.0, t1}, terminal_loss(0.5_c * sum(hadamard(u, u))),
                          options<>{.rtol = 1e-11, .atol = 1e-11});
  CHECK(g.loss == Approx(L).epsilon(1e-9));
  CHECK(g.dtheta[0] == Approx(2 * mu * t1 * L).epsilon(1e-8));
  CHECK(g.dtheta[1] == Approx(0.0).margin(1e-9));
  CHECK(g.dtheta[2] == Approx(0.0).margin(1e-9));
}

TEST_CASE("reflecting (edge) diffusion keeps its mass, and its gradient agrees with finite differences", "[grid]") {
  // Isotropic diffusion plus more of it along the rows (axis 1).
  constexpr auto diffusion = ode(param<0> * neumann_laplacian(u) + param<1> * (edge<1, 1>(u) + edge<-1, 1>(u) - 2_c * u));
  const std::array<double, 2> theta{0.7, 0.4};
  const auto z0 = bump();
  const auto g = gradient(diffusion, z0, theta, {0.0, 2.0}, terminal_loss(sum(u)), options<>{.rtol = 1e-10, .atol = 1e-10});
  CHECK(g.loss == Approx(total(z0)).epsilon(1e-10));
  for (std::size_t i = 0; i < N; ++i) CHECK(g.dz0[i] == Approx(1.0).epsilon(1e-9));
  for (double d : g.dtheta) CHECK(d == Approx(0.0).margin(1e-9));
  // With an upwind drift towards the wall of column 0 too (which does not keep mass).
  constexpr auto drift = ode(param<0> * neumann_laplacian(u) + param<1> * (edge<-1, 1>(u) - u));
  const auto r = check_gradient(drift, z0, theta, {0.0, 1.0}, terminal_loss(0.5_c * sum(hadamard(u, u))),
                                options<>{.rtol = 1e-10, .atol = 1e-10});
  INFO("largest relative error against finite differences: " << r.max_error_fd);
  CHECK(r.passed(1e-6));
}

TEST_CASE("moving whole rows (axis 0) is moving the flat vector by multiples of C: equal gradients", "[grid]") {
  constexpr auto flat = state_vector<N>;
  constexpr auto rows = ode(param<0> * (roll<1>(u) + roll<-2>(u) - 2_c * u) + param<1> * (shift<1>(u) - shift<-1>(u)) -
                            0.1_c * hadamard(u, u));
  constexpr auto flat_rows = ode(param<0> * (roll<int(C)>(flat) + roll<-2 * int(C)>(flat) - 2_c * flat) +
                                 param<1> * (shift<int(C)>(flat) - shift<-int(C)>(flat)) - 0.1_c * flat * flat);
  const std::array<double, 2> theta{0.6, 0.3};
  const auto o = options<>{.rtol = 1e-10, .atol = 1e-10};
  const auto a = gradient(rows, bump(), theta, {0.0, 1.0}, terminal_loss(0.5_c * sum(hadamard(u, u))), o);
  const auto b = gradient(flat_rows, bump(), theta, {0.0, 1.0}, terminal_loss(0.5_c * dot(flat, flat)), o);
  CHECK(a.loss == Approx(b.loss).epsilon(1e-14));
  for (std::size_t k = 0; k < 2; ++k) CHECK(a.dtheta[k] == Approx(b.dtheta[k]).epsilon(1e-13));
  for (std::size_t i = 0; i < N; ++i) CHECK(a.dz0[i] == Approx(b.dz0[i]).epsilon(1e-13));
}

TEST_CASE("a single row along axis 1 and a single column along axis 0 are the vector operations", "[grid]") {
  constexpr auto row = state_matrix<1, 7>;
  constexpr auto col = state_matrix<7, 1>;
  constexpr auto vec7 = state_vector<7>;
  constexpr auto on_row = ode(param<0> * (roll<1, 1>(row) + shift<-2, 1>(row) + edge<1, 1>(row) + edge<-3, 1>(row) - 4_c * row) -
                              0.2_c * hadamard(row, row));
  constexpr auto on_col = ode(param<0> * (roll<1>(col) + shift<-2>(col) + edge<1>(col) + edge<-3>(col) - 4_c * col) -
                              0.2_c * hadamard(col, col));
  constexpr auto on_vec = ode(param<0> * (roll<1>(vec7) + shift<-2>(vec7) + edge<1>(vec7) + edge<-3>(vec7) - 4_c * vec7) -
                              0.2_c * vec7 * vec7);
  std::array<double, 7> z0{};
  for (std::size_t i = 0; i < 7; ++i) z0[i] = std::sin(1.0 + 0.7 * double(i));
  const std::array<double, 1> theta{0.5};
  const auto o = options<>{.rtol = 1e-10, .atol = 1e-10};
  const auto a = gradient(on_row, z0, theta, {0.0, 1.0}, terminal_loss(sum(hadamard(row, row))), o);
  const auto b = gradient(on_col, z0, theta, {0.0, 1.0}, terminal_loss(sum(hadamard(col, col))), o);
  const auto c = gradient(on_vec, z0, theta, {0.0, 1.0}, terminal_loss(dot(vec7, vec7)), o);
  // (The same arithmetic up to the order of a few sums: equal to rounding.)
  double worst = std::abs(a.dtheta[0] - c.dtheta[0]) + std::abs(b.dtheta[0] - c.dtheta[0]);
  for (std::size_t i = 0; i < 7; ++i) worst = std::max({worst, std::abs(a.dz0[i] - c.dz0[i]), std::abs(b.dz0[i] - c.dz0[i])});
  INFO("largest difference to the vector form: " << worst);
  CHECK(worst <= 1e-13 * std::abs(c.dtheta[0]));
  const auto r = check_gradient(on_vec, z0, theta, {0.0, 1.0}, terminal_loss(dot(vec7, vec7)), o);
  CHECK(r.passed(1e-6));
}

TEST_CASE("Gray–Scott on a 6×5 grid, two species, a feed field as an input matrix: gradients", "[grid]") {
  std::array<double, 2 * N> z0{};
  const auto b = bump();
  for (std::size_t i = 0; i < N; ++i) {
    z0[i] = 1.0 - 0.5 * b[i];
    z0[N + i] = 0.25 * b[i] + 0.05;
  }
  std::array<double, N> feed{};
  for (std::size_t i = 0; i < N; ++i) feed[i] = 1.0 + 0.3 * std::cos(0.9 * double(i));
  const std::array<double, 4> theta{0.2, 0.1, 0.04, 0.06};
  const auto sys = gray_scott.with_inputs(feed);
  const auto loss = terminal_loss(0.5_c * sum(hadamard(v, v)) + sum(u));
  const auto tight = options<>{.rtol = 1e-10, .atol = 1e-10};
  const auto r = check_gradient(sys, z0, theta, {0.0, 5.0}, loss, tight);
  INFO("largest relative error against finite differences: " << r.max_error_fd);
  CHECK(r.passed(1e-6));
  // The stiff stepper (Jacobians formed from VJPs of the grid operations) agrees with dopri5.
  const auto a = gradient(sys, z0, theta, {0.0, 5.0}, loss, tight);
  const auto s = gradient(sys, z0, theta, {0.0, 5.0}, loss, options<rosenbrock4>{.rtol = 1e-9, .atol = 1e-9});
  for (std::size_t k = 0; k < 4; ++k) CHECK(s.dtheta[k] == Approx(a.dtheta[k]).epsilon(1e-6));
  for (std::size_t i = 0; i < 2 * N; ++i) CHECK(s.dz0[i] == Approx(a.dz0[i]).epsilon(1e-6).margin(1e-9));
}

TEST_CASE("a constant coupling matrix as an input: input_matrix * z is not differentiated", "[grid]") {
  constexpr auto w = state_vector<4>;
  constexpr auto W = params(matrix<4, 4>).get<0>();  // the same matrix as parameters θ[0:16]
  constexpr auto with_input = ode(input_matrix<4, 4> * w - param<16> * hadamard(w, w));
  constexpr auto with_param = ode(W * w - param<16> * hadamard(w, w));
  std::array<double, 16> A{};
  for (std::size_t i = 0; i < 16; ++i) A[i] = (i % 5 == 0 ? -1.0 : 0.2) + 0.05 * double(i % 3);
  std::array<double, 17> theta{};
  for (std::size_t i = 0; i < 16; ++i) theta[i] = A[i];
  theta[16] = 0.3;
  const std::array<double, 4> z0{0.5, -0.2, 0.8, 0.1};
  const auto o = options<>{.rtol = 1e-10, .atol = 1e-10};
  const auto loss = terminal_loss(0.5_c * dot(w, w));
  const auto a = gradient(with_input.with_inputs(A), z0, theta, {0.0, 1.0}, loss, o);
  const auto b = gradient(with_param, z0, theta, {0.0, 1.0}, loss, o);
  STATIC_REQUIRE(system_of_t<decltype(with_input)>::params == 17);
  CHECK(a.loss == Approx(b.loss).epsilon(1e-14));
  CHECK(a.dtheta[16] == Approx(b.dtheta[16]).epsilon(1e-12));
  for (std::size_t k = 0; k < 16; ++k) CHECK(a.dtheta[k] == 0.0);  // θ0..15 are not in f
  for (std::size_t i = 0; i < 4; ++i) CHECK(a.dz0[i] == Approx(b.dz0[i]).epsilon(1e-12));
}

// SUNDIALS' example cvsAdvDiff_ASAi_bnd (bench/advection_diffusion.cpp times it against CVODES):
// u_t = u_xx + 0.5 u_x + u_yy on [0, 2] × [0, 1] with zero walls, central differences on 40 × 20 interior
// points (u[i][j] at x = (i+1)·2/41, y = (j+1)/21), G = ∫ Σ u dt over [0, 1]. Its .out prints the largest
// λ(t0) = dG/du(t0): 1.128855e-01 at x = 1.170732 (i = 24), y = 0.4761905 (j = 10), computed by CVODES at
// atol 1e-5; the converged value is 0.112892, so the published digits hold to that atol.
TEST_CASE("SUNDIALS' cvsAdvDiff_ASAi_bnd: the published largest λ(t0) and its place", "[grid][sundials]") {
  constexpr std::size_t MX = 40, MY = 20;
  constexpr auto w = state_matrix<MX, MY>;
  constexpr auto advdiff = ode(1681_c / 4_c * (shift<1>(w) - 2_c * w + shift<-1>(w)) + 123_c / 8_c * (shift<-1>(w) - shift<1>(w)) +
                               441_c * (shift<1, 1>(w) - 2_c * w + shift<-1, 1>(w)));
  std::array<double, MX * MY> z0{};
  for (std::size_t i = 0; i < MX; ++i)
    for (std::size_t j = 0; j < MY; ++j) {
      const double x = double(i + 1) * 2.0 / 41.0, y = double(j + 1) / 21.0;
      z0[i * MY + j] = x * (2 - x) * y * (1 - y) * std::exp(5 * x * y);
    }
  const std::array<double, 0> theta{};
  for (const double tol : {1e-6, 1e-10}) {
    const auto g = gradient(advdiff, z0, theta, {0.0, 1.0}, running_loss(sum(w)), options<>{.rtol = tol, .atol = tol});
    // The example's search: the first largest |λ|, y outer, x inner.
    double top = 0;
    std::size_t ti = 0, tj = 0;
    for (std::size_t j = 0; j < MY; ++j)
      for (std::size_t i = 0; i < MX; ++i)
        if (std::abs(g.dz0[i * MY + j]) > top) top = g.dz0[i * MY + j], ti = i + 1, tj = j + 1;
    INFO("rtol = atol = " << tol << ": λ max " << top << " at i = " << ti << ", j = " << tj);
    CHECK(std::abs(top - 1.128855e-01) <= 1e-5);
    CHECK(ti == 24);
    // j = 10 and 11 are mirror images in y (no advection along y), equal but for the integration error:
    // dopri5 runs at its stability limit here, where the controller lets noise in the stiffest modes
    // grow to the tolerance.
    CHECK((tj == 10 || tj == 11));
    CHECK(std::abs(g.dz0[23 * MY + 9] - g.dz0[23 * MY + 10]) <= 10 * tol);
    CHECK(std::abs(2.0 * 24 / 41 - 1.170732) < 5e-7);
    CHECK(std::abs(10.0 / 21 - 4.761905e-01) < 5e-8);
  }
}
