// The stiff steppers' sparse path (solve/stiff_linear.hpp, solve/sparse_lu.hpp): Jacobians by colour
// sweeps equal the dense ones, gradients with the sparse LU equal those with the dense LU, and a stiff
// 1-D Brusselator of 2000 states (written with shift) gets gradients that match finite differences.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include "costate/error.hpp"
#include "costate/expr/colouring.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/banded_lu.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/rodas5p.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/solve/solve.hpp"
#include "costate/solve/sparse_lu.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/rhs.hpp"
#include "stiff_problems.hpp"

using namespace costate;

namespace {

// The 1-D Brusselator (Hairer & Wanner II, IV.10: BRUSS) on N interior points of [0, 1] with
// u = 1, v = 3 at both ends: u' = A + u²v − (B + 1)u + a(u_{i−1} − 2u_i + u_{i+1}),
// v' = Bu − u²v + a(v_{i−1} − 2v_i + v_{i+1}), a = α/Δx². Neighbours by shift (zeros beyond the ends),
// the boundary values through an input vector that is 1 at the two end points.
template <std::size_t N>
struct brusselator {
  static constexpr auto u = state_vector<N>;
  static constexpr auto v = state_vector<N, N>;
  static constexpr auto ends = input_vector<N>;
  static constexpr auto A = param<0>;
  static constexpr auto B = param<1>;
  static constexpr auto a = param<2>;
  static constexpr auto sys = ode(A + u * u * v - (B + 1_c) * u + a * (shift<1>(u) - 2_c * u + shift<-1>(u) + ends),
                                  B * u - u * u * v + a * (shift<1>(v) - 2_c * v + shift<-1>(v) + 3_c * ends));
  static std::array<double, N> end_points() {
    std::array<double, N> e{};
    e[0] = e[N - 1] = 1.0;
    return e;
  }
  static std::array<double, 2 * N> z0() {
    std::array<double, 2 * N> z{};
    for (std::size_t i = 0; i < N; ++i) {
      const double x = static_cast<double>(i + 1) / static_cast<double>(N + 1);
      z[i] = 1.0 + std::sin(2 * M_PI * x);
      z[N + i] = 3.0;
    }
    return z;
  }
  static std::array<double, 3> theta() {
    const double dx = 1.0 / static_cast<double>(N + 1);
    return {1.0, 3.0, 0.02 / (dx * dx)};
  }
};

// z(t) fixed with a given derivative: a source for the interpolated adjoint's right-hand side.
template <std::size_t n>
struct fixed_source {
  std::array<double, n> z, dz;
  void operator()(double, double* out) const {
    for (std::size_t i = 0; i < n; ++i) out[i] = z[i];
  }
  void derivative(double, double* out) const {
    for (std::size_t i = 0; i < n; ++i) out[i] = dz[i];
  }
};

template <class Sys, std::size_t Np>
void check_coloured_jacobians(const std::array<double, Np>& theta, const double* inputs, std::size_t max_colours) {
  constexpr std::size_t n = Sys::states;
  std::mt19937_64 gen(7);
  std::uniform_real_distribution<double> d(0.5, 1.5);
  std::array<double, n> z, dfdt_dense, dfdt_sparse;
  for (auto& x : z) x = d(gen);
  const jacobian_pattern& P = jacobian_pattern_of<Sys>();
  const row_colouring& G = row_colouring_of<Sys>();
  CHECK(G.colours() <= max_colours);
  CHECK(G.rows.size() == n);
  // Forward: ∂f/∂z.
  const forward_rhs<Sys, double> f{theta.data(), inputs};
  std::vector<double> J(n * n), values(P.nonzeros());
  f.jacobian(z, J.data(), 0.25, dfdt_dense);
  const std::size_t sweeps = f.coloured_jacobian(z, values.data(), 0.25, dfdt_sparse);
  CHECK(sweeps == G.colours());
  double scale = 0.0, err = 0.0, outside = 0.0;
  for (const double v : J) scale = std::max(scale, std::abs(v));
  std::vector<double> rebuilt(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) rebuilt[i * n + P.column[k]] = values[k];
  for (std::size_t k = 0; k < n * n; ++k) err = std::max(err, std::abs(rebuilt[k] - J[k]));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (!P.contains(i, j)) outside = std::max(outside, std::abs(J[i * n + j]));
  CHECK(outside == 0.0);
  CHECK(err <= 1e-15 * scale);
  // ∂f/∂t: 0 for an autonomous f, a central difference otherwise.
  for (std::size_t i = 0; i < n; ++i) CHECK(dfdt_sparse[i] == Approx(dfdt_dense[i]).epsilon(1e-8).margin(1e-9));
  // The interpolated adjoint: the same ∂f/∂z, and the quadratures' coupling equals the dense
  // Jacobian's rows for g_θ (and g_t).
  fixed_source<n> src;
  src.z = z;
  for (auto& x : src.dz) x = d(gen) - 1.0;
  using adj = interpolated_adjoint_rhs<Sys, double, fixed_source<n>, !Sys::autonomous>;
  const adj a{theta.data(), inputs, &src};
  std::array<double, adj::size> lambda, ddense, dsparse;
  for (auto& x : lambda) x = d(gen);
  std::vector<double> JA(adj::size * adj::size), va(P.nonzeros()), zj(n);
  a.jacobian(lambda, JA.data(), 0.25, ddense);
  CHECK(a.coloured_jacobian(lambda, va.data(), 0.25, dsparse, zj.data()) == G.colours());
  double aerr = 0.0;
  for (std::size_t i = 0; i < n; ++i)  // λ block: J_A[r][j] = −∂f_j/∂z_r
    for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k)
      aerr = std::max(aerr, std::abs(va[k] + JA[P.column[k] * adj::size + i]));
  CHECK(aerr <= 1e-15 * scale);
  for (std::size_t r = 0; r < adj::size; ++r) CHECK(dsparse[r] == Approx(ddense[r]).epsilon(1e-12).margin(1e-12));
  std::array<double, n> kv;
  for (auto& x : kv) x = d(gen);
  std::array<double, adj::size - n + 1> c{};
  a.coupling(zj.data(), 0.25, kv.data(), c.data());
  for (std::size_t r = n; r < adj::size; ++r) {
    double ref = 0.0;
    for (std::size_t j = 0; j < n; ++j) ref -= JA[r * adj::size + j] * kv[j];
    CHECK(c[r - n] == Approx(ref).epsilon(1e-13).margin(1e-13));
  }
}

template <std::size_t P, std::size_t M>
void check_same(const gradient_result<M, P>& a, const gradient_result<M, P>& b, double tol, double margin = 1e-300) {
  CHECK(a.loss == Approx(b.loss).epsilon(tol));
  for (std::size_t k = 0; k < P; ++k) CHECK(a.dtheta[k] == Approx(b.dtheta[k]).epsilon(tol).margin(margin));
  for (std::size_t k = 0; k < M; ++k) CHECK(a.dz0[k] == Approx(b.dz0[k]).epsilon(tol).margin(margin));
}

}  // namespace

TEST_CASE("sparse: colour sweeps give the dense Jacobians, forward and adjoint", "[sparse]") {
  SECTION("Lorenz-96 with roll, 40 states: 4 bands, wrapping") {
    constexpr auto x = state_vector<40>;
    using L96 = decltype(ode((roll<-1>(x) - roll<2>(x)) * roll<1>(x) - x + param<0>));
    check_coloured_jacobians<L96>(std::array{8.0}, nullptr, 5);
  }
  SECTION("Brusselator, 2 × 30 states, shift and an input") {
    using B = brusselator<30>;
    const auto e = B::end_points();
    check_coloured_jacobians<std::remove_cvref_t<decltype(B::sys)>>(B::theta(), e.data(), 8);
  }
  SECTION("a time-dependent system with a dense row") {
    constexpr auto w = state_vector<12>;
    constexpr auto s = state<12>;
    using Sys = decltype(ode(param<0> * (roll<1>(w) - w) * cos(costate::t) + s, sum(w) - param<1> * s * costate::t));
    check_coloured_jacobians<Sys>(std::array{0.7, 1.3}, nullptr, 13);
  }
}

TEST_CASE("sparse: greedy colouring never puts two rows sharing a column together", "[sparse]") {
  using B = brusselator<25>;
  using Sys = std::remove_cvref_t<decltype(B::sys)>;
  const jacobian_pattern& P = jacobian_pattern_of<Sys>();
  const row_colouring& G = row_colouring_of<Sys>();
  for (std::size_t c = 0; c < G.colours(); ++c) {
    std::vector<int> used(P.n, 0);
    for (std::size_t m = G.start[c]; m < G.start[c + 1]; ++m) {
      const std::size_t i = G.rows[m];
      for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) CHECK(used[P.column[k]]++ == 0);
    }
  }
}

TEST_CASE("sparse: gradients with the sparse LU equal those with the dense LU", "[sparse]") {
  using namespace robertson_problem;
  SECTION("Robertson on [0, 40], a terminal loss, rodas5p") {
    const auto loss = terminal_loss(c1 + 1e4_c * c2 + 0.5_c * c3 * c3);
    const auto d = gradient(robertson, z0, th, {0.0, 40.0}, loss, options<rodas5p>{.stepper = {.lu = lu_kind::dense}, .rtol = 1e-10, .atol = 1e-16});
    const auto s = gradient(robertson, z0, th, {0.0, 40.0}, loss, options<rodas5p>{.stepper = {.lu = lu_kind::sparse}, .rtol = 1e-10, .atol = 1e-16});
    CHECK(d.stats.forward.sparse_factorisations == 0);
    CHECK(s.stats.forward.sparse_factorisations == s.stats.forward.factorisations);
    CHECK(s.stats.backward.sparse_factorisations == s.stats.backward.factorisations);
    CHECK(d.stats.backward.jacobian_sweeps == 3 * d.stats.backward.jacobian_evals);
    check_same(s, d, 1e-10);
  }
  SECTION("Robertson's running loss over [0, 4e7] at the example's tolerances, rodas5p and rosenbrock4") {
    const auto dense = options<rodas5p>{.stepper = {.lu = lu_kind::dense}, .rtol = 1e-6, .atol = {1e-8, 1e-14, 1e-6}, .adjoint_atol = 1e-8, .quadrature_atol = 1e-6};
    auto sparse = dense;
    sparse.stepper.lu = lu_kind::sparse;
    // Same steps (182 + 87); W is singular to about 1e-12 there, and the two LUs' rounding differs
    // by up to 1.5e-10 in dG/dp2 (measured), a gradient 1.5e-6 from the converged one.
    check_same(gradient(robertson, z0, th, {0.0, 4e7}, running_loss(c3), sparse),
               gradient(robertson, z0, th, {0.0, 4e7}, running_loss(c3), dense), 1e-9);
    const auto d4 = options<rosenbrock4>{.stepper = {.lu = lu_kind::dense}, .rtol = 1e-8, .atol = 1e-14};
    auto s4 = d4;
    s4.stepper.lu = lu_kind::sparse;
    // rosenbrock4 rejects about a quarter of its backward steps, so rounding flips an accept or two
    // (516 against 515 steps): the two agree to the tolerance (measured 2.7e-9), not to rounding.
    check_same(gradient(robertson, z0, th, {0.0, 1e3}, running_loss(c3), s4),
               gradient(robertson, z0, th, {0.0, 1e3}, running_loss(c3), d4), 1e-8);
  }
  SECTION("a time-dependent system (the sparse forward pass differences f in t): Prothero–Robinson, K = 1000") {
    constexpr auto y = state<0>;
    constexpr auto K = param<0>;
    const auto sys = ode(-K * (y - cos(costate::t)) - sin(costate::t));
    const auto o = options<rodas5p>{.stepper = {.lu = lu_kind::dense}, .rtol = 1e-10, .atol = 1e-12};
    auto os = o;
    os.stepper.lu = lu_kind::sparse;
    const auto loss = terminal_loss(y * y);
    const auto gs = gradient(sys, std::array{1.2}, std::array{1000.0}, {0.0, 0.01}, loss, os);
    const auto gd = gradient(sys, std::array{1.2}, std::array{1000.0}, {0.0, 0.01}, loss, o);
    INFO("dL/dK " << gs.dtheta[0] << " " << gd.dtheta[0] << ", dL/dz0 " << gs.dz0[0] << " " << gd.dz0[0]);
    CHECK(std::abs(gd.dtheta[0]) > 1e-8);  // (−1.8e-7: not a gradient of zeros)
    check_same(gs, gd, 1e-8);
  }
  SECTION("Brusselator, 2 × 40 states: automatic takes dense below sparse_min_states") {
    using B = brusselator<40>;
    const auto sys = B::sys.with_inputs(B::end_points());
    const auto loss = terminal_loss(0.5_c * dot(B::u, B::u));
    const auto o = options<rodas5p>{.rtol = 1e-8, .atol = 1e-10};
    auto os = o;
    os.stepper.lu = lu_kind::sparse;
    const auto d = gradient(sys, B::z0(), B::theta(), {0.0, 2.0}, loss, o);
    const auto s = gradient(sys, B::z0(), B::theta(), {0.0, 2.0}, loss, os);
    CHECK(d.stats.forward.sparse_factorisations == 0);
    CHECK(s.stats.backward.sparse_factorisations > 0);
    CHECK(s.stats.backward.banded_factorisations == s.stats.backward.sparse_factorisations);
    CHECK(s.stats.backward.jacobian_sweeps <= 8 * s.stats.backward.jacobian_evals);
    check_same(s, d, 1e-10);
  }
}

TEST_CASE("sparse: a stiff Brusselator of 2000 states, gradient against finite differences", "[sparse][large]") {
  using B = brusselator<1000>;
  const auto sys = B::sys.with_inputs(B::end_points());
  const auto loss = terminal_loss(0.5_c * dot(B::u, B::u));
  const auto z0 = B::z0();
  const auto theta = B::theta();
  const time_span span{0.0, 1.0};
  const auto o = options<rodas5p>{.rtol = 1e-8, .atol = 1e-10};
  const auto g = gradient(sys, z0, theta, span, loss, o);
  INFO("steps " << g.stats.forward.steps << " + " << g.stats.backward.steps << ", sweeps per Jacobian "
                << g.stats.backward.jacobian_sweeps / std::max<std::size_t>(1, g.stats.backward.jacobian_evals));
  CHECK(g.stats.forward.sparse_factorisations == g.stats.forward.factorisations);
  CHECK(g.stats.backward.sparse_factorisations == g.stats.backward.factorisations);
  CHECK(g.stats.backward.jacobian_sweeps <= 8 * g.stats.backward.jacobian_evals);
  // The loss (about 500) by forward solves at a far tighter tolerance, differenced centrally with steps
  // large enough that the solves' own errors stay below 1e-6 of the difference (h = 1e-5 is not: the
  // boundary components came out 2e-4 off; the gradient at rtol 1e-8 and 1e-10 agrees to 5e-9).
  const auto o_fd = options<rodas5p>{.rtol = 1e-12, .atol = 1e-14};
  const auto L = [&](const std::array<double, 2000>& z, const std::array<double, 3>& th) {
    const auto s = solve(sys, z, th, span, o_fd);
    double l = 0.0;
    for (std::size_t i = 0; i < 1000; ++i) l += 0.5 * s.final_state()[i] * s.final_state()[i];
    return l;
  };
  for (std::size_t k = 0; k < 3; ++k) {
    const double h = 1e-4 * std::abs(theta[k]);
    auto tp = theta, tm = theta;
    tp[k] += h;
    tm[k] -= h;
    const double fd = (L(z0, tp) - L(z0, tm)) / (2 * h);
    INFO("dL/dθ" << k);
    CHECK(g.dtheta[k] == Approx(fd).epsilon(1e-5));
  }
  for (const std::size_t i : {std::size_t{0}, std::size_t{250}, std::size_t{1500}}) {
    const double h = 1e-3;
    auto zp = z0, zm = z0;
    zp[i] += h;
    zm[i] -= h;
    const double fd = (L(zp, theta) - L(zm, theta)) / (2 * h);
    INFO("dL/dz0[" << i << "]");
    CHECK(g.dz0[i] == Approx(fd).epsilon(1e-5).margin(1e-9));
  }
}

namespace {
// W = shift·I − J (or shift·I + Jᵀ) solved by a backend, against the dense LU of the same matrix.
template <class Backend>
double backend_error(const jacobian_pattern& P, bool transposed, Backend& lu, std::uint64_t seed) {
  const std::size_t n = P.n;
  std::mt19937_64 gen(seed);
  std::uniform_real_distribution<double> d(-1.0, 1.0);
  std::vector<double> J(P.nonzeros());
  for (auto& v : J) v = 10.0 * d(gen);
  const double shift = 0.5;
  lu.factorise(shift, J.data());
  std::vector<double> W(n * n, 0.0), b(n), x(n);
  for (std::size_t i = 0; i < n; ++i) {
    W[i * n + i] = shift;
    for (std::size_t k = P.row_start[i]; k < P.row_start[i + 1]; ++k) {
      if (transposed) W[P.column[k] * n + i] += J[k];
      else W[i * n + P.column[k]] -= J[k];
    }
  }
  for (auto& v : b) v = d(gen);
  x = b;
  lu.solve(x.data());
  double worst = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < n; ++i) {  // the residual, relative to |W||x|
    double r = b[i], s = 0.0;
    for (std::size_t j = 0; j < n; ++j) {
      r -= W[i * n + j] * x[j];
      s += std::abs(W[i * n + j] * x[j]);
    }
    worst = std::max(worst, std::abs(r));
    scale = std::max(scale, s);
  }
  return worst / scale;
}
}  // namespace

TEST_CASE("sparse: the banded LU (reverse Cuthill–McKee) and Eigen's SparseLU solve W", "[sparse]") {
  SECTION("a Brusselator's pattern: [u | v] becomes a band of two diagonals each side") {
    using Sys = std::remove_cvref_t<decltype(brusselator<100>::sys)>;
    const jacobian_pattern& P = jacobian_pattern_of<Sys>();
    for (const bool tr : {false, true}) {
      detail::band_ordering o = detail::reverse_cuthill_mckee(P, tr);
      CHECK(o.lower <= 2);
      CHECK(o.upper <= 2);
      detail::banded_lu band(P, tr, std::move(o));
      CHECK(backend_error(P, tr, band, 1) <= 1e-15);
      detail::sparse_lu<200> general(P, tr);
      CHECK(backend_error(P, tr, general, 2) <= 1e-15);
    }
  }
  SECTION("random patterns, with a dense row and column") {
    for (std::uint64_t seed = 0; seed < 6; ++seed) {
      std::mt19937_64 gen(seed);
      jacobian_pattern P;
      P.n = 60;
      P.row_start.assign(1, 0);
      for (std::size_t i = 0; i < P.n; ++i) {
        std::vector<std::size_t> cols;
        for (std::size_t j = 0; j < P.n; ++j)
          if (gen() % 10 == 0 || j == 7 || i == 11) cols.push_back(j);
        P.column.insert(P.column.end(), cols.begin(), cols.end());
        P.row_start.push_back(P.column.size());
      }
      for (const bool tr : {false, true}) {
        detail::banded_lu band(P, tr, detail::reverse_cuthill_mckee(P, tr));
        CHECK(backend_error(P, tr, band, seed) <= 1e-14);
        detail::sparse_lu<60> general(P, tr);
        CHECK(backend_error(P, tr, general, seed) <= 1e-14);
      }
    }
  }
  SECTION("a zero pivot gives non-finite solutions (the step is then rejected)") {
    jacobian_pattern P{2, {0, 1, 2}, {0, 1}};
    const double J[2] = {1.0, 1.0};  // W = I − J = 0
    detail::banded_lu band(P, false, detail::reverse_cuthill_mckee(P, false));
    band.factorise(1.0, J);
    double b[2] = {1.0, 1.0};
    band.solve(b);
    CHECK(!std::isfinite(b[0]));
    detail::sparse_lu<2> general(P, false);
    general.factorise(1.0, J);
    double c[2] = {1.0, 1.0};
    general.solve(c);
    CHECK(!std::isfinite(c[0]));
  }
}

TEST_CASE("sparse: a 2-D grid too wide for a band goes to Eigen's SparseLU, and agrees with dense", "[sparse]") {
  // Gray–Scott-like kinetics on a periodic 12 × 12 grid (neighbours along y are 12 elements away),
  // 288 states: the reordered band is far wider than the stencil.
  constexpr std::size_t nx = 12, n = nx * nx;
  constexpr std::ptrdiff_t sx = static_cast<std::ptrdiff_t>(nx);
  constexpr auto p = state_vector<n>;
  constexpr auto q = state_vector<n, n>;
  constexpr auto D = param<0>;
  constexpr auto F = param<1>;
  constexpr auto sys = ode(D * (roll<1>(p) + roll<-1>(p) + roll<sx>(p) + roll<-sx>(p) - 4_c * p) - p * q * q + F * (1_c - p),
                           0.5_c * D * (roll<1>(q) + roll<-1>(q) + roll<sx>(q) + roll<-sx>(q) - 4_c * q) + p * q * q - (F + 0.06_c) * q);
  std::array<double, 2 * n> z0;
  for (std::size_t i = 0; i < n; ++i) {
    z0[i] = 1.0 - 0.5 * std::exp(-0.1 * static_cast<double>((i % nx - 6) * (i % nx - 6) + (i / nx - 6) * (i / nx - 6)));
    z0[n + i] = 0.25 * (1.0 - z0[i]) / 0.5;
  }
  const std::array theta{40.0, 0.04};
  const auto loss = terminal_loss(0.5_c * dot(q, q));
  const auto o = options<rodas5p>{.stepper = {.lu = lu_kind::dense}, .rtol = 1e-9, .atol = 1e-11};
  auto os = o;
  os.stepper.lu = lu_kind::automatic;
  const auto d = gradient(sys, z0, theta, {0.0, 2.0}, loss, o);
  const auto s = gradient(sys, z0, theta, {0.0, 2.0}, loss, os);
  CHECK(s.stats.forward.sparse_factorisations == s.stats.forward.factorisations);
  CHECK(s.stats.forward.banded_factorisations == 0);
  CHECK(s.stats.backward.sparse_factorisations == s.stats.backward.factorisations);
  CHECK(s.stats.backward.banded_factorisations == 0);
  CHECK(s.stats.backward.jacobian_sweeps <= 10 * s.stats.backward.jacobian_evals);
  check_same(s, d, 1e-10);
}

TEST_CASE("sparse: lu_kind::sparse where there is no structure is a costate::error", "[sparse]") {
  using Catch::Matchers::Contains;
  std::array<double, 1> x{1.0};
  CHECK_THROWS_WITH(detail::integrate(rodas5p{.lu = lu_kind::sparse}, stiff_test::forced{10.0}, x, 0.0, 1.0, {1e-6, 1e-6},
                                      1000, "forward", detail::no_observer{}),
                    Contains("only a system made by ode(...)"));
}
