// Where does the initial state of a stiff 2-D reaction–diffusion system matter? The Brusselator on a
// 32×32 grid (2048 states; Hairer & Wanner II, IV.10, BRUSS-2D's reactions and initial values, behind
// zero-flux walls), integrated with rodas5p and its sparse LU:
//   u' = A + u²v − (B + 1)u + a Δu,   v' = Bu − u²v + a Δv,   θ = (A, B, a) = (1, 3.4, 20.48),
// with α = 0.02 (a = α/Δx²: the diffusion's eigenvalues reach −8a ≈ −164 against O(1) reactions),
// t ∈ [0, 6]. The quantity of interest is the mean of u over the upper-right quarter of the square at
// t1, L = (1/256) Σ_{quarter} u(t1). One adjoint gradient gives its sensitivity to every one of the
// 2048 initial values and to θ: the maps dL/du(0) and dL/dv(0) show which cells of the initial state
// steer it. Two of those numbers and dL/dB are checked against central finite differences of the
// forward solve (the program exits non-zero if they disagree by more than 1e-3).
//
// Writes brusselator_2d_u.png (u at t0 and t1) and brusselator_2d_sensitivity.png (dL/du(0) and
// dL/dv(0)) with gnuplot into the working directory: `bash examples/brusselator_2d.sh`.
#include <costate/costate.hpp>
#include <costate/solve/sparse_lu.hpp>  // Eigen's SparseLU for the stiff stepper's Newton matrices

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

using namespace costate::prelude;

namespace {

constexpr std::size_t R = 32, C = 32, N = R * C;
constexpr double t1 = 6.0;

constexpr auto u = state_matrix<R, C>;
constexpr auto v = state_matrix<R, C, N>;
constexpr auto A = param<0>;
constexpr auto B = param<1>;
constexpr auto a = param<2>;  // α/Δx²
// The 5-point Laplacian behind zero-flux walls: edge repeats the boundary value (the ghost cell).
template <class W> constexpr auto laplacian(W w) { return edge<1>(w) + edge<-1>(w) + edge<1, 1>(w) + edge<-1, 1>(w) - 4_c * w; }
constexpr auto uuv = hadamard(hadamard(u, u), v);
constexpr auto bruss2d = ode(A + uuv - (B + 1_c) * u + a * laplacian(u), B * u - uuv + a * laplacian(v));

// The upper-right quarter (rows R/2.., columns C/2..) as a 0/1 mask: an input, not differentiated.
constexpr auto quarter = input_matrix<R, C>;
constexpr auto loss = terminal_loss(sum(hadamard(quarter, u)) / 256_c);

double coordinate(std::size_t k, std::size_t n) { return (static_cast<double>(k) + 0.5) / static_cast<double>(n); }

}  // namespace

int main() {
  std::array<double, 2 * N> z0{};
  std::array<double, N> mask{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      const double x = coordinate(c, C), y = coordinate(r, R);
      z0[r * C + c] = 22.0 * y * std::pow(1.0 - y, 1.5);
      z0[N + r * C + c] = 27.0 * x * std::pow(1.0 - x, 1.5);
      mask[r * C + c] = (r >= R / 2 && c >= C / 2) ? 1.0 : 0.0;
    }
  const std::array<double, 3> theta{1.0, 3.4, 0.02 * static_cast<double>(C * C)};
  const auto sys = bruss2d.with_inputs(mask);
  const auto opt = options<rodas5p>{.rtol = 1e-7, .atol = 1e-9};

  const auto start = std::chrono::steady_clock::now();
  const auto g = gradient(sys, z0, theta, {0.0, t1}, loss, opt);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("L = mean of u over the upper-right quarter at t = %g: %.10f\n", t1, g.loss);
  std::printf("one gradient, 2048 + 3 components: %.2f s, %zu + %zu steps, %zu + %zu LU factorisations (sparse)\n",
              seconds, g.stats.forward.steps, g.stats.backward.steps, g.stats.forward.factorisations,
              g.stats.backward.factorisations);
  std::printf("dL/dA = %.6e, dL/dB = %.6e, dL/da = %.6e\n", g.dtheta[0], g.dtheta[1], g.dtheta[2]);

  // The cell whose initial u matters most, and one far from the quarter.
  std::size_t top = 0;
  for (std::size_t i = 0; i < N; ++i)
    if (std::abs(g.dz0[i]) > std::abs(g.dz0[top])) top = i;
  const std::size_t far = 2 * C + 2;  // row 2, column 2: the lower-left corner
  std::printf("largest |dL/du(0)| at row %zu, column %zu: %.6e; at row 2, column 2: %.6e\n", top / C, top % C,
              g.dz0[top], g.dz0[far]);

  // Central differences of the forward solve, each difference with two solves at tight tolerances.
  const auto forward_loss = [&](const std::array<double, 2 * N>& z, const std::array<double, 3>& th) {
    const auto sol = solve(sys, z, th, {0.0, t1}, options<rodas5p>{.rtol = 1e-9, .atol = 1e-11});
    const auto& z1 = sol.final_state();
    double s = 0.0;
    for (std::size_t i = 0; i < N; ++i) s += mask[i] * z1[i];
    return s / 256.0;
  };
  bool ok = true;
  const auto compare = [&](const char* name, double adjoint, double fd, double scale) {
    const double err = std::abs(adjoint - fd) / std::max(std::abs(fd), scale);
    std::printf("  %-22s adjoint % .8e   finite differences % .8e   relative difference %.1e\n", name, adjoint, fd, err);
    ok = ok && err < 1e-3;
  };
  std::printf("check against central finite differences:\n");
  for (const std::size_t i : {top, far}) {
    const double h = 1e-4 * std::max(1.0, std::abs(z0[i]));
    auto zp = z0, zm = z0;
    zp[i] += h;
    zm[i] -= h;
    compare(i == top ? "dL/du(0), largest" : "dL/du(0), row 2 col 2", g.dz0[i], (forward_loss(zp, theta) - forward_loss(zm, theta)) / (2 * h),
            std::abs(g.dz0[top]));
  }
  {
    const double h = 1e-5 * theta[1];
    auto tp = theta, tm = theta;
    tp[1] += h;
    tm[1] -= h;
    compare("dL/dB", g.dtheta[1], (forward_loss(z0, tp) - forward_loss(z0, tm)) / (2 * h), 1e-12);
  }

  // Maps for gnuplot: x, y, u(0), u(t1), dL/du(0), dL/dv(0), a blank line between rows.
  const auto z1 = g.z1;
  {
    std::ofstream out("brusselator_2d.dat");
    for (std::size_t r = 0; r < R; ++r) {
      for (std::size_t c = 0; c < C; ++c) {
        const std::size_t i = r * C + c;
        out << coordinate(c, C) << ' ' << coordinate(r, R) << ' ' << z0[i] << ' ' << z1[i] << ' ' << g.dz0[i] << ' '
            << g.dz0[N + i] << '\n';
      }
      out << '\n';
    }
  }
  // Colour ranges symmetric about 0, so that white is "no influence".
  double mu = 0.0, mv = 0.0;
  for (std::size_t i = 0; i < N; ++i) {
    mu = std::max(mu, std::abs(g.dz0[i]));
    mv = std::max(mv, std::abs(g.dz0[N + i]));
  }
  {
    std::ofstream p("brusselator_2d.gnuplot");
    p << "set terminal pngcairo size 1100,480\n"
         "set view map\nset size ratio 1\nset xrange [0:1]\nset yrange [0:1]\nset xlabel 'x'\nset ylabel 'y'\n"
         "set object 1 rect from 0.5,0.5 to 1,1 front fillstyle empty border lc rgb 'white' lw 2\n"
         "set output 'brusselator_2d_u.png'\nset multiplot layout 1,2\n"
         "set title 'u(x, y, 0)'\nsplot 'brusselator_2d.dat' using 1:2:3 with pm3d notitle\n"
         "set title 'u(x, y, 6); L: the mean of u in the frame'\nsplot 'brusselator_2d.dat' using 1:2:4 with pm3d notitle\n"
         "unset multiplot\n"
         "set palette defined (-1 'blue', 0 'white', 1 'red')\n"
         "set output 'brusselator_2d_sensitivity.png'\nset multiplot layout 1,2\n"
         "set title 'dL/du(x, y, 0)'\nset cbrange [" << -mu << ":" << mu << "]\n"
         "splot 'brusselator_2d.dat' using 1:2:5 with pm3d notitle\n"
         "set title 'dL/dv(x, y, 0)'\nset cbrange [" << -mv << ":" << mv << "]\n"
         "splot 'brusselator_2d.dat' using 1:2:6 with pm3d notitle\n"
         "unset multiplot\n";
  }
  if (std::system("gnuplot brusselator_2d.gnuplot") != 0)
    std::cerr << "gnuplot failed (install gnuplot-nox): the maps are in brusselator_2d.dat\n";
  else
    std::cout << "wrote brusselator_2d_u.png and brusselator_2d_sensitivity.png\n";
  if (!ok) {
    std::cerr << "the adjoint gradient and the finite differences disagree\n";
    return 1;
  }
  std::cout << "adjoint and finite differences agree to 1e-3\n";
  return 0;
}
