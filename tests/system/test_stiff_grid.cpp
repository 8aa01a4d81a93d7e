// The stiff 2-D Brusselator of bench/stiff_pde_2d.cpp on a small grid (5×4 cells, 40 states;
// not square, so that a mix-up of the axes shows): rodas5p's
// gradient with the sparse LU (the Jacobian's pattern from the grid operations, band or Eigen's
// SparseLU) against finite differences, and the sparse and dense LU giving the same gradient.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

#include "costate/check/check_gradient.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rodas5p.hpp"
#include "costate/solve/sparse_lu.hpp"
#include "costate/system/loss.hpp"

using namespace costate;

namespace {
constexpr std::size_t R = 5, C = 4, N = R * C;
constexpr auto u = state_matrix<R, C>;
constexpr auto v = state_matrix<R, C, N>;

// Zero-flux walls: edge repeats the end value along both axes.
template <class W> constexpr auto laplacian(W w) { return edge<1>(w) + edge<-1>(w) + edge<1, 1>(w) + edge<-1, 1>(w) - 4_c * w; }
constexpr auto uuv = hadamard(hadamard(u, u), v);
// θ = (A, B, a), a = α/Δx²
constexpr auto bruss2d =
    ode(param<0> + uuv - (param<1> + 1_c) * u + param<2> * laplacian(u), param<1> * u - uuv + param<2> * laplacian(v));
constexpr auto loss = terminal_loss(0.5_c * sum(hadamard(u, u)));

// a = 40: the diffusion's eigenvalues reach −8a = −320 against O(1) reaction (stiff); Hairer & Wanner's
// BRUSS-2D initial values at the cell centres.
const std::array<double, 3> theta{1.0, 3.4, 40.0};
std::array<double, 2 * N> initial() {
  std::array<double, 2 * N> z{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      const double x = (double(c) + 0.5) / C, y = (double(r) + 0.5) / R;
      z[r * C + c] = 22.0 * y * std::pow(1.0 - y, 1.5);
      z[N + r * C + c] = 27.0 * x * std::pow(1.0 - x, 1.5);
    }
  return z;
}
}  // namespace

TEST_CASE("stiff 2-D Brusselator behind zero-flux walls: rodas5p's sparse-LU gradient against finite differences",
          "[grid][stiff][sparse]") {
  const auto o = options<rodas5p>{.stepper = {.lu = lu_kind::sparse}, .rtol = 1e-10, .atol = 1e-12};
  const auto r = check_gradient(bruss2d, initial(), theta, {0.0, 1.0}, loss, o, check_options{.fd_rtol = 1e-11, .fd_atol = 1e-11, .complex_step = false});
  INFO(r);
  INFO("largest relative error against finite differences: " << r.max_error_fd);
  CHECK(r.passed(1e-6));
}

TEST_CASE("stiff 2-D Brusselator: the sparse and the dense LU give the same gradient", "[grid][stiff][sparse]") {
  const auto z0 = initial();
  const auto sparse = gradient(bruss2d, z0, theta, {0.0, 2.0}, loss, options<rodas5p>{.stepper = {.lu = lu_kind::sparse}, .rtol = 1e-10, .atol = 1e-12});
  const auto dense = gradient(bruss2d, z0, theta, {0.0, 2.0}, loss, options<rodas5p>{.stepper = {.lu = lu_kind::dense}, .rtol = 1e-10, .atol = 1e-12});
  // Each pass factorised W only the way it was asked to.
  CHECK(sparse.stats.forward.factorisations > 0);
  CHECK(sparse.stats.forward.sparse_factorisations == sparse.stats.forward.factorisations);
  CHECK(sparse.stats.backward.sparse_factorisations == sparse.stats.backward.factorisations);
  CHECK(dense.stats.forward.sparse_factorisations == 0);
  CHECK(dense.stats.backward.sparse_factorisations == 0);
  // The colouring needs far fewer sweeps than the dense Jacobian's one per state.
  CHECK(sparse.stats.forward.jacobian_sweeps < dense.stats.forward.jacobian_sweeps / 4);
  // Both solve the same linear systems to rounding, so only rounding separates the gradients.
  CHECK(sparse.loss == Approx(dense.loss).epsilon(1e-10));
  double worst = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < 2 * N; ++i) {
    worst = std::max(worst, std::abs(sparse.dz0[i] - dense.dz0[i]));
    scale = std::max(scale, std::abs(dense.dz0[i]));
  }
  INFO("largest difference in dL/dz0: " << worst << " of " << scale);
  CHECK(worst <= 1e-8 * scale);
  for (std::size_t k = 0; k < 3; ++k) CHECK(sparse.dtheta[k] == Approx(dense.dtheta[k]).epsilon(1e-8));
}
