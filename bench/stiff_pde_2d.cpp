// A stiff 2-D reaction–diffusion gradient of 2048 states: costate (rodas5p, sparse LU, Jacobians by row
// colouring) against SUNDIALS CVODES' adjoint (BDF, Newton, the banded direct solver SUNBandMatrix /
// SUNLinSol_Band with hand-coded band Jacobians forward and backward), on the same problem.
//
// The problem: the 2-D Brusselator (Hairer & Wanner II, IV.10: BRUSS-2D's reaction terms and initial
// values) on a 32×32 cell-centred grid of [0, 1]² behind zero-flux walls, a = α/Δx² with α = 0.2
// (a = 204.8; the diffusion's eigenvalues reach −8a ≈ −1640 against O(1) reaction: stiff),
//   u' = A + u²v − (B + 1)u + a Δu,  v' = Bu − u²v + a Δv   (Δ: the 5-point stencil, edge values repeated),
// θ = (A, B, a) = (1, 3.4, 204.8), u(0) = 22 y (1 − y)^1.5, v(0) = 27 x (1 − x)^1.5, t ∈ [0, 10]
// (B > 1 + A²: the homogeneous state is unstable and the field oscillates), L = ½ Σ u(t1)².
// costate writes it with state_matrix and edge along both axes, states [u | v] (each row-major);
// CVODES gets the interleaved layout (u_0, v_0, u_1, v_1, ...) over the cells in row-major order, whose
// Jacobian is banded with bandwidths 2C = 64 and 64, the narrowest a band solver gets on this grid
// (costate's sparse LU orders [u | v] itself, reverse Cuthill–McKee).
//
// Usage: bench_stiff_pde_2d costate|cvodes|reference [rtol] [reps]
//        bench_stiff_pde_2d check   (smoke test: both at moderate tolerances agree, exit status)
// Prints one line: method rtol seconds(best of reps) peak_rss_kib steps_fwd steps_bwd L dL/dθ (3)
// dL/dz0[u_0, u_mid, v_mid]; `bash bench/stiff_pde_2d.sh` runs each method in its own process (so that
// each peak is its own) and compares them with the reference (costate at rtol 1e-10).
#include <costate/costate.hpp>
// Without Eigen's SparseLU, lu_kind::sparse factorises W as a band (reverse Cuthill–McKee order) however
// wide: bench_stiff_pde_2d_band is this file built with COSTATE_BENCH_BAND_ONLY, to compare the two.
#ifndef COSTATE_BENCH_BAND_ONLY
#include <costate/solve/sparse_lu.hpp>
#endif

#include <cvodes/cvodes.h>
#include <cvodes/cvodes_ls.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunmatrix/sunmatrix_band.h>

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace costate::prelude;

namespace {

constexpr std::size_t R = 32, C = 32, N = R * C;
constexpr std::size_t mid = (R / 2) * C + C / 3;  // the cell whose initial-value gradient is reported
double t1 = 10.0;  // the smoke test shortens it

std::array<double, 3> theta0() {
  const double dx = 1.0 / static_cast<double>(C);
  return {1.0, 3.4, 0.2 / (dx * dx)};
}
double x_of(std::size_t c) { return (static_cast<double>(c) + 0.5) / static_cast<double>(C); }
double y_of(std::size_t r) { return (static_cast<double>(r) + 0.5) / static_cast<double>(R); }
double u_init(std::size_t r, std::size_t) { return 22.0 * y_of(r) * std::pow(1.0 - y_of(r), 1.5); }
double v_init(std::size_t, std::size_t c) { return 27.0 * x_of(c) * std::pow(1.0 - x_of(c), 1.5); }

struct result {
  double seconds = 1e300;
  long steps_fwd = 0, steps_bwd = 0;
  double loss = 0.0;
  std::array<double, 3> dtheta{};
  std::array<double, 3> dz0{};  // z0 components u_0, u_mid, v_mid
};

// ---------------------------------------------------------------------------------------------------
// costate

constexpr auto u = state_matrix<R, C>;
constexpr auto v = state_matrix<R, C, N>;
constexpr auto A = param<0>;
constexpr auto B = param<1>;
constexpr auto a = param<2>;
template <class W> constexpr auto laplacian(W w) { return edge<1>(w) + edge<-1>(w) + edge<1, 1>(w) + edge<-1, 1>(w) - 4_c * w; }
constexpr auto uuv = hadamard(hadamard(u, u), v);
constexpr auto bruss2d = ode(A + uuv - (B + 1_c) * u + a * laplacian(u), B * u - uuv + a * laplacian(v));

#ifdef COSTATE_BENCH_BAND_ONLY
constexpr auto default_lu = costate::lu_kind::sparse;
#else
constexpr auto default_lu = costate::lu_kind::automatic;
#endif

result run_costate(double rtol, int reps, costate::lu_kind lu = default_lu) {
  std::array<double, 2 * N> z0{};
  for (std::size_t r = 0; r < R; ++r)
    for (std::size_t c = 0; c < C; ++c) {
      z0[r * C + c] = u_init(r, c);
      z0[N + r * C + c] = v_init(r, c);
    }
  const auto th = theta0();
  const auto o = options<rodas5p>{.stepper = {.lu = lu}, .rtol = rtol, .atol = rtol * 1e-2};
  result res;
  for (int k = 0; k < reps; ++k) {
    const auto start = std::chrono::steady_clock::now();
    const auto g = gradient(bruss2d, z0, th, {0.0, t1}, terminal_loss(0.5_c * sum(hadamard(u, u))), o);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    res.seconds = std::min(res.seconds, s);
    res.steps_fwd = static_cast<long>(g.stats.forward.steps);
    res.steps_bwd = static_cast<long>(g.stats.backward.steps);
    res.loss = g.loss;
    res.dtheta = g.dtheta;
    res.dz0 = {g.dz0[0], g.dz0[mid], g.dz0[N + mid]};
    if (k == 0) {
      const auto& f = g.stats.forward;
      const auto& b = g.stats.backward;
      std::fprintf(stderr,
                   "costate: factorisations %zu (sparse %zu, banded %zu) forward, %zu (sparse %zu, banded %zu) backward; "
                   "Jacobians %zu + %zu, sweeps per Jacobian %zu forward, %zu backward; rhs evals %zu + %zu\n",
                   f.factorisations, f.sparse_factorisations, f.banded_factorisations, b.factorisations, b.sparse_factorisations,
                   b.banded_factorisations, f.jacobian_evals, b.jacobian_evals,
                   f.jacobian_sweeps / std::max<std::size_t>(1, f.jacobian_evals),
                   b.jacobian_sweeps / std::max<std::size_t>(1, b.jacobian_evals), f.rhs_evals, b.rhs_evals);
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------------
// CVODES, interleaved layout y[2i] = u_i, y[2i + 1] = v_i, i = r·C + c

[[noreturn]] void fail(const char* call, int flag) {
  std::fprintf(stderr, "bench_stiff_pde_2d: %s failed: flag %d\n", call, flag);
  std::abort();
}
void check(int flag, const char* call) {
  if (flag < 0) fail(call, flag);
}
template <class T>
T* check_ptr(T* p, const char* call) {
  if (p == nullptr) fail(call, 0);
  return p;
}

constexpr long band = 2 * static_cast<long>(C);  // upper and lower bandwidth of the interleaved layout

struct cvodes_bruss2d {
  std::array<double, 3> th = theta0();

  static const double* p_of(void* d) { return static_cast<cvodes_bruss2d*>(d)->th.data(); }
  // The four neighbours of cell i (the cell itself behind a wall: zero flux).
  static std::array<long, 4> neighbours(long i) {
    const long r = i / static_cast<long>(C), c = i % static_cast<long>(C);
    return {r > 0 ? i - static_cast<long>(C) : i, r + 1 < static_cast<long>(R) ? i + static_cast<long>(C) : i,
            c > 0 ? i - 1 : i, c + 1 < static_cast<long>(C) ? i + 1 : i};
  }
  static double lap(const double* y, long i, int s) {
    const auto nb = neighbours(i);
    return y[2 * nb[0] + s] + y[2 * nb[1] + s] + y[2 * nb[2] + s] + y[2 * nb[3] + s] - 4 * y[2 * i + s];
  }
  static int f(sunrealtype, N_Vector yv, N_Vector dv, void* d) {
    const double* p = p_of(d);
    const double* y = N_VGetArrayPointer(yv);
    double* dy = N_VGetArrayPointer(dv);
    for (long i = 0; i < static_cast<long>(N); ++i) {
      const double ui = y[2 * i], vi = y[2 * i + 1];
      dy[2 * i] = p[0] + ui * ui * vi - (p[1] + 1) * ui + p[2] * lap(y, i, 0);
      dy[2 * i + 1] = p[1] * ui - ui * ui * vi + p[2] * lap(y, i, 1);
    }
    return 0;
  }
  // J(r, c) = ∂f_r/∂y_c; `sign` −1 and transposed for the backward problem's −Jᵀ.
  static void fill(const double* p, const double* y, SUNMatrix J, double sign, bool transposed) {
    SUNMatZero(J);
    const auto add = [&](long r, long c, double val) {
      if (transposed) SM_ELEMENT_B(J, c, r) += sign * val;
      else SM_ELEMENT_B(J, r, c) += sign * val;
    };
    for (long i = 0; i < static_cast<long>(N); ++i) {
      const double ui = y[2 * i], vi = y[2 * i + 1];
      const long ru = 2 * i, rv = 2 * i + 1;
      add(ru, ru, 2 * ui * vi - (p[1] + 1) - 4 * p[2]);
      add(ru, rv, ui * ui);
      add(rv, ru, p[1] - 2 * ui * vi);
      add(rv, rv, -ui * ui - 4 * p[2]);
      for (long j : neighbours(i)) {
        add(ru, 2 * j, p[2]);
        add(rv, 2 * j + 1, p[2]);
      }
    }
  }
  static int jac(sunrealtype, N_Vector yv, N_Vector, SUNMatrix J, void* d, N_Vector, N_Vector, N_Vector) {
    fill(p_of(d), N_VGetArrayPointer(yv), J, 1.0, false);
    return 0;
  }
  // λ' = −(∂f/∂y)ᵀ λ; the stencil is symmetric (a neighbour j of i has i among its neighbours as often).
  static int fB(sunrealtype, N_Vector yv, N_Vector lv, N_Vector dv, void* d) {
    const double* p = p_of(d);
    const double* y = N_VGetArrayPointer(yv);
    const double* l = N_VGetArrayPointer(lv);
    double* dl = N_VGetArrayPointer(dv);
    for (long i = 0; i < static_cast<long>(N); ++i) {
      const double ui = y[2 * i], vi = y[2 * i + 1], lu = l[2 * i], lv_ = l[2 * i + 1];
      const double su = (2 * ui * vi - (p[1] + 1)) * lu + (p[1] - 2 * ui * vi) * lv_ + p[2] * lap(l, i, 0);
      const double sv = ui * ui * lu - ui * ui * lv_ + p[2] * lap(l, i, 1);
      dl[2 * i] = -su;
      dl[2 * i + 1] = -sv;
    }
    return 0;
  }
  static int jacB(sunrealtype, N_Vector yv, N_Vector, N_Vector, SUNMatrix J, void* d, N_Vector, N_Vector, N_Vector) {
    fill(p_of(d), N_VGetArrayPointer(yv), J, -1.0, true);
    return 0;
  }
  // q' = −(∂f/∂θ)ᵀ λ, so that q(t0) = ∫ λᵀ ∂f/∂θ dt = dL/dθ from q(t1) = 0.
  static int fQB(sunrealtype, N_Vector yv, N_Vector lv, N_Vector qv, void*) {
    const double* y = N_VGetArrayPointer(yv);
    const double* l = N_VGetArrayPointer(lv);
    double* q = N_VGetArrayPointer(qv);
    double dA = 0, dB = 0, da = 0;
    for (long i = 0; i < static_cast<long>(N); ++i) {
      const double ui = y[2 * i], lu = l[2 * i], lv_ = l[2 * i + 1];
      dA += lu;
      dB += -ui * lu + ui * lv_;
      da += lap(y, i, 0) * lu + lap(y, i, 1) * lv_;
    }
    q[0] = -dA, q[1] = -dB, q[2] = -da;
    return 0;
  }

  result run(double rtol, int reps) {
    SUNContext ctx = nullptr;
    if (SUNContext_Create(nullptr, &ctx) != 0) fail("SUNContext_Create", 0);
    const auto n = static_cast<sunindextype>(2 * N);
    N_Vector y = check_ptr(N_VNew_Serial(n, ctx), "N_VNew_Serial");
    N_Vector l = check_ptr(N_VNew_Serial(n, ctx), "N_VNew_Serial");
    N_Vector q = check_ptr(N_VNew_Serial(3, ctx), "N_VNew_Serial");
    const auto load = [&] {
      double* yy = N_VGetArrayPointer(y);
      for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) {
          yy[2 * (r * C + c)] = u_init(r, c);
          yy[2 * (r * C + c) + 1] = v_init(r, c);
        }
    };
    load();
    const double atol = rtol * 1e-2;
    void* mem = check_ptr(CVodeCreate(CV_BDF, ctx), "CVodeCreate");
    check(CVodeInit(mem, f, 0.0, y), "CVodeInit");
    check(CVodeSStolerances(mem, rtol, atol), "CVodeSStolerances");
    check(CVodeSetUserData(mem, this), "CVodeSetUserData");
    check(CVodeSetMaxNumSteps(mem, 1'000'000), "CVodeSetMaxNumSteps");
    SUNMatrix Jm = check_ptr(SUNBandMatrix(n, band, band, ctx), "SUNBandMatrix");
    SUNLinearSolver ls = check_ptr(SUNLinSol_Band(y, Jm, ctx), "SUNLinSol_Band");
    check(CVodeSetLinearSolver(mem, ls, Jm), "CVodeSetLinearSolver");
    check(CVodeSetJacFn(mem, jac), "CVodeSetJacFn");
    check(CVodeAdjInit(mem, 100, CV_HERMITE), "CVodeAdjInit");
    int which = -1;
    check(CVodeCreateB(mem, CV_BDF, &which), "CVodeCreateB");
    N_VConst(0.0, l);
    check(CVodeInitB(mem, which, fB, t1, l), "CVodeInitB");
    check(CVodeSStolerancesB(mem, which, rtol, atol), "CVodeSStolerancesB");
    check(CVodeSetUserDataB(mem, which, this), "CVodeSetUserDataB");
    check(CVodeSetMaxNumStepsB(mem, which, 1'000'000), "CVodeSetMaxNumStepsB");
    SUNMatrix Jb = check_ptr(SUNBandMatrix(n, band, band, ctx), "SUNBandMatrix (backward)");
    SUNLinearSolver lsb = check_ptr(SUNLinSol_Band(l, Jb, ctx), "SUNLinSol_Band (backward)");
    check(CVodeSetLinearSolverB(mem, which, lsb, Jb), "CVodeSetLinearSolverB");
    check(CVodeSetJacFnB(mem, which, jacB), "CVodeSetJacFnB");
    N_VConst(0.0, q);
    check(CVodeQuadInitB(mem, which, fQB, q), "CVodeQuadInitB");
    check(CVodeQuadSStolerancesB(mem, which, rtol, atol), "CVodeQuadSStolerancesB");
    check(CVodeSetQuadErrConB(mem, which, SUNTRUE), "CVodeSetQuadErrConB");
    void* memb = check_ptr(CVodeGetAdjCVodeBmem(mem, which), "CVodeGetAdjCVodeBmem");
    result r;
    for (int k = 0; k < reps; ++k) {
      const auto start = std::chrono::steady_clock::now();
      load();
      check(CVodeReInit(mem, 0.0, y), "CVodeReInit");
      check(CVodeAdjReInit(mem), "CVodeAdjReInit");
      sunrealtype t = 0.0;
      int ncheck = 0;
      check(CVodeF(mem, t1, y, &t, CV_NORMAL, &ncheck), "CVodeF");
      check(CVodeGetNumSteps(mem, &r.steps_fwd), "CVodeGetNumSteps");
      const double* yy = N_VGetArrayPointer(y);
      double* ll = N_VGetArrayPointer(l);
      double loss = 0.0;
      N_VConst(0.0, l);
      for (std::size_t i = 0; i < N; ++i) {
        loss += 0.5 * yy[2 * i] * yy[2 * i];
        ll[2 * i] = yy[2 * i];  // λ(t1) = ∂L/∂z(t1)
      }
      N_VConst(0.0, q);
      check(CVodeReInitB(mem, which, t1, l), "CVodeReInitB");
      check(CVodeQuadReInitB(mem, which, q), "CVodeQuadReInitB");
      check(CVodeB(mem, 0.0, CV_NORMAL), "CVodeB");
      check(CVodeGetB(mem, which, &t, l), "CVodeGetB");
      check(CVodeGetQuadB(mem, which, &t, q), "CVodeGetQuadB");
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      check(CVodeGetNumSteps(memb, &r.steps_bwd), "CVodeGetNumSteps (backward)");
      if (k == 0) {
        long setups_f = 0, setups_b = 0, jacs_f = 0, jacs_b = 0;
        check(CVodeGetNumLinSolvSetups(mem, &setups_f), "CVodeGetNumLinSolvSetups");
        check(CVodeGetNumLinSolvSetups(memb, &setups_b), "CVodeGetNumLinSolvSetups (backward)");
        check(CVodeGetNumJacEvals(mem, &jacs_f), "CVodeGetNumJacEvals");
        check(CVodeGetNumJacEvals(memb, &jacs_b), "CVodeGetNumJacEvals (backward)");
        std::fprintf(stderr, "cvodes: band factorisations %ld forward, %ld backward; Jacobians %ld + %ld\n", setups_f, setups_b,
                     jacs_f, jacs_b);
      }
      r.seconds = std::min(r.seconds, s);
      r.loss = loss;
      std::copy_n(N_VGetArrayPointer(q), 3, r.dtheta.begin());
      r.dz0 = {ll[0], ll[2 * mid], ll[2 * mid + 1]};
    }
    CVodeFree(&mem);
    SUNLinSolFree(ls);
    SUNLinSolFree(lsb);
    SUNMatDestroy(Jm);
    SUNMatDestroy(Jb);
    N_VDestroy(y);
    N_VDestroy(l);
    N_VDestroy(q);
    SUNContext_Free(&ctx);
    return r;
  }
};

long peak_rss_kib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// The smoke test: on t ∈ [0, 1], costate (sparse LU) and CVODES agree on L, dL/dθ and the three dL/dz0
// components to 1e-4 (relative). (The dense LU of 2048 states is too slow for a smoke test:
// tests/system/test_stiff_grid.cpp compares sparse and dense on a small grid of the same system.)
int smoke() {
  t1 = 1.0;
  const result s = run_costate(1e-7, 1, costate::lu_kind::sparse);
  const result c = cvodes_bruss2d{}.run(1e-8, 1);
  double worst = 0.0;
  const auto cmp = [&](double x, double ref) { worst = std::max(worst, std::abs(x - ref) / std::max(std::abs(ref), 1e-12)); };
  cmp(c.loss, s.loss);
  for (std::size_t k = 0; k < 3; ++k) cmp(c.dtheta[k], s.dtheta[k]), cmp(c.dz0[k], s.dz0[k]);
  std::printf("smoke: costate %.3f s, cvodes %.3f s; worst relative difference %.2e\n", s.seconds, c.seconds, worst);
  return worst <= 1e-4 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string method = argc > 1 ? argv[1] : "costate";
  double rtol = argc > 2 ? std::atof(argv[2]) : 1e-6;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  result r;
  if (method == "check") return smoke();
  if (method == "costate") r = run_costate(rtol, reps);
  else if (method == "cvodes") r = cvodes_bruss2d{}.run(rtol, reps);
  else if (method == "reference") r = run_costate(rtol = (argc > 2 ? rtol : 1e-10), 1);
  else {
    std::fprintf(stderr, "usage: bench_stiff_pde_2d costate|cvodes|reference|check [rtol] [reps]\n");
    return 2;
  }
  std::printf("%s %g %.6f %ld %ld %ld %.12e %.12e %.12e %.12e %.12e %.12e %.12e\n", method.c_str(), rtol, r.seconds,
              peak_rss_kib(), r.steps_fwd, r.steps_bwd, r.loss, r.dtheta[0], r.dtheta[1], r.dtheta[2], r.dz0[0], r.dz0[1],
              r.dz0[2]);
}
