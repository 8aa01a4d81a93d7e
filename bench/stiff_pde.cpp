// A stiff reaction–diffusion gradient of 2000 states: costate (rodas5p, sparse LU, Jacobians by row
// colouring) against SUNDIALS CVODES' adjoint (BDF, Newton, the banded direct solver SUNBandMatrix /
// SUNLinSol_Band with hand-coded band Jacobians forward and backward), on the same problem.
//
// The problem: the 1-D Brusselator (Hairer & Wanner II, IV.10: BRUSS) on N = 1000 interior points of
// [0, 1], u = 1 and v = 3 at both ends, a = α/Δx² with α = 0.02 (a ≈ 2e4: stiff),
//   u' = A + u²v − (B + 1)u + a(u_{i−1} − 2u_i + u_{i+1}),  v' = Bu − u²v + a(v_{i−1} − 2v_i + v_{i+1}),
// θ = (A, B, a) = (1, 3, 2.004e4), u(0) = 1 + sin(2πx), v(0) = 3, t ∈ [0, 10], L = ½ Σ u_i(t1)².
// costate writes it with shift (zeros beyond the ends) and the boundary values as an input vector,
// states [u | v]; CVODES gets the interleaved layout (u_0, v_0, u_1, v_1, ...), whose Jacobian is
// banded with bandwidths 2 and 2 (its band solver needs that; costate's sparse LU orders [u | v] itself).
//
// Usage: bench_stiff_pde costate|cvodes|reference [rtol] [reps]
// Prints one line: method rtol seconds(best of reps) peak_rss_kib steps_fwd steps_bwd L dL/dθ (3)
// dL/dz0[0, 500, 1500]; `bash bench/stiff_pde.sh` runs each method in its own process (so that each
// peak is its own) and compares them with the reference (costate at rtol 1e-10).
#include <costate/costate.hpp>
#include <costate/solve/sparse_lu.hpp>

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

constexpr std::size_t N = 1000;
constexpr double t1 = 10.0;

std::array<double, 3> theta0() {
  const double dx = 1.0 / static_cast<double>(N + 1);
  return {1.0, 3.0, 0.02 / (dx * dx)};
}
double x_of(std::size_t i) { return static_cast<double>(i + 1) / static_cast<double>(N + 1); }

struct result {
  double seconds = 1e300;
  long steps_fwd = 0, steps_bwd = 0;
  double loss = 0.0;
  std::array<double, 3> dtheta{};
  std::array<double, 3> dz0{};  // z0 components u_0, u_500, v_500 (1500 in costate's layout)
};

// ---------------------------------------------------------------------------------------------------
// costate

constexpr auto u = state_vector<N>;
constexpr auto v = state_vector<N, N>;
constexpr auto ends = input_vector<N>;
constexpr auto A = param<0>;
constexpr auto B = param<1>;
constexpr auto a = param<2>;
constexpr auto bruss = ode(A + u * u * v - (B + 1_c) * u + a * (shift<1>(u) - 2_c * u + shift<-1>(u) + ends),
                           B * u - u * u * v + a * (shift<1>(v) - 2_c * v + shift<-1>(v) + 3_c * ends));

result run_costate(double rtol, int reps) {
  std::array<double, N> e{};
  e[0] = e[N - 1] = 1.0;
  const auto sys = bruss.with_inputs(e);
  std::array<double, 2 * N> z0{};
  for (std::size_t i = 0; i < N; ++i) {
    z0[i] = 1.0 + std::sin(2 * M_PI * x_of(i));
    z0[N + i] = 3.0;
  }
  const auto th = theta0();
  const auto o = options<rodas5p>{.rtol = rtol, .atol = rtol * 1e-2};
  result r;
  for (int k = 0; k < reps; ++k) {
    const auto start = std::chrono::steady_clock::now();
    const auto g = gradient(sys, z0, th, {0.0, t1}, terminal_loss(0.5_c * dot(u, u)), o);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.seconds = std::min(r.seconds, s);
    r.steps_fwd = static_cast<long>(g.stats.forward.steps);
    r.steps_bwd = static_cast<long>(g.stats.backward.steps);
    r.loss = g.loss;
    r.dtheta = g.dtheta;
    r.dz0 = {g.dz0[0], g.dz0[500], g.dz0[N + 500]};
    if (k == 0)
      std::fprintf(stderr, "costate: sparse factorisations %zu of %zu (forward), %zu of %zu (backward); sweeps per Jacobian %zu\n",
                   g.stats.forward.sparse_factorisations, g.stats.forward.factorisations,
                   g.stats.backward.sparse_factorisations, g.stats.backward.factorisations,
                   g.stats.backward.jacobian_sweeps / std::max<std::size_t>(1, g.stats.backward.jacobian_evals));
    if (k == 0) std::fprintf(stderr, "costate: banded %zu + %zu\n", g.stats.forward.banded_factorisations, g.stats.backward.banded_factorisations);
  }
  return r;
}

// ---------------------------------------------------------------------------------------------------
// CVODES, interleaved layout y[2i] = u_i, y[2i + 1] = v_i

[[noreturn]] void fail(const char* call, int flag) {
  std::fprintf(stderr, "bench_stiff_pde: %s failed: flag %d\n", call, flag);
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

struct cvodes_bruss {
  std::array<double, 3> th = theta0();

  static const double* p_of(void* d) { return static_cast<cvodes_bruss*>(d)->th.data(); }
  static double at(const double* y, long i, int c, double boundary) {  // u (c = 0) or v (c = 1) at point i
    return i < 0 || i >= static_cast<long>(N) ? boundary : y[2 * i + c];
  }
  static int f(sunrealtype, N_Vector yv, N_Vector dv, void* d) {
    const double* p = p_of(d);
    const double* y = N_VGetArrayPointer(yv);
    double* dy = N_VGetArrayPointer(dv);
    for (long i = 0; i < static_cast<long>(N); ++i) {
      const double ui = y[2 * i], vi = y[2 * i + 1];
      dy[2 * i] = p[0] + ui * ui * vi - (p[1] + 1) * ui + p[2] * (at(y, i - 1, 0, 1.0) - 2 * ui + at(y, i + 1, 0, 1.0));
      dy[2 * i + 1] = p[1] * ui - ui * ui * vi + p[2] * (at(y, i - 1, 1, 3.0) - 2 * vi + at(y, i + 1, 1, 3.0));
    }
    return 0;
  }
  // J(r, c) = ∂f_r/∂y_c; `sign` −1 and transposed for the backward problem's −Jᵀ.
  static void fill(const double* p, const double* y, SUNMatrix J, double sign, bool transposed) {
    SUNMatZero(J);
    const auto put = [&](long r, long c, double val) {
      if (c < 0 || c >= static_cast<long>(2 * N)) return;
      if (transposed) SM_ELEMENT_B(J, c, r) = sign * val;
      else SM_ELEMENT_B(J, r, c) = sign * val;
    };
    for (long i = 0; i < static_cast<long>(N); ++i) {
      const double ui = y[2 * i], vi = y[2 * i + 1];
      const long ru = 2 * i, rv = 2 * i + 1;
      put(ru, ru, 2 * ui * vi - (p[1] + 1) - 2 * p[2]);
      put(ru, rv, ui * ui);
      if (i > 0) put(ru, ru - 2, p[2]);
      if (i + 1 < static_cast<long>(N)) put(ru, ru + 2, p[2]);
      put(rv, ru, p[1] - 2 * ui * vi);
      put(rv, rv, -ui * ui - 2 * p[2]);
      if (i > 0) put(rv, rv - 2, p[2]);
      if (i + 1 < static_cast<long>(N)) put(rv, rv + 2, p[2]);
    }
  }
  static int jac(sunrealtype, N_Vector yv, N_Vector, SUNMatrix J, void* d, N_Vector, N_Vector, N_Vector) {
    fill(p_of(d), N_VGetArrayPointer(yv), J, 1.0, false);
    return 0;
  }
  // λ' = −(∂f/∂y)ᵀ λ
  static int fB(sunrealtype, N_Vector yv, N_Vector lv, N_Vector dv, void* d) {
    const double* p = p_of(d);
    const double* y = N_VGetArrayPointer(yv);
    const double* l = N_VGetArrayPointer(lv);
    double* dl = N_VGetArrayPointer(dv);
    for (long i = 0; i < static_cast<long>(N); ++i) {
      const double ui = y[2 * i], vi = y[2 * i + 1], lu = l[2 * i], lv_ = l[2 * i + 1];
      double su = (2 * ui * vi - (p[1] + 1) - 2 * p[2]) * lu + (p[1] - 2 * ui * vi) * lv_;
      double sv = ui * ui * lu + (-ui * ui - 2 * p[2]) * lv_;
      if (i > 0) su += p[2] * l[2 * i - 2], sv += p[2] * l[2 * i - 1];
      if (i + 1 < static_cast<long>(N)) su += p[2] * l[2 * i + 2], sv += p[2] * l[2 * i + 3];
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
      const double ui = y[2 * i], vi = y[2 * i + 1], lu = l[2 * i], lv_ = l[2 * i + 1];
      dA += lu;
      dB += -ui * lu + ui * lv_;
      da += (at(y, i - 1, 0, 1.0) - 2 * ui + at(y, i + 1, 0, 1.0)) * lu + (at(y, i - 1, 1, 3.0) - 2 * vi + at(y, i + 1, 1, 3.0)) * lv_;
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
      for (std::size_t i = 0; i < N; ++i) {
        yy[2 * i] = 1.0 + std::sin(2 * M_PI * x_of(i));
        yy[2 * i + 1] = 3.0;
      }
    };
    load();
    const double atol = rtol * 1e-2;
    void* mem = check_ptr(CVodeCreate(CV_BDF, ctx), "CVodeCreate");
    check(CVodeInit(mem, f, 0.0, y), "CVodeInit");
    check(CVodeSStolerances(mem, rtol, atol), "CVodeSStolerances");
    check(CVodeSetUserData(mem, this), "CVodeSetUserData");
    check(CVodeSetMaxNumSteps(mem, 1'000'000), "CVodeSetMaxNumSteps");
    SUNMatrix Jm = check_ptr(SUNBandMatrix(n, 2, 2, ctx), "SUNBandMatrix");
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
    SUNMatrix Jb = check_ptr(SUNBandMatrix(n, 2, 2, ctx), "SUNBandMatrix (backward)");
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
      r.seconds = std::min(r.seconds, s);
      r.loss = loss;
      std::copy_n(N_VGetArrayPointer(q), 3, r.dtheta.begin());
      r.dz0 = {ll[0], ll[2 * 500], ll[2 * 500 + 1]};
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

}  // namespace

int main(int argc, char** argv) {
  const std::string method = argc > 1 ? argv[1] : "costate";
  double rtol = argc > 2 ? std::atof(argv[2]) : 1e-6;
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  result r;
  if (method == "costate") r = run_costate(rtol, reps);
  else if (method == "cvodes") r = cvodes_bruss{}.run(rtol, reps);
  else if (method == "reference") r = run_costate(rtol = (argc > 2 ? rtol : 1e-10), 1);
  else {
    std::fprintf(stderr, "usage: bench_stiff_pde costate|cvodes|reference [rtol] [reps]\n");
    return 2;
  }
  std::printf("%s %g %.6f %ld %ld %ld %.12e %.12e %.12e %.12e %.12e %.12e %.12e\n", method.c_str(), rtol, r.seconds,
              peak_rss_kib(), r.steps_fwd, r.steps_bwd, r.loss, r.dtheta[0], r.dtheta[1], r.dtheta[2], r.dz0[0], r.dz0[1],
              r.dz0[2]);
}
