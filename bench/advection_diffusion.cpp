// SUNDIALS' example cvsAdvDiff_ASAi_bnd (examples/cvodes/serial/cvsAdvDiff_ASAi_bnd.c, expected output
// in its .out): the 2-D advection–diffusion u_t = u_xx + 0.5 u_x + u_yy (its coefficients as the
// example computes them) on 0 <= x <= 2, 0 <= y <= 1, central differences on MX × MY = 40 × 20
// interior points (800 states) with homogeneous Dirichlet boundaries, t ∈ [0, 1], and
// G = ∫ Σ_ij u_ij dt (the example's backward problem adds -1 per point), whose gradient
// λ(t0) = dG/du(t0) the example prints as its largest value and where it is:
//   lambda max = 1.128855e-01 at x = 1.170732e+00, y = 4.761905e-01   (i = 24, j = 10)
//
//   BM_advdiff_costate        costate, the grid written as state_matrix<40, 20> with shift<±1, axis>
//                             (no masks, no rotations), dopri5, checkpointed adjoint (dense output kept)
//   BM_advdiff_cvodes_band    CVODES as the example sets it up: BDF, Newton with the banded direct
//                             solver (bandwidths MY) and the example's hand-coded banded Jacobians
//                             forward and backward, rtol 0 and atol 1e-5 forward, rtol 1e-6 and atol
//                             1e-5 backward, Hermite interpolation, a checkpoint every 50 steps
//
// Timed as bench/cvodes.cpp times its gradients: memory, vectors and solvers created once, then per
// gradient CVodeReInit, CVodeAdjReInit, CVodeF, CVodeReInitB, CVodeB, CVodeGetB.
// Counters: lambda_max (the value the example prints), rel_err (max_ij |λ_ij(t0) − ref_ij| / max|ref|
// against costate at rtol = atol = 1e-12), steps_fwd, steps_bwd. main() checks before timing that both
// reproduce the published λ max and its place, and that costate's λ is at least as accurate as CVODES'.
#include <costate/costate.hpp>

#include <cvodes/cvodes.h>
#include <cvodes/cvodes_ls.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_band.h>
#include <sunmatrix/sunmatrix_band.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>

namespace {
using namespace costate::prelude;

constexpr std::size_t MX = 40, MY = 20, NEQ = MX * MY;
// dx = 2/41, dy = 1/21: 1/dx² = 1681/4, 1.5/(2 dx) = 123/8, 1/dy² = 441.
constexpr double hdcoef = 1681.0 / 4, hacoef = 123.0 / 8, vdcoef = 441.0;
constexpr double published_lambda_max = 1.128855e-01;
constexpr std::size_t published_i = 24, published_j = 10;  // 1-based, x = i dx, y = j dy

// u[i][j] is the point (x_{i+1}, y_{j+1}), row-major as the example stores it (index i·MY + j): axis 0
// is x, axis 1 is y. shift<1>(u)[i] = u[i-1] (0 at the wall), shift<-1>(u)[i] = u[i+1].
constexpr auto u = state_matrix<MX, MY>;
constexpr auto advdiff = ode(1681_c / 4_c * (shift<1>(u) - 2_c * u + shift<-1>(u)) + 123_c / 8_c * (shift<-1>(u) - shift<1>(u)) +
                             441_c * (shift<1, 1>(u) - 2_c * u + shift<-1, 1>(u)));
constexpr auto loss = running_loss(sum(u));
const std::array<double, 0> no_theta{};

std::array<double, NEQ> initial_state() {
  std::array<double, NEQ> z{};
  const double dx = 2.0 / (MX + 1), dy = 1.0 / (MY + 1);
  for (std::size_t i = 0; i < MX; ++i)
    for (std::size_t j = 0; j < MY; ++j) {
      const double x = double(i + 1) * dx, y = double(j + 1) * dy;
      z[i * MY + j] = x * (2 - x) * y * (1 - y) * std::exp(5 * x * y);
    }
  return z;
}

const auto costate_options = costate::options<>{.rtol = 1e-6, .atol = 1e-6};

const std::array<double, NEQ>& reference() {
  static const auto g = costate::gradient(advdiff, initial_state(), no_theta, {0.0, 1.0}, loss,
                                          costate::options<>{.rtol = 1e-12, .atol = 1e-12});
  return g.dz0;
}

struct peak {
  double value = 0.0;
  std::size_t i = 0, j = 0;  // 1-based, as the example prints x = i dx, y = j dy
};
// The example's search: the first largest |λ_ij|, j outer, i inner.
peak largest(const double* l) {
  peak p;
  for (std::size_t j = 0; j < MY; ++j)
    for (std::size_t i = 0; i < MX; ++i)
      if (std::abs(l[i * MY + j]) > p.value) p = {l[i * MY + j], i + 1, j + 1};
  return p;
}
double rel_err_of(const double* l) {
  const auto& ref = reference();
  double e = 0, s = 0;
  for (std::size_t k = 0; k < NEQ; ++k) e = std::max(e, std::abs(l[k] - ref[k])), s = std::max(s, std::abs(ref[k]));
  return e / s;
}

void check_cv(int flag, const char* call) {
  if (flag < 0) std::fprintf(stderr, "bench_advection_diffusion: %s failed (%d)\n", call, flag), std::abort();
}
template <class T> T* check_ptr(T* p, const char* call) {
  if (p == nullptr) std::fprintf(stderr, "bench_advection_diffusion: %s returned null\n", call), std::abort();
  return p;
}

// The example's problem through CVODES, set up as the example does.
class cvodes_advdiff {
 public:
  struct result {
    std::array<double, NEQ> lambda{};
    long steps_fwd = 0, steps_bwd = 0;
  };
  cvodes_advdiff() {
    check_cv(SUNContext_Create(nullptr, &ctx_), "SUNContext_Create");
    u_ = check_ptr(N_VNew_Serial(NEQ, ctx_), "N_VNew_Serial");
    l_ = check_ptr(N_VNew_Serial(NEQ, ctx_), "N_VNew_Serial");
    load();
    mem_ = check_ptr(CVodeCreate(CV_BDF, ctx_), "CVodeCreate");
    check_cv(CVodeInit(mem_, f, 0.0, u_), "CVodeInit");
    check_cv(CVodeSStolerances(mem_, 0.0, 1e-5), "CVodeSStolerances");
    A_ = check_ptr(SUNBandMatrix(NEQ, MY, MY, ctx_), "SUNBandMatrix");
    ls_ = check_ptr(SUNLinSol_Band(u_, A_, ctx_), "SUNLinSol_Band");
    check_cv(CVodeSetLinearSolver(mem_, ls_, A_), "CVodeSetLinearSolver");
    check_cv(CVodeSetJacFn(mem_, jac), "CVodeSetJacFn");
    check_cv(CVodeAdjInit(mem_, 50, CV_HERMITE), "CVodeAdjInit");
    check_cv(CVodeCreateB(mem_, CV_BDF, &which_), "CVodeCreateB");
    N_VConst(0.0, l_);
    check_cv(CVodeInitB(mem_, which_, fB, 1.0, l_), "CVodeInitB");
    check_cv(CVodeSStolerancesB(mem_, which_, 1e-6, 1e-5), "CVodeSStolerancesB");
    A_b_ = check_ptr(SUNBandMatrix(NEQ, MY, MY, ctx_), "SUNBandMatrix (backward)");
    ls_b_ = check_ptr(SUNLinSol_Band(l_, A_b_, ctx_), "SUNLinSol_Band (backward)");
    check_cv(CVodeSetLinearSolverB(mem_, which_, ls_b_, A_b_), "CVodeSetLinearSolverB");
    check_cv(CVodeSetJacFnB(mem_, which_, jacB), "CVodeSetJacFnB");
    mem_b_ = check_ptr(CVodeGetAdjCVodeBmem(mem_, which_), "CVodeGetAdjCVodeBmem");
  }
  cvodes_advdiff(const cvodes_advdiff&) = delete;
  cvodes_advdiff& operator=(const cvodes_advdiff&) = delete;
  ~cvodes_advdiff() {
    CVodeFree(&mem_);
    SUNLinSolFree(ls_);
    SUNLinSolFree(ls_b_);
    SUNMatDestroy(A_);
    SUNMatDestroy(A_b_);
    N_VDestroy(u_);
    N_VDestroy(l_);
    SUNContext_Free(&ctx_);
  }
  void gradient(result& r) {
    load();
    check_cv(CVodeReInit(mem_, 0.0, u_), "CVodeReInit");
    check_cv(CVodeAdjReInit(mem_), "CVodeAdjReInit");
    sunrealtype t = 0.0;
    int ncheck = 0;
    check_cv(CVodeF(mem_, 1.0, u_, &t, CV_NORMAL, &ncheck), "CVodeF");
    check_cv(CVodeGetNumSteps(mem_, &r.steps_fwd), "CVodeGetNumSteps");
    N_VConst(0.0, l_);
    check_cv(CVodeReInitB(mem_, which_, 1.0, l_), "CVodeReInitB");
    check_cv(CVodeB(mem_, 0.0, CV_NORMAL), "CVodeB");
    check_cv(CVodeGetB(mem_, which_, &t, l_), "CVodeGetB");
    check_cv(CVodeGetNumSteps(mem_b_, &r.steps_bwd), "CVodeGetNumSteps (backward)");
    std::copy_n(N_VGetArrayPointer(l_), NEQ, r.lambda.begin());
  }

 private:
  SUNContext ctx_ = nullptr;
  N_Vector u_ = nullptr, l_ = nullptr;
  void* mem_ = nullptr;
  void* mem_b_ = nullptr;
  int which_ = -1;
  SUNMatrix A_ = nullptr, A_b_ = nullptr;
  SUNLinearSolver ls_ = nullptr, ls_b_ = nullptr;

  void load() {
    const auto z = initial_state();
    std::copy(z.begin(), z.end(), N_VGetArrayPointer(u_));
  }
  // v[i][j] with zeros beyond the walls.
  static double at(const double* v, std::ptrdiff_t i, std::ptrdiff_t j) {
    return i < 0 || j < 0 || i >= std::ptrdiff_t(MX) || j >= std::ptrdiff_t(MY) ? 0.0 : v[i * std::ptrdiff_t(MY) + j];
  }
  // u' = hd (u_{i-1} - 2u + u_{i+1}) + ha (u_{i+1} - u_{i-1}) + vd (u_{j-1} - 2u + u_{j+1}).
  static int f(sunrealtype, N_Vector uv, N_Vector dv, void*) {
    const double* v = N_VGetArrayPointer(uv);
    double* d = N_VGetArrayPointer(dv);
    for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(MX); ++i)
      for (std::ptrdiff_t j = 0; j < std::ptrdiff_t(MY); ++j) {
        const double c = v[i * std::ptrdiff_t(MY) + j], w = at(v, i - 1, j), e = at(v, i + 1, j), s = at(v, i, j - 1),
                     n = at(v, i, j + 1);
        d[i * std::ptrdiff_t(MY) + j] = hdcoef * (w - 2 * c + e) + hacoef * (e - w) + vdcoef * (s - 2 * c + n);
      }
    return 0;
  }
  // λ' = -(∂f/∂u)ᵀ λ - 1: the transposed stencil, advection reversed.
  static int fB(sunrealtype, N_Vector, N_Vector lv, N_Vector dv, void*) {
    const double* l = N_VGetArrayPointer(lv);
    double* d = N_VGetArrayPointer(dv);
    for (std::ptrdiff_t i = 0; i < std::ptrdiff_t(MX); ++i)
      for (std::ptrdiff_t j = 0; j < std::ptrdiff_t(MY); ++j) {
        const double c = l[i * std::ptrdiff_t(MY) + j], w = at(l, i - 1, j), e = at(l, i + 1, j), s = at(l, i, j - 1),
                     n = at(l, i, j + 1);
        d[i * std::ptrdiff_t(MY) + j] = -hdcoef * (w - 2 * c + e) + hacoef * (e - w) - vdcoef * (s - 2 * c + n) - 1.0;
      }
    return 0;
  }
  // ∂f/∂u column by column: the point itself and its four neighbours inside the walls.
  static void stencil(SUNMatrix J, double sign) {
    for (sunindextype i = 0; i < sunindextype(MX); ++i)
      for (sunindextype j = 0; j < sunindextype(MY); ++j) {
        const sunindextype k = i * sunindextype(MY) + j;
        double* col = SUNBandMatrix_Column(J, k);
        SM_COLUMN_ELEMENT_B(col, k, k) = sign * -2 * (hdcoef + vdcoef);
        // column k holds ∂f_m/∂u_k: f at the point left of k (m = k - MY) sees u_k as its right neighbour.
        if (i > 0) SM_COLUMN_ELEMENT_B(col, k - sunindextype(MY), k) = sign > 0 ? hdcoef + hacoef : -hdcoef + hacoef;
        if (i + 1 < sunindextype(MX)) SM_COLUMN_ELEMENT_B(col, k + sunindextype(MY), k) = sign > 0 ? hdcoef - hacoef : -hdcoef - hacoef;
        if (j > 0) SM_COLUMN_ELEMENT_B(col, k - 1, k) = sign * vdcoef;
        if (j + 1 < sunindextype(MY)) SM_COLUMN_ELEMENT_B(col, k + 1, k) = sign * vdcoef;
      }
  }
  static int jac(sunrealtype, N_Vector, N_Vector, SUNMatrix J, void*, N_Vector, N_Vector, N_Vector) {
    stencil(J, 1.0);
    return 0;
  }
  // The backward problem's Jacobian -(∂f/∂u)ᵀ.
  static int jacB(sunrealtype, N_Vector, N_Vector, N_Vector, SUNMatrix J, void*, N_Vector, N_Vector, N_Vector) {
    stencil(J, -1.0);
    return 0;
  }
};

void BM_advdiff_costate(benchmark::State& st) {
  const auto z0 = initial_state();
  auto g = costate::gradient(advdiff, z0, no_theta, {0.0, 1.0}, loss, costate_options);
  for (auto _ : st) {
    g = costate::gradient(advdiff, z0, no_theta, {0.0, 1.0}, loss, costate_options);
    benchmark::DoNotOptimize(g);
  }
  st.counters["lambda_max"] = largest(g.dz0.data()).value;
  st.counters["rel_err"] = rel_err_of(g.dz0.data());
  st.counters["steps_fwd"] = double(g.stats.forward.steps);
  st.counters["steps_bwd"] = double(g.stats.backward.steps);
}
BENCHMARK(BM_advdiff_costate)->Unit(benchmark::kMillisecond);

void BM_advdiff_cvodes_band(benchmark::State& st) {
  cvodes_advdiff solver;
  static cvodes_advdiff::result r;
  solver.gradient(r);  // CVODES allocates its interpolation data on the first CVodeF
  for (auto _ : st) {
    solver.gradient(r);
    benchmark::DoNotOptimize(r);
  }
  st.counters["lambda_max"] = largest(r.lambda.data()).value;
  st.counters["rel_err"] = rel_err_of(r.lambda.data());
  st.counters["steps_fwd"] = double(r.steps_fwd);
  st.counters["steps_bwd"] = double(r.steps_bwd);
}
BENCHMARK(BM_advdiff_cvodes_band)->Unit(benchmark::kMillisecond);

// Both reproduce the published output (λ max to CVODES' atol 1e-5, at the published point or at its
// mirror image j = MY + 1 - 10 = 11, equal by symmetry in y); costate is at least as accurate as CVODES.
void check() {
  const auto g = costate::gradient(advdiff, initial_state(), no_theta, {0.0, 1.0}, loss, costate_options);
  cvodes_advdiff solver;
  static cvodes_advdiff::result r;
  solver.gradient(r);
  const peak pc = largest(g.dz0.data()), pv = largest(r.lambda.data()), pr = largest(reference().data());
  const double ec = rel_err_of(g.dz0.data()), ev = rel_err_of(r.lambda.data());
  std::fprintf(stderr,
               "cvsAdvDiff_ASAi_bnd: lambda max (i, j): published %.6e (%zu, %zu); converged %.9e (%zu, %zu); "
               "costate %.9e (%zu, %zu), rel_err %.1e; CVODES %.9e (%zu, %zu), rel_err %.1e, steps %ld + %ld\n",
               published_lambda_max, published_i, published_j, pr.value, pr.i, pr.j, pc.value, pc.i, pc.j, ec, pv.value, pv.i, pv.j,
               ev, r.steps_fwd, r.steps_bwd);
  const auto reproduces = [](const peak& p) {
    return std::abs(p.value - published_lambda_max) <= 1e-5 && p.i == published_i &&
           (p.j == published_j || p.j == MY + 1 - published_j);
  };
  if (!reproduces(pc) || !reproduces(pv) || !(ec <= ev)) {
    std::fprintf(stderr, "bench_advection_diffusion: the published output is not reproduced, or costate is less accurate\n");
    std::abort();
  }
}
}  // namespace

int main(int argc, char** argv) {
  check();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
