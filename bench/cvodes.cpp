// SUNDIALS CVODES as a peer of costate: the gradient dL/dθ of L = ½|z(t1)|² by CVODES's adjoint
// sensitivity analysis (CVODES 6.4, Debian's libsundials-dev) on the problems of problems.hpp.
//
//   BM_cvodes_gradient_lv                   Lotka–Volterra, t ∈ [0, 10]         Adams, rtol = atol = 1e-8
//   BM_cvodes_gradient_nn<H>                neural ODE, H = 16, 64, t ∈ [0, 1]  Adams, rtol = atol = 1e-8
//   BM_cvodes_gradient_robertson            Robertson (stiff), t ∈ [0, 40]      BDF, rtol 1e-6, atol 1e-10
//   BM_cvodes_gradient_lv_tight             Adams at the tolerances at which CVODES's gradient is at least
//   BM_cvodes_gradient_nn_tight<H>          as accurate as costate's dopri5 gradient at 1e-8 (below)
//   BM_cvodes_gradient_lv_tight_polynomial  the same accuracy with CVODES's other interpolation (below)
//   BM_cvodes_stiff_set<orego_hand>/e       OREGO and HIRES of Hairer & Wanner's stiff test set (stiff),
//   BM_cvodes_stiff_set<hires_hand>/e       BDF, rtol = atol = 10^-e (e = 6, 10), as bench/stiff.cpp's
//                                           BM_stiff_set_costate<P>/e (rodas5p)
//
// What is timed: one gradient as an optimisation loop computes it, with the CVODES memory, vectors
// and solvers created once outside the loop: CVodeReInit and CVodeAdjReInit, the forward pass CVodeF
// (a checkpoint every 100 steps, interpolation data at every step), CVodeReInitB and CVodeQuadReInitB
// with λ(t1) = ∂L/∂z(t1) = z(t1) and q(t1) = 0, the backward pass CVodeB (which re-integrates the
// forward problem over each checkpoint interval but the last), CVodeGetB and CVodeGetQuadB.
//
// How CVODES is used: as its user guide recommends, nothing switched off.
//   - Nonstiff problems: CV_ADAMS with the fixed-point nonlinear solver, forward and backward (no
//     Jacobian, no linear algebra). Robertson, OREGO, HIRES: CV_BDF with Newton's method on the dense
//     direct linear solver and hand-coded Jacobians ∂f/∂z (forward) and -(∂f/∂z)ᵀ (backward).
//   - dθ is a quadrature of the backward problem (CVodeQuadInitB) with its own tolerances, included in
//     the error test (CVodeSetQuadErrConB). The gradient is what is asked for, so its error is
//     controlled; otherwise the backward steps follow λ alone and dθ gets whatever accuracy those
//     steps give (main() prints that too: up to 11 times worse componentwise on the neural ODEs).
//     costate's dopri5 also keeps g_θ in its error norm by default.
//   - Checkpointing: CVodeAdjInit with CV_HERMITE (cubic Hermite interpolation of z(t) between the
//     forward steps) and a checkpoint every 100 steps, the order of CVODES's own examples. The neural
//     ODEs take fewer steps than that and are never recomputed; storing every step of Lotka–Volterra
//     too would save its recomputation, about a quarter of its time, but no longer be checkpointing.
//   - The step limits are raised from CVODES's default of 500 steps per call, which is meant for a
//     call per output time, not one call for a whole span; it changes no step.
//
// The loss: L = ½|z(t1)|², so λ(t1) = z(t1); OREGO weighs its states (problems.hpp's loss_weight w,
// L = ½ Σ w_i z_i(t1)², λ(t1) = w ⊙ z(t1)).
//
// Why it is fair: f, the adjoint right-hand side λ' = -(∂f/∂z)ᵀλ, the quadrature q' = -(∂f/∂θ)ᵀλ and
// the Jacobians are written by hand, as plain loops like the hand-written peers of lotka_volterra.cpp
// and neural_ode.cpp, so CVODES pays nothing for differentiation; main() checks them against
// costate's derived ones before any timing. CVODES integrates the backward problem from t1 down to
// t0 with the right-hand sides as given (d/dt, not d/d(-t)), so q(t0) = q(t1) - ∫ q' dt =
// ∫ λᵀ(∂f/∂θ) dt = dL/dθ. Every benchmark reports the accuracy it paid for, against a reference
// gradient from costate at far tighter tolerances (computed once, outside the timing):
//   rel_err      max_k |dθ_k - ref_k| / max_k |ref_k|
//   rel_err_max  max_k |dθ_k - ref_k| / |ref_k|  (Robertson's θ spans 0.04 ... 3e7, so its dθ_k span
//                nine decades and the normwise error sees only the largest; OREGO's and HIRES's span six)
//   steps_fwd, steps_bwd  CVodeGetNumSteps of the forward problem after CVodeF and of the backward
//                problem (the recomputation inside CVodeB comes on top of steps_fwd)
//
// The tight variants: rtol = atol = the largest of 1e-9, 1e-10, 1e-11 at which rel_err is at most
// costate's dopri5 rel_err at 1e-8 (the smaller of backsolve's, as timed in lotka_volterra.cpp and
// neural_ode.cpp, and checkpointed's); main() prints both. With Hermite interpolation, Lotka–Volterra
// needs 1e-11: the cubic between steps of Adams formulas of order up to 12 limits the accuracy of z(t)
// in the backward pass (rel_err 2.2e-6, 4.6e-7, 3.6e-7, 6.7e-8 at 1e-8 ... 1e-11). CV_POLYNOMIAL
// (interpolation of the formula's own order) reaches the same accuracy at 1e-9.
//
// What CVODES's API costs that a hand-written integrator need not: fB (λ') and fQB (q') are separate
// callbacks, so the neural ODE's hidden layer tanh(W1 z + b1) is evaluated in both; and multistep
// methods keep a history of every component, the p quadratures included.
//
// Google Benchmark prints the counters with SI prefixes (1.5n = 1.5e-9); --benchmark_format=json
// gives the plain numbers.
#include <costate/costate.hpp>

#include <cvodes/cvodes.h>
#include <cvodes/cvodes_ls.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunnonlinsol/sunnonlinsol_fixedpoint.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <type_traits>

#include "costate_problems.hpp"

namespace {

// ---------------------------------------------------------------------------------------------------
// Hand-written derivatives: each problem's dλ/dt = -(∂f/∂z)ᵀλ (adjoint) and dq/dt = -(∂f/∂θ)ᵀλ
// (quadrature); the stiff one also ∂f/∂z (jacobian, row-major). f itself is problems.hpp's.

// Lotka–Volterra, z = (x, y), θ = (a, b, c, d):
//   ∂f/∂z = [[a - b y, -b x], [d y, d x - c]],  ∂f/∂θ = [[x, -xy, 0, 0], [0, 0, -y, xy]].
struct lv_hand {
  using problem = bench::lotka_volterra;
  static constexpr bool stiff = false;
  static const std::array<double, problem::p>& theta() { return problem::theta; }

  static void adjoint(const double* z, const double* l, const double* th, double* dl) {
    const double a = th[0], b = th[1], c = th[2], d = th[3], x = z[0], y = z[1];
    dl[0] = -((a - b * y) * l[0] + d * y * l[1]);
    dl[1] = -((d * x - c) * l[1] - b * x * l[0]);
  }
  static void quadrature(const double* z, const double* l, const double* /*th*/, double* dq) {
    const double x = z[0], y = z[1], xy = x * y;
    dq[0] = -(x * l[0]);
    dq[1] = xy * l[0];
    dq[2] = y * l[1];
    dq[3] = -(xy * l[1]);
  }
};

// Neural ODE f = W2 h + b2, h = tanh(W1 z + b1), θ = (W1, b1, W2, b2) flat (problems.hpp). With
// s = (W2ᵀλ) ⊙ (1 - h²):  λᵀ∂f/∂z = W1ᵀs,  λᵀ∂f/∂W1 = s zᵀ,  λᵀ∂f/∂b1 = s,  λᵀ∂f/∂W2 = λ hᵀ,
// λᵀ∂f/∂b2 = λ.
template <std::size_t H>
struct nn_hand {
  using problem = bench::neural_ode<H>;
  static constexpr bool stiff = false;
  static constexpr std::size_t oW1 = problem::oW1, ob1 = problem::ob1, oW2 = problem::oW2, ob2 = problem::ob2;
  static const std::array<double, problem::p>& theta() { return problem::theta(); }

  // h = tanh(W1 z + b1) and s = (W2ᵀλ) ⊙ (1 - h²)
  static void hidden(const double* z, const double* l, const double* th, std::array<double, H>& h, std::array<double, H>& s) {
    for (std::size_t i = 0; i < H; ++i) {
      h[i] = std::tanh(th[oW1 + 2 * i] * z[0] + th[oW1 + 2 * i + 1] * z[1] + th[ob1 + i]);
      s[i] = (th[oW2 + i] * l[0] + th[oW2 + H + i] * l[1]) * (1.0 - h[i] * h[i]);
    }
  }
  static void adjoint(const double* z, const double* l, const double* th, double* dl) {
    std::array<double, H> h, s;
    hidden(z, l, th, h, s);
    double g0 = 0.0, g1 = 0.0;
    for (std::size_t i = 0; i < H; ++i) {
      g0 += th[oW1 + 2 * i] * s[i];
      g1 += th[oW1 + 2 * i + 1] * s[i];
    }
    dl[0] = -g0;
    dl[1] = -g1;
  }
  static void quadrature(const double* z, const double* l, const double* th, double* dq) {
    std::array<double, H> h, s;
    hidden(z, l, th, h, s);
    for (std::size_t i = 0; i < H; ++i) {
      dq[oW1 + 2 * i] = -(s[i] * z[0]);
      dq[oW1 + 2 * i + 1] = -(s[i] * z[1]);
      dq[ob1 + i] = -s[i];
      dq[oW2 + i] = -(l[0] * h[i]);
      dq[oW2 + H + i] = -(l[1] * h[i]);
    }
    dq[ob2] = -l[0];
    dq[ob2 + 1] = -l[1];
  }
};

// Robertson, y = (y0, y1, y2), θ = (k1, k2, k3):
//   ∂f/∂y = [[-k1, k3 y2, k3 y1], [k1, -2 k2 y1 - k3 y2, -k3 y1], [0, 2 k2 y1, 0]],
//   ∂f/∂θ = [[-y0, 0, y1 y2], [y0, -y1², -y1 y2], [0, y1², 0]].
// Each reaction moves mass from one species to another, so λ enters only as λ0 - λ1 and λ2 - λ1.
struct robertson_hand {
  using problem = bench::robertson;
  static constexpr bool stiff = true;
  static constexpr std::array<double, 3> state_scale{1.0, 1e-5, 1.0};  // y1 of its size, ~1e-5
  static const std::array<double, problem::p>& theta() { return problem::theta; }

  static void jacobian(const double* y, const double* k, double* J) {
    J[0] = -k[0], J[1] = k[2] * y[2], J[2] = k[2] * y[1];
    J[3] = k[0], J[4] = -2.0 * k[1] * y[1] - k[2] * y[2], J[5] = -k[2] * y[1];
    J[6] = 0.0, J[7] = 2.0 * k[1] * y[1], J[8] = 0.0;
  }
  static void adjoint(const double* y, const double* l, const double* k, double* dl) {
    const double l01 = l[0] - l[1], l21 = l[2] - l[1];
    dl[0] = k[0] * l01;
    dl[1] = -(k[2] * y[2] * l01 + 2.0 * k[1] * y[1] * l21);
    dl[2] = -(k[2] * y[1] * l01);
  }
  static void quadrature(const double* y, const double* l, const double* /*k*/, double* dq) {
    const double l01 = l[0] - l[1], l21 = l[2] - l[1];
    dq[0] = y[0] * l01;
    dq[1] = -(y[1] * y[1] * l21);
    dq[2] = -(y[1] * y[2] * l01);
  }
};

// OREGO, y = (y1, y2, y3) as y[0..2], θ = (s, q, w):
//   ∂f/∂y = [[s (1 - 2 q y1 - y2), s (1 - y1), 0], [-y2 / s, -(1 + y1) / s, 1 / s], [w, 0, -w]],
//   ∂f/∂θ = [[y2 + y1 (1 - q y1 - y2), -s y1², 0], [-(y3 - (1 + y1) y2) / s², 0, 0], [0, 0, y1 - y3]].
struct orego_hand {
  using problem = bench::orego;
  static constexpr bool stiff = true;
  static constexpr std::array<double, 3> state_scale{1e3, 10.0, 1e3};  // random states for check_derivatives
  static const std::array<double, problem::p>& theta() { return problem::theta; }

  static void jacobian(const double* y, const double* th, double* J) {
    const double s = th[0], q = th[1], w = th[2];
    J[0] = s * (1.0 - 2.0 * q * y[0] - y[1]), J[1] = s * (1.0 - y[0]), J[2] = 0.0;
    J[3] = -y[1] / s, J[4] = -(1.0 + y[0]) / s, J[5] = 1.0 / s;
    J[6] = w, J[7] = 0.0, J[8] = -w;
  }
  static void adjoint(const double* y, const double* l, const double* th, double* dl) {
    const double s = th[0], q = th[1], w = th[2];
    dl[0] = -(s * (1.0 - 2.0 * q * y[0] - y[1]) * l[0] - y[1] / s * l[1] + w * l[2]);
    dl[1] = -(s * (1.0 - y[0]) * l[0] - (1.0 + y[0]) / s * l[1]);
    dl[2] = -(l[1] / s - w * l[2]);
  }
  static void quadrature(const double* y, const double* l, const double* th, double* dq) {
    const double s = th[0], q = th[1];
    dq[0] = -((y[1] + y[0] * (1.0 - q * y[0] - y[1])) * l[0] - (y[2] - (1.0 + y[0]) * y[1]) / (s * s) * l[1]);
    dq[1] = s * y[0] * y[0] * l[0];
    dq[2] = -((y[0] - y[2]) * l[2]);
  }
};

// HIRES, y = y[0..7], θ = k[0..11] = (1.71, 0.43, 8.32, 0.0007, 8.75, 10.03, 0.035, 1.12, 1.745, 280,
// 0.69, 1.81) (problems.hpp), r = k10 y6 y8 (1-based names: k10 = k[9], y6 = y[5], y8 = y[7]).
struct hires_hand {
  using problem = bench::hires;
  static constexpr bool stiff = true;
  static constexpr std::array<double, 8> state_scale{1.0, 0.1, 0.01, 0.1, 0.01, 0.1, 0.01, 0.01};
  static const std::array<double, problem::p>& theta() { return problem::theta; }

  static void jacobian(const double* y, const double* k, double* J) {
    std::fill(J, J + 64, 0.0);
    const auto at = [J](int i, int j) -> double& { return J[8 * i + j]; };
    at(0, 0) = -k[0], at(0, 1) = k[1], at(0, 2) = k[2];
    at(1, 0) = k[0], at(1, 1) = -k[4];
    at(2, 2) = -k[5], at(2, 3) = k[1], at(2, 4) = k[6];
    at(3, 1) = k[2], at(3, 2) = k[0], at(3, 3) = -k[7];
    at(4, 4) = -k[8], at(4, 5) = k[1], at(4, 6) = k[1];
    at(5, 3) = k[10], at(5, 4) = k[0], at(5, 5) = -k[9] * y[7] - k[1], at(5, 6) = k[10], at(5, 7) = -k[9] * y[5];
    at(6, 5) = k[9] * y[7], at(6, 6) = -k[11], at(6, 7) = k[9] * y[5];
    at(7, 5) = -k[9] * y[7], at(7, 6) = k[11], at(7, 7) = -k[9] * y[5];
  }
  static void adjoint(const double* y, const double* l, const double* k, double* dl) {
    const double l567 = l[5] - l[6] + l[7];
    dl[0] = k[0] * (l[0] - l[1]);
    dl[1] = -(k[1] * l[0] - k[4] * l[1] + k[2] * l[3]);
    dl[2] = -(k[2] * l[0] - k[5] * l[2] + k[0] * l[3]);
    dl[3] = -(k[1] * l[2] - k[7] * l[3] + k[10] * l[5]);
    dl[4] = -(k[6] * l[2] - k[8] * l[4] + k[0] * l[5]);
    dl[5] = -(k[1] * (l[4] - l[5]) - k[9] * y[7] * l567);
    dl[6] = -(k[1] * l[4] + k[10] * l[5] + k[11] * (l[7] - l[6]));
    dl[7] = k[9] * y[5] * l567;
  }
  static void quadrature(const double* y, const double* l, const double* /*k*/, double* dq) {
    dq[0] = -(y[0] * (l[1] - l[0]) + y[2] * l[3] + y[4] * l[5]);
    dq[1] = -(y[1] * l[0] + y[3] * l[2] + (y[5] + y[6]) * l[4] - y[5] * l[5]);
    dq[2] = -(y[2] * l[0] + y[1] * l[3]);
    dq[3] = -l[0];
    dq[4] = y[1] * l[1];
    dq[5] = y[2] * l[2];
    dq[6] = -(y[4] * l[2]);
    dq[7] = y[3] * l[3];
    dq[8] = y[4] * l[4];
    dq[9] = y[5] * y[7] * (l[5] - l[6] + l[7]);
    dq[10] = -((y[3] + y[6]) * l[5]);
    dq[11] = y[6] * (l[6] - l[7]);
  }
};

// ---------------------------------------------------------------------------------------------------
// Every SUNDIALS call is checked; a failure ends the program with the call's name.

[[noreturn]] void fail(const char* call, int flag, const char* what) {
  std::fprintf(stderr, "bench_cvodes: %s failed: flag %d (%s)\n", call, flag, what ? what : "?");
  std::abort();
}

// CVODES calls (CV_* flags; positive ones such as CV_WARNING report success).
void check_cv(int flag, const char* call) {
  if (flag < 0) fail(call, flag, CVodeGetReturnFlagName(flag));  // a malloc'ed name: we abort anyway
}
// The linear solver interface (CVLS_* flags).
void check_ls(int flag, const char* call) {
  if (flag < 0) fail(call, flag, CVodeGetLinReturnFlagName(flag));
}
// Everything else (SUNContext, SUNLinSol, SUNNonlinSol): 0 on success.
void check_zero(int flag, const char* call) {
  if (flag != 0) fail(call, flag, "non-zero return");
}
template <class T>
T* check_ptr(T* ptr, const char* call) {
  if (ptr == nullptr) fail(call, 0, "returned NULL");
  return ptr;
}

// ---------------------------------------------------------------------------------------------------
// The solver: one CVODES memory with its adjoint module and one backward problem with its quadrature,
// created once; gradient() re-initialises them and computes one gradient.

struct settings {
  int lmm;                    // CV_ADAMS (fixed-point iteration) or CV_BDF (Newton, dense LU, hand-coded Jacobians)
  double rtol, atol;          // z (forward) and λ (backward)
  double rtol_q, atol_q;      // the quadrature q (backward)
  bool quad_error_control = true;
  // Absolute tolerance atol_q / |θ_k| on q_k = dL/dθ_k, i.e. atol_q on θ_k dL/dθ_k, the response to
  // a relative change of θ_k: for θ spanning decades (Robertson), where one atol_q cannot fit all dθ_k.
  bool atol_q_per_theta = false;
  int interpolation = CV_HERMITE;
  long steps_per_checkpoint = 100;
  long max_steps = 10'000'000;  // per call; CVODES's default is 500
};

template <class Hand>
class cvodes_adjoint {
 public:
  using problem = typename Hand::problem;
  static constexpr std::size_t n = problem::n, p = problem::p;

  struct result {
    std::array<double, p> dtheta{};  // dL/dθ = q(t0)
    std::array<double, n> dz0{};     // dL/dz0 = λ(t0)
    long steps_fwd = 0, steps_bwd = 0;
    int checkpoints = 0;
  };

  // θ as the callbacks read it (CVODES's user data points to this object).
  std::array<double, p> theta = Hand::theta();

  explicit cvodes_adjoint(const settings& s) {
    check_zero(SUNContext_Create(nullptr, &ctx_), "SUNContext_Create");
    z_ = check_ptr(N_VNew_Serial(n, ctx_), "N_VNew_Serial (z)");
    lambda_ = check_ptr(N_VNew_Serial(n, ctx_), "N_VNew_Serial (lambda)");
    q_ = check_ptr(N_VNew_Serial(p, ctx_), "N_VNew_Serial (q)");
    load_z0();
    N_VConst(0.0, lambda_);
    N_VConst(0.0, q_);

    // The forward problem.
    mem_ = check_ptr(CVodeCreate(s.lmm, ctx_), "CVodeCreate");
    check_cv(CVodeInit(mem_, rhs, problem::t0, z_), "CVodeInit");
    check_cv(CVodeSStolerances(mem_, s.rtol, s.atol), "CVodeSStolerances");
    check_cv(CVodeSetUserData(mem_, this), "CVodeSetUserData");
    check_cv(CVodeSetMaxNumSteps(mem_, s.max_steps), "CVodeSetMaxNumSteps");
    if constexpr (Hand::stiff) {
      A_ = check_ptr(SUNDenseMatrix(n, n, ctx_), "SUNDenseMatrix");
      ls_ = check_ptr(SUNLinSol_Dense(z_, A_, ctx_), "SUNLinSol_Dense");
      check_ls(CVodeSetLinearSolver(mem_, ls_, A_), "CVodeSetLinearSolver");
      check_ls(CVodeSetJacFn(mem_, jac), "CVodeSetJacFn");
    } else {
      nls_ = check_ptr(SUNNonlinSol_FixedPoint(z_, 0, ctx_), "SUNNonlinSol_FixedPoint");
      check_cv(CVodeSetNonlinearSolver(mem_, nls_), "CVodeSetNonlinearSolver");
    }
    check_cv(CVodeAdjInit(mem_, s.steps_per_checkpoint, s.interpolation), "CVodeAdjInit");

    // The backward problem, λ with the quadrature q; gradient() sets their values at t1.
    check_cv(CVodeCreateB(mem_, s.lmm, &which_), "CVodeCreateB");
    check_cv(CVodeInitB(mem_, which_, rhs_b, problem::t1, lambda_), "CVodeInitB");
    check_cv(CVodeSStolerancesB(mem_, which_, s.rtol, s.atol), "CVodeSStolerancesB");
    check_cv(CVodeSetUserDataB(mem_, which_, this), "CVodeSetUserDataB");
    check_cv(CVodeSetMaxNumStepsB(mem_, which_, s.max_steps), "CVodeSetMaxNumStepsB");
    if constexpr (Hand::stiff) {
      A_b_ = check_ptr(SUNDenseMatrix(n, n, ctx_), "SUNDenseMatrix (backward)");
      ls_b_ = check_ptr(SUNLinSol_Dense(lambda_, A_b_, ctx_), "SUNLinSol_Dense (backward)");
      check_ls(CVodeSetLinearSolverB(mem_, which_, ls_b_, A_b_), "CVodeSetLinearSolverB");
      check_ls(CVodeSetJacFnB(mem_, which_, jac_b), "CVodeSetJacFnB");
    } else {
      nls_b_ = check_ptr(SUNNonlinSol_FixedPoint(lambda_, 0, ctx_), "SUNNonlinSol_FixedPoint (backward)");
      check_cv(CVodeSetNonlinearSolverB(mem_, which_, nls_b_), "CVodeSetNonlinearSolverB");
    }
    check_cv(CVodeQuadInitB(mem_, which_, quad_b, q_), "CVodeQuadInitB");
    if (s.atol_q_per_theta) {
      N_Vector atol_q = check_ptr(N_VNew_Serial(p, ctx_), "N_VNew_Serial (atol_q)");
      for (std::size_t k = 0; k < p; ++k) N_VGetArrayPointer(atol_q)[k] = s.atol_q / std::abs(theta[k]);
      check_cv(CVodeQuadSVtolerancesB(mem_, which_, s.rtol_q, atol_q), "CVodeQuadSVtolerancesB");  // copies atol_q
      N_VDestroy(atol_q);
    } else {
      check_cv(CVodeQuadSStolerancesB(mem_, which_, s.rtol_q, s.atol_q), "CVodeQuadSStolerancesB");
    }
    check_cv(CVodeSetQuadErrConB(mem_, which_, s.quad_error_control ? SUNTRUE : SUNFALSE), "CVodeSetQuadErrConB");
    mem_b_ = check_ptr(CVodeGetAdjCVodeBmem(mem_, which_), "CVodeGetAdjCVodeBmem");
  }

  cvodes_adjoint(const cvodes_adjoint&) = delete;
  cvodes_adjoint& operator=(const cvodes_adjoint&) = delete;

  ~cvodes_adjoint() {
    CVodeFree(&mem_);  // with the adjoint memory: the checkpoints and the backward problem
    // The solvers, matrices and vectors belong to us, not to CVODES.
    if (nls_) check_zero(SUNNonlinSolFree(nls_), "SUNNonlinSolFree");
    if (nls_b_) check_zero(SUNNonlinSolFree(nls_b_), "SUNNonlinSolFree (backward)");
    if (ls_) check_zero(SUNLinSolFree(ls_), "SUNLinSolFree");
    if (ls_b_) check_zero(SUNLinSolFree(ls_b_), "SUNLinSolFree (backward)");
    if (A_) SUNMatDestroy(A_);
    if (A_b_) SUNMatDestroy(A_b_);
    N_VDestroy(q_);
    N_VDestroy(lambda_);
    N_VDestroy(z_);
    check_zero(SUNContext_Free(&ctx_), "SUNContext_Free");
  }

  // The forward pass alone: L = ½ Σ w_i z_i(t1)² (for finite differences).
  double loss() {
    forward();
    const double* z = N_VGetArrayPointer(z_);
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += weight(i) * z[i] * z[i];
    return 0.5 * s;
  }

  result gradient() {
    result r;
    r.checkpoints = forward();
    check_cv(CVodeGetNumSteps(mem_, &r.steps_fwd), "CVodeGetNumSteps");

    for (std::size_t i = 0; i < n; ++i)  // λ(t1) = ∂L/∂z(t1) = w ⊙ z(t1)
      N_VGetArrayPointer(lambda_)[i] = weight(i) * N_VGetArrayPointer(z_)[i];
    N_VConst(0.0, q_);
    check_cv(CVodeReInitB(mem_, which_, problem::t1, lambda_), "CVodeReInitB");
    check_cv(CVodeQuadReInitB(mem_, which_, q_), "CVodeQuadReInitB");
    check_cv(CVodeB(mem_, problem::t0, CV_NORMAL), "CVodeB");
    sunrealtype t = 0.0;
    check_cv(CVodeGetB(mem_, which_, &t, lambda_), "CVodeGetB");
    check_cv(CVodeGetQuadB(mem_, which_, &t, q_), "CVodeGetQuadB");
    check_cv(CVodeGetNumSteps(mem_b_, &r.steps_bwd), "CVodeGetNumSteps (backward)");

    std::copy_n(N_VGetArrayPointer(q_), p, r.dtheta.begin());
    std::copy_n(N_VGetArrayPointer(lambda_), n, r.dz0.begin());
    return r;
  }

 private:
  SUNContext ctx_ = nullptr;
  N_Vector z_ = nullptr, lambda_ = nullptr, q_ = nullptr;
  void* mem_ = nullptr;
  void* mem_b_ = nullptr;  // the backward problem's CVODES memory, owned by mem_
  int which_ = -1;
  SUNMatrix A_ = nullptr, A_b_ = nullptr;
  SUNLinearSolver ls_ = nullptr, ls_b_ = nullptr;
  SUNNonlinearSolver nls_ = nullptr, nls_b_ = nullptr;

  void load_z0() { std::copy(problem::z0.begin(), problem::z0.end(), N_VGetArrayPointer(z_)); }
  // The loss's weight w_i of z_i(t1)² (problems.hpp: 1, except where a problem lists loss_weight).
  static constexpr double weight(std::size_t i) {
    if constexpr (requires { problem::loss_weight; }) return problem::loss_weight[i];
    else return 1.0;
  }

  // z0 at t0 to z(t1) in z_, storing checkpoints; returns their number.
  int forward() {
    load_z0();
    check_cv(CVodeReInit(mem_, problem::t0, z_), "CVodeReInit");
    check_cv(CVodeAdjReInit(mem_), "CVodeAdjReInit");  // drops the previous gradient's checkpoints
    sunrealtype t = 0.0;
    int ncheck = 0;
    check_cv(CVodeF(mem_, problem::t1, z_, &t, CV_NORMAL, &ncheck), "CVodeF");
    return ncheck;
  }

  static const double* theta_of(void* user_data) { return static_cast<const cvodes_adjoint*>(user_data)->theta.data(); }

  static int rhs(sunrealtype /*t*/, N_Vector z, N_Vector dz, void* user_data) {
    problem::template f<double, double>(N_VGetArrayPointer(z), theta_of(user_data), N_VGetArrayPointer(dz));
    return 0;
  }
  static int rhs_b(sunrealtype /*t*/, N_Vector z, N_Vector l, N_Vector dl, void* user_data) {
    Hand::adjoint(N_VGetArrayPointer(z), N_VGetArrayPointer(l), theta_of(user_data), N_VGetArrayPointer(dl));
    return 0;
  }
  static int quad_b(sunrealtype /*t*/, N_Vector z, N_Vector l, N_Vector dq, void* user_data) {
    Hand::quadrature(N_VGetArrayPointer(z), N_VGetArrayPointer(l), theta_of(user_data), N_VGetArrayPointer(dq));
    return 0;
  }
  // ∂f/∂z into CVODES's column-major dense matrix.
  static int jac(sunrealtype /*t*/, N_Vector z, N_Vector /*fz*/, SUNMatrix J, void* user_data, N_Vector, N_Vector, N_Vector) {
    if constexpr (Hand::stiff) {
      std::array<double, n * n> Jz;
      Hand::jacobian(N_VGetArrayPointer(z), theta_of(user_data), Jz.data());
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) SM_ELEMENT_D(J, i, j) = Jz[i * n + j];
    }
    return 0;
  }
  // ∂(dλ/dt)/∂λ = -(∂f/∂z)ᵀ
  static int jac_b(sunrealtype /*t*/, N_Vector z, N_Vector /*l*/, N_Vector /*fl*/, SUNMatrix JB, void* user_data, N_Vector,
                   N_Vector, N_Vector) {
    if constexpr (Hand::stiff) {
      std::array<double, n * n> Jz;
      Hand::jacobian(N_VGetArrayPointer(z), theta_of(user_data), Jz.data());
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) SM_ELEMENT_D(JB, i, j) = -Jz[j * n + i];
    }
    return 0;
  }
};

// ---------------------------------------------------------------------------------------------------
// Settings (see the header comment for the choices).

constexpr settings adams(double tol, int interpolation = CV_HERMITE) {
  return {.lmm = CV_ADAMS, .rtol = tol, .atol = tol, .rtol_q = tol, .atol_q = tol, .interpolation = interpolation};
}
constexpr settings nonstiff_settings = adams(1e-8);  // the tolerance of costate's dopri5 benchmarks
// The tight tolerances as measured (main() prints the comparison on every run).
constexpr settings lv_tight_settings = adams(1e-11);
constexpr settings lv_tight_polynomial_settings = adams(1e-9, CV_POLYNOMIAL);
template <std::size_t H>
constexpr settings nn_tight_settings = adams(H == 16 ? 1e-10 : 1e-11);
// Robertson: y1 lies between 9e-6 (t = 40) and 4e-5 (its peak), so atol = 1e-10 holds it to 1e-5 ...
// 3e-6 relative while rtol holds y0 and y2; dL/dθ ≈ (-1.8, -1e-9, 6e-6) spans nine decades, hence the
// quadrature's atol per θ_k (the same accuracy as costate's rosenbrock4 at these tolerances, which
// main() prints).
constexpr settings robertson_settings{.lmm = CV_BDF, .rtol = 1e-6, .atol = 1e-10, .rtol_q = 1e-6, .atol_q = 1e-10,
                                      .atol_q_per_theta = true};

// Hairer & Wanner's stiff test set (OREGO, HIRES): everything at rtol = atol = tol, as costate's
// rodas5p benchmarks in bench/stiff.cpp: BDF with the dense Newton solver and hand-coded Jacobians, λ
// and the quadrature q = dL/dθ (in the error test) at the same rtol and atol.
constexpr settings stiff_set_settings(double tol) {
  return {.lmm = CV_BDF, .rtol = tol, .atol = tol, .rtol_q = tol, .atol_q = tol};
}

// ---------------------------------------------------------------------------------------------------
// The same problems in costate: reference gradients (computed once) and the derived derivatives the
// hand-written ones are checked against.

namespace reference {
using namespace costate;

// The costate expressions of each hand-written problem (bench/costate_problems.hpp).
template <class Hand> struct of {
  static constexpr const auto& sys = bench::expressions<typename Hand::problem>::system;
  static constexpr const auto& loss = bench::expressions<typename Hand::problem>::loss;
};

template <class Hand, class Opt>
std::array<double, Hand::problem::p> gradient_with(const Opt& opt) {
  using P = typename Hand::problem;
  return costate::gradient(of<Hand>::sys, P::z0, Hand::theta(), time_span{P::t0, P::t1}, of<Hand>::loss, opt).dtheta;
}

// bench::reference: dopri5 at 1e-13 for the nonstiff problems; rosenbrock4 at 1e-12 for Robertson,
// with atol below every dθ_k; rodas5p at rtol 1e-12 for OREGO and HIRES (main() checks them against
// finite differences, and OREGO's and HIRES's against CVODES at 1e-12 too).
template <class Hand>
const std::array<double, Hand::problem::p>& dtheta() {
  return bench::reference<typename Hand::problem>().dtheta;
}

}  // namespace reference

struct accuracy {
  double normwise;       // max_k |g_k - ref_k| / max_k |ref_k|
  double componentwise;  // max_k |g_k - ref_k| / |ref_k|
};

template <std::size_t P>
accuracy compare(const std::array<double, P>& g, const std::array<double, P>& ref) {
  return {bench::rel_err(g, ref), bench::rel_err_max(g, ref)};  // a zero ref_k would show as inf
}

// ---------------------------------------------------------------------------------------------------
// Benchmarks.

template <class Hand>
void run_gradient(benchmark::State& st, const settings& s) {
  const auto& ref = reference::dtheta<Hand>();  // computed on first use, outside the timing
  cvodes_adjoint<Hand> solver(s);
  // One gradient first: CVODES allocates its interpolation data on the first CVodeF, once.
  auto r = solver.gradient();
  for (auto _ : st) {
    r = solver.gradient();
    benchmark::DoNotOptimize(r);
  }
  const accuracy a = compare(r.dtheta, ref);
  st.counters["rel_err"] = a.normwise;
  st.counters["rel_err_max"] = a.componentwise;
  st.counters["steps_fwd"] = static_cast<double>(r.steps_fwd);
  st.counters["steps_bwd"] = static_cast<double>(r.steps_bwd);
}

void BM_cvodes_gradient_lv(benchmark::State& st) { run_gradient<lv_hand>(st, nonstiff_settings); }
template <std::size_t H>
void BM_cvodes_gradient_nn(benchmark::State& st) { run_gradient<nn_hand<H>>(st, nonstiff_settings); }
void BM_cvodes_gradient_robertson(benchmark::State& st) { run_gradient<robertson_hand>(st, robertson_settings); }
void BM_cvodes_gradient_lv_tight(benchmark::State& st) { run_gradient<lv_hand>(st, lv_tight_settings); }
template <std::size_t H>
void BM_cvodes_gradient_nn_tight(benchmark::State& st) { run_gradient<nn_hand<H>>(st, nn_tight_settings<H>); }
void BM_cvodes_gradient_lv_tight_polynomial(benchmark::State& st) { run_gradient<lv_hand>(st, lv_tight_polynomial_settings); }

BENCHMARK(BM_cvodes_gradient_lv)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_cvodes_gradient_nn, 16)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_cvodes_gradient_nn, 64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_cvodes_gradient_robertson)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_cvodes_gradient_lv_tight)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_cvodes_gradient_nn_tight, 16)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_cvodes_gradient_nn_tight, 64)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_cvodes_gradient_lv_tight_polynomial)->Unit(benchmark::kMicrosecond);

// The stiff test set at rtol = atol = 10^-e, e = 6 and 10 (the benchmark argument).
double tolerance_of(long e) { return 1.0 / std::pow(10.0, static_cast<double>(e)); }
template <class Hand>
void BM_cvodes_stiff_set(benchmark::State& st) { run_gradient<Hand>(st, stiff_set_settings(tolerance_of(st.range(0)))); }
BENCHMARK_TEMPLATE(BM_cvodes_stiff_set, orego_hand)->Arg(6)->Arg(10)->Unit(benchmark::kMicrosecond);
BENCHMARK_TEMPLATE(BM_cvodes_stiff_set, hires_hand)->Arg(6)->Arg(10)->Unit(benchmark::kMicrosecond);

// ---------------------------------------------------------------------------------------------------
// SUNDIALS' own example cvsRoberts_ASAi_dns (examples/cvodes/serial/cvsRoberts_ASAi_dns.c, whose
// expected output ships as .out): Robertson with p = (0.04, 1e4, 3e7) over [0, 4e7], G = ∫ y3 dt,
// dG/dp and dG/dy0 by the adjoint. As the example sets it up: BDF with the dense linear solver and
// hand-coded Jacobians forward and backward, rtol 1e-6 and atol (1e-8, 1e-14, 1e-6) forward (the
// example's error-weight function is exactly this vector tolerance), G as a forward quadrature in
// the error test (rtol 1e-6, atol 1e-6), λ at rtol 1e-6, atol 1e-8, dG/dp as a backward quadrature
// in the error test (rtol 1e-6, atol 1e-6), Hermite interpolation, a checkpoint every 150 steps.
// The published output: G = 3.9983e+07, dG/dp = (7.6842e+05, -3.0691e+00, 5.1144e-04),
// λ(t0) = 3.9967e+07 (all three); 766 forward and 212 backward steps (SUNDIALS' git version; Debian's
// 6.4 may differ in steps, main() prints them).
struct asai_settings {
  double rtol = 1e-6;
  std::array<double, 3> atol{1e-8, 1e-14, 1e-6};
  double atol_g = 1e-6;   // G, forward quadrature
  double atol_l = 1e-8;   // λ
  double atol_q = 1e-6;   // dG/dp, backward quadrature
};

class roberts_asai {
 public:
  static constexpr double t1 = 4e7;
  struct result {
    double G = 0.0;
    std::array<double, 3> dp{}, dy0{};
    long steps_fwd = 0, steps_bwd = 0;
  };
  std::array<double, 3> p{0.04, 1e4, 3e7};

  explicit roberts_asai(const asai_settings& s) {
    check_zero(SUNContext_Create(nullptr, &ctx_), "SUNContext_Create");
    y_ = check_ptr(N_VNew_Serial(3, ctx_), "N_VNew_Serial (y)");
    g_ = check_ptr(N_VNew_Serial(1, ctx_), "N_VNew_Serial (G)");
    l_ = check_ptr(N_VNew_Serial(3, ctx_), "N_VNew_Serial (lambda)");
    q_ = check_ptr(N_VNew_Serial(3, ctx_), "N_VNew_Serial (q)");
    N_Vector atol = check_ptr(N_VNew_Serial(3, ctx_), "N_VNew_Serial (atol)");
    std::copy(s.atol.begin(), s.atol.end(), N_VGetArrayPointer(atol));
    load();
    mem_ = check_ptr(CVodeCreate(CV_BDF, ctx_), "CVodeCreate");
    check_cv(CVodeInit(mem_, f, 0.0, y_), "CVodeInit");
    check_cv(CVodeSVtolerances(mem_, s.rtol, atol), "CVodeSVtolerances");
    N_VDestroy(atol);
    check_cv(CVodeSetUserData(mem_, this), "CVodeSetUserData");
    A_ = check_ptr(SUNDenseMatrix(3, 3, ctx_), "SUNDenseMatrix");
    ls_ = check_ptr(SUNLinSol_Dense(y_, A_, ctx_), "SUNLinSol_Dense");
    check_ls(CVodeSetLinearSolver(mem_, ls_, A_), "CVodeSetLinearSolver");
    check_ls(CVodeSetJacFn(mem_, jac), "CVodeSetJacFn");
    check_cv(CVodeQuadInit(mem_, fq, g_), "CVodeQuadInit");
    check_cv(CVodeSetQuadErrCon(mem_, SUNTRUE), "CVodeSetQuadErrCon");
    check_cv(CVodeQuadSStolerances(mem_, s.rtol, s.atol_g), "CVodeQuadSStolerances");
    check_cv(CVodeSetMaxNumSteps(mem_, 1'000'000), "CVodeSetMaxNumSteps");
    check_cv(CVodeAdjInit(mem_, 150, CV_HERMITE), "CVodeAdjInit");
    check_cv(CVodeCreateB(mem_, CV_BDF, &which_), "CVodeCreateB");
    check_cv(CVodeInitB(mem_, which_, fB, t1, l_), "CVodeInitB");
    check_cv(CVodeSStolerancesB(mem_, which_, s.rtol, s.atol_l), "CVodeSStolerancesB");
    check_cv(CVodeSetUserDataB(mem_, which_, this), "CVodeSetUserDataB");
    check_cv(CVodeSetMaxNumStepsB(mem_, which_, 1'000'000), "CVodeSetMaxNumStepsB");
    A_b_ = check_ptr(SUNDenseMatrix(3, 3, ctx_), "SUNDenseMatrix (backward)");
    ls_b_ = check_ptr(SUNLinSol_Dense(l_, A_b_, ctx_), "SUNLinSol_Dense (backward)");
    check_ls(CVodeSetLinearSolverB(mem_, which_, ls_b_, A_b_), "CVodeSetLinearSolverB");
    check_ls(CVodeSetJacFnB(mem_, which_, jacB), "CVodeSetJacFnB");
    check_cv(CVodeQuadInitB(mem_, which_, fQB, q_), "CVodeQuadInitB");
    check_cv(CVodeSetQuadErrConB(mem_, which_, SUNTRUE), "CVodeSetQuadErrConB");
    check_cv(CVodeQuadSStolerancesB(mem_, which_, s.rtol, s.atol_q), "CVodeQuadSStolerancesB");
    mem_b_ = check_ptr(CVodeGetAdjCVodeBmem(mem_, which_), "CVodeGetAdjCVodeBmem");
  }
  roberts_asai(const roberts_asai&) = delete;
  roberts_asai& operator=(const roberts_asai&) = delete;
  ~roberts_asai() {
    CVodeFree(&mem_);
    check_zero(SUNLinSolFree(ls_), "SUNLinSolFree");
    check_zero(SUNLinSolFree(ls_b_), "SUNLinSolFree (backward)");
    SUNMatDestroy(A_);
    SUNMatDestroy(A_b_);
    for (N_Vector v : {y_, g_, l_, q_}) N_VDestroy(v);
    check_zero(SUNContext_Free(&ctx_), "SUNContext_Free");
  }

  result gradient() {
    result r;
    load();
    check_cv(CVodeReInit(mem_, 0.0, y_), "CVodeReInit");
    check_cv(CVodeQuadReInit(mem_, g_), "CVodeQuadReInit");
    check_cv(CVodeAdjReInit(mem_), "CVodeAdjReInit");
    sunrealtype t = 0.0;
    int ncheck = 0;
    check_cv(CVodeF(mem_, t1, y_, &t, CV_NORMAL, &ncheck), "CVodeF");
    check_cv(CVodeGetQuad(mem_, &t, g_), "CVodeGetQuad");
    r.G = N_VGetArrayPointer(g_)[0];
    check_cv(CVodeGetNumSteps(mem_, &r.steps_fwd), "CVodeGetNumSteps");
    N_VConst(0.0, l_);
    N_VConst(0.0, q_);
    check_cv(CVodeReInitB(mem_, which_, t1, l_), "CVodeReInitB");
    check_cv(CVodeQuadReInitB(mem_, which_, q_), "CVodeQuadReInitB");
    check_cv(CVodeB(mem_, 0.0, CV_NORMAL), "CVodeB");
    check_cv(CVodeGetB(mem_, which_, &t, l_), "CVodeGetB");
    check_cv(CVodeGetQuadB(mem_, which_, &t, q_), "CVodeGetQuadB");
    check_cv(CVodeGetNumSteps(mem_b_, &r.steps_bwd), "CVodeGetNumSteps (backward)");
    // The example's backward problem yields -dG/dp in its quadrature (its .out prints qB's negation).
    for (std::size_t k = 0; k < 3; ++k) r.dp[k] = -N_VGetArrayPointer(q_)[k];
    std::copy_n(N_VGetArrayPointer(l_), 3, r.dy0.begin());
    return r;
  }

 private:
  SUNContext ctx_ = nullptr;
  N_Vector y_ = nullptr, g_ = nullptr, l_ = nullptr, q_ = nullptr;
  void* mem_ = nullptr;
  void* mem_b_ = nullptr;
  int which_ = -1;
  SUNMatrix A_ = nullptr, A_b_ = nullptr;
  SUNLinearSolver ls_ = nullptr, ls_b_ = nullptr;

  void load() {
    double* y = N_VGetArrayPointer(y_);
    y[0] = 1.0, y[1] = 0.0, y[2] = 0.0;
    N_VConst(0.0, g_);
  }
  static const double* p_of(void* d) { return static_cast<const roberts_asai*>(d)->p.data(); }
  // The example's right-hand sides, written out the same way.
  static int f(sunrealtype, N_Vector yv, N_Vector dv, void* d) {
    const double* y = N_VGetArrayPointer(yv);
    const double* p = p_of(d);
    double* yd = N_VGetArrayPointer(dv);
    yd[0] = -p[0] * y[0] + p[1] * y[1] * y[2];
    yd[2] = p[2] * y[1] * y[1];
    yd[1] = -yd[0] - yd[2];
    return 0;
  }
  static int jac(sunrealtype, N_Vector yv, N_Vector, SUNMatrix J, void* d, N_Vector, N_Vector, N_Vector) {
    const double* y = N_VGetArrayPointer(yv);
    const double* p = p_of(d);
    SM_ELEMENT_D(J, 0, 0) = -p[0], SM_ELEMENT_D(J, 0, 1) = p[1] * y[2], SM_ELEMENT_D(J, 0, 2) = p[1] * y[1];
    SM_ELEMENT_D(J, 1, 0) = p[0], SM_ELEMENT_D(J, 1, 1) = -p[1] * y[2] - 2 * p[2] * y[1], SM_ELEMENT_D(J, 1, 2) = -p[1] * y[1];
    SM_ELEMENT_D(J, 2, 0) = 0.0, SM_ELEMENT_D(J, 2, 1) = 2 * p[2] * y[1], SM_ELEMENT_D(J, 2, 2) = 0.0;
    return 0;
  }
  static int fq(sunrealtype, N_Vector yv, N_Vector qd, void*) {
    N_VGetArrayPointer(qd)[0] = N_VGetArrayPointer(yv)[2];
    return 0;
  }
  static int fB(sunrealtype, N_Vector yv, N_Vector lv, N_Vector ld, void* d) {
    const double* y = N_VGetArrayPointer(yv);
    const double* l = N_VGetArrayPointer(lv);
    const double* p = p_of(d);
    double* o = N_VGetArrayPointer(ld);
    const double l21 = l[1] - l[0], l32 = l[2] - l[1];
    o[0] = -p[0] * l21;
    o[1] = p[1] * y[2] * l21 - 2.0 * p[2] * y[1] * l32;
    o[2] = p[1] * y[1] * l21 - 1.0;
    return 0;
  }
  static int jacB(sunrealtype, N_Vector yv, N_Vector, N_Vector, SUNMatrix J, void* d, N_Vector, N_Vector, N_Vector) {
    const double* y = N_VGetArrayPointer(yv);
    const double* p = p_of(d);
    SM_ELEMENT_D(J, 0, 0) = p[0], SM_ELEMENT_D(J, 0, 1) = -p[0], SM_ELEMENT_D(J, 0, 2) = 0.0;
    SM_ELEMENT_D(J, 1, 0) = -p[1] * y[2], SM_ELEMENT_D(J, 1, 1) = p[1] * y[2] + 2.0 * p[2] * y[1];
    SM_ELEMENT_D(J, 1, 2) = -2.0 * p[2] * y[1];
    SM_ELEMENT_D(J, 2, 0) = -p[1] * y[1], SM_ELEMENT_D(J, 2, 1) = p[1] * y[1], SM_ELEMENT_D(J, 2, 2) = 0.0;
    return 0;
  }
  static int fQB(sunrealtype, N_Vector yv, N_Vector lv, N_Vector qd, void*) {
    const double* y = N_VGetArrayPointer(yv);
    const double* l = N_VGetArrayPointer(lv);
    double* o = N_VGetArrayPointer(qd);
    const double l21 = l[1] - l[0], l32 = l[2] - l[1];
    o[0] = y[0] * l21;
    o[1] = -y[1] * y[2] * l21;
    o[2] = y[1] * y[1] * l32;
    return 0;
  }
};

void BM_cvodes_roberts_asai(benchmark::State& st) {
  roberts_asai solver(asai_settings{});
  auto r = solver.gradient();
  for (auto _ : st) {
    r = solver.gradient();
    benchmark::DoNotOptimize(r);
  }
  st.counters["rel_err_max"] = bench::rel_err_max(r.dp, bench::roberts_asai_reference);
  st.counters["rel_err_y0"] = bench::rel_err_max(r.dy0, bench::roberts_asai_reference_y0);
  st.counters["steps_fwd"] = static_cast<double>(r.steps_fwd);
  st.counters["steps_bwd"] = static_cast<double>(r.steps_bwd);
}
BENCHMARK(BM_cvodes_roberts_asai)->Unit(benchmark::kMicrosecond);

// The published output reproduced to its printed digits, and the converged reference against CVODES
// at tight tolerances.
void check_roberts_asai() {
  roberts_asai solver(asai_settings{});
  const auto r = solver.gradient();
  std::fprintf(stderr,
               "cvodes: cvsRoberts_ASAi_dns: G = %.4e, dG/dp = (%.4e, %.4e, %.4e), lambda(t0) = (%.4e, %.4e, %.4e), steps %ld + %ld "
               "(published: 3.9983e+07, (7.6842e+05, -3.0691e+00, 5.1144e-04), 3.9967e+07, 766 + 212)\n",
               r.G, r.dp[0], r.dp[1], r.dp[2], r.dy0[0], r.dy0[1], r.dy0[2], r.steps_fwd, r.steps_bwd);
  const auto near = [](double a, double b) { return std::abs(a - b) <= 5e-5 * std::abs(b); };  // half a unit of the 5th digit
  if (!(near(r.G, 3.9983e7) && near(r.dp[0], 7.6842e5) && near(r.dp[1], -3.0691) && near(r.dp[2], 5.1144e-4) &&
        near(r.dy0[0], 3.9967e7))) {
    std::fprintf(stderr, "bench_cvodes: cvsRoberts_ASAi_dns does not reproduce its published output\n");
    std::abort();
  }
  asai_settings tight{.rtol = 1e-12, .atol = {1e-14, 1e-20, 1e-12}, .atol_g = 1e-12, .atol_q = 1e-12};
  tight.atol_l = 1e-12;
  roberts_asai fine(tight);
  const auto c = fine.gradient();
  const double e = bench::rel_err_max(c.dp, bench::roberts_asai_reference);
  std::fprintf(stderr, "cvodes: cvsRoberts_ASAi_dns at rtol 1e-12: dG/dp = (%.7e, %.7e, %.7e), %.1e from the reference\n", c.dp[0],
               c.dp[1], c.dp[2], e);
  if (!(e <= 1e-5)) {
    std::fprintf(stderr, "bench_cvodes: the converged cvsRoberts_ASAi_dns reference disagrees with CVODES at 1e-12\n");
    std::abort();
  }
}

// ---------------------------------------------------------------------------------------------------
// One-time checks and the accuracy comparison, printed before any timing.

// The hand-written adjoint and quadrature right-hand sides (and Jacobian) against costate's derived
// ones at θ and 1000 random (z, λ), normwise: max_i |hand_i - costate_i| ≤ 1e-13 max_i |costate_i|.
template <class Hand>
void check_derivatives(const char* name) {
  using P = typename Hand::problem;
  constexpr std::size_t n = P::n, p = P::p;
  using Sys = costate::system_of_t<std::remove_cvref_t<decltype(reference::of<Hand>::sys)>>;
  const auto& th = Hand::theta();
  const costate::adjoint_rhs<Sys, double> costate_adjoint{th.data(), nullptr};
  std::mt19937_64 rng(20240601);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  double worst = 0.0;
  for (int trial = 0; trial < 1000; ++trial) {
    // A stiff problem's state: each component in [0, state_scale_i] (concentrations, of their sizes).
    std::array<double, n> z{};
    for (std::size_t i = 0; i < n; ++i) {
      if constexpr (Hand::stiff) z[i] = Hand::state_scale[i] * (0.5 + 0.5 * unit(rng));
      else z[i] = 2.0 * unit(rng);
    }
    std::array<double, 2 * n + p + 1> s{}, ds{};  // costate's adjoint state [z, λ, g_θ, g_t]
    std::copy(z.begin(), z.end(), s.begin());
    for (std::size_t i = n; i < 2 * n; ++i) s[i] = 2.0 * unit(rng);
    costate_adjoint(s, ds, 0.0);
    std::array<double, n + p> hand{};
    Hand::adjoint(s.data(), s.data() + n, th.data(), hand.data());
    Hand::quadrature(s.data(), s.data() + n, th.data(), hand.data() + n);
    double err = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < n + p; ++i) {
      err = std::max(err, std::abs(hand[i] - ds[n + i]));
      scale = std::max(scale, std::abs(ds[n + i]));
    }
    if constexpr (Hand::stiff) {
      std::array<double, n * n> Jc{}, Jh{};
      std::array<double, n> dfdt{};
      costate::forward_rhs<Sys, double>{th.data(), nullptr}.jacobian(z, Jc.data(), 0.0, dfdt);
      Hand::jacobian(z.data(), th.data(), Jh.data());
      for (std::size_t i = 0; i < n * n; ++i) {
        err = std::max(err, std::abs(Jh[i] - Jc[i]));
        scale = std::max(scale, std::abs(Jc[i]));
      }
    }
    if (!(err <= 1e-13 * scale)) {
      std::fprintf(stderr, "bench_cvodes: %s: the hand-written derivatives differ from costate's by %.3g (relative)\n", name,
                   err / scale);
      std::abort();
    }
    worst = std::max(worst, err / scale);
  }
  std::fprintf(stderr, "check: %s: hand-written adjoint, quadrature%s = costate's on 1000 random states to %.2g\n", name,
               Hand::stiff ? ", Jacobian" : "", worst);
}

// Robertson's reference against central differences of CVODES's forward solve at tight tolerances
// (relative step 1e-4: truncation and solver noise each ~1e-8 relative).
void check_robertson_reference() {
  cvodes_adjoint<robertson_hand> fd({.lmm = CV_BDF, .rtol = 1e-12, .atol = 1e-16, .rtol_q = 1e-12, .atol_q = 1e-16});
  const auto& ref = reference::dtheta<robertson_hand>();
  double worst = 0.0;
  for (std::size_t k = 0; k < 3; ++k) {
    const double th = fd.theta[k], h = 1e-4 * th;
    fd.theta[k] = th + h;
    const double up = fd.loss();
    fd.theta[k] = th - h;
    const double down = fd.loss();
    fd.theta[k] = th;
    const double g = (up - down) / (2.0 * h);
    worst = std::max(worst, std::abs(g - ref[k]) / std::abs(ref[k]));
  }
  std::fprintf(stderr, "check: Robertson: reference dL/dθ = (%.6e, %.6e, %.6e) = central differences to %.2g\n", ref[0], ref[1],
               ref[2], worst);
  if (!(worst <= 1e-6)) {
    std::fprintf(stderr, "bench_cvodes: Robertson's reference gradient disagrees with finite differences\n");
    std::abort();
  }
}

// A stiff-set problem's reference (bench::reference, rodas5p at rtol 1e-12) against CVODES's adjoint at
// rtol 1e-12 (atol `atol` on z and λ, atol / |θ_k| on dL/dθ_k) and against fourth-order central
// differences (L(θ ± h), L(θ ± 2h), h = step θ_k) of CVODES's forward solve at rtol 1e-13, atol
// atol / 10, componentwise; abort above `limit`. Second-order differences are not enough for HIRES:
// their error on k1 and k9 falls as h² from 2.5e-2 at step 1e-4 to 2.5e-6 at 1e-6, where the solver's
// noise takes over on k10.
template <class Hand>
void check_stiff_set_reference(const char* name, double atol, double step, double limit) {
  const auto& ref = reference::dtheta<Hand>();
  constexpr std::size_t p = Hand::problem::p;
  cvodes_adjoint<Hand> solver(
      {.lmm = CV_BDF, .rtol = 1e-12, .atol = atol, .rtol_q = 1e-12, .atol_q = atol, .atol_q_per_theta = true});
  const auto r = solver.gradient();
  const double adjoint = bench::rel_err_max(r.dtheta, ref);
  cvodes_adjoint<Hand> fine({.lmm = CV_BDF, .rtol = 1e-13, .atol = 0.1 * atol, .rtol_q = 1e-13, .atol_q = atol});
  std::array<double, p> fd{};
  for (std::size_t k = 0; k < p; ++k) {
    const double th = fine.theta[k], h = step * th;
    const auto at = [&](double m) {
      fine.theta[k] = th + m * h;
      return fine.loss();
    };
    fd[k] = (8.0 * (at(1.0) - at(-1.0)) - (at(2.0) - at(-2.0))) / (12.0 * h);
    fine.theta[k] = th;
  }
  const double differences = bench::rel_err_max(fd, ref);
  std::fprintf(stderr,
               "check: %s: reference dL/dθ = CVODES's adjoint at rtol 1e-12 (steps %ld + %ld) to %.2g, = central "
               "differences to %.2g (componentwise)\n",
               name, r.steps_fwd, r.steps_bwd, adjoint, differences);
  if (!(adjoint <= limit && differences <= limit)) {
    std::fprintf(stderr, "bench_cvodes: %s's reference gradient disagrees with CVODES at 1e-12 or with finite differences\n", name);
    std::abort();
  }
}

// One CVODES gradient against the reference; abort above `limit` (normwise); report against `target`.
template <class Hand>
void check_gradient(const char* name, const settings& s, double limit, double target = 0.0) {
  cvodes_adjoint<Hand> solver(s);
  const auto r = solver.gradient();
  const accuracy a = compare(r.dtheta, reference::dtheta<Hand>());
  std::fprintf(stderr, "cvodes: %-32s rtol %.0e atol %.0e: rel_err %.2e, rel_err_max %.2e, steps %ld + %ld, checkpoints %d%s\n",
               name, s.rtol, s.atol, a.normwise, a.componentwise, r.steps_fwd, r.steps_bwd, r.checkpoints,
               target == 0.0 ? "" : a.normwise <= target ? " (<= costate's)" : " (WORSE than costate's)");
  if (!(a.normwise <= limit)) {
    std::fprintf(stderr, "bench_cvodes: %s: dθ differs from the reference by %.3g (relative), more than %.0e\n", name,
                 a.normwise, limit);
    std::abort();
  }
}

// What the gradient loses when the quadrature is left out of the error test (not benchmarked).
template <class Hand>
void print_without_quad_error_control(const char* name, settings s) {
  s.quad_error_control = false;
  cvodes_adjoint<Hand> solver(s);
  const auto r = solver.gradient();
  const accuracy a = compare(r.dtheta, reference::dtheta<Hand>());
  std::fprintf(stderr, "cvodes: %-32s without CVodeSetQuadErrConB: rel_err %.2e, rel_err_max %.2e, steps %ld + %ld\n", name,
               a.normwise, a.componentwise, r.steps_fwd, r.steps_bwd);
}

// costate's dopri5 gradient at 1e-8 (backsolve, as timed in lotka_volterra.cpp and neural_ode.cpp,
// and the default checkpointed); returns the smaller rel_err, the tight variants' target.
template <class Hand>
double costate_dopri5_accuracy(const char* name) {
  using costate::options;
  const auto& ref = reference::dtheta<Hand>();
  const accuracy b = compare(reference::gradient_with<Hand>(options<costate::dopri5, costate::backsolve>{.rtol = 1e-8, .atol = 1e-8, .adjoint = bench::backsolve_one_segment}), ref);
  const accuracy c = compare(reference::gradient_with<Hand>(options<>{.rtol = 1e-8, .atol = 1e-8}), ref);
  std::fprintf(stderr, "costate: %-31s dopri5 1e-8: rel_err %.2e, rel_err_max %.2e (backsolve); %.2e, %.2e (checkpointed)\n",
               name, b.normwise, b.componentwise, c.normwise, c.componentwise);
  return std::min(b.normwise, c.normwise);
}

}  // namespace

int main(int argc, char** argv) {
  check_derivatives<lv_hand>("Lotka-Volterra");
  check_derivatives<nn_hand<16>>("neural ODE H = 16");
  check_derivatives<nn_hand<64>>("neural ODE H = 64");
  check_derivatives<robertson_hand>("Robertson");
  check_robertson_reference();
  check_derivatives<orego_hand>("OREGO");
  check_derivatives<hires_hand>("HIRES");
  check_stiff_set_reference<orego_hand>("OREGO", 1e-14, 1e-4, 1e-6);  // measured 3.3e-10 and 2.7e-8
  check_stiff_set_reference<hires_hand>("HIRES", 1e-16, 1e-5, 1e-6);  // measured 1.8e-10 and 4.8e-8
  check_roberts_asai();

  const double lv = costate_dopri5_accuracy<lv_hand>("Lotka-Volterra");
  check_gradient<lv_hand>("Lotka-Volterra", nonstiff_settings, 1e-5);
  print_without_quad_error_control<lv_hand>("Lotka-Volterra", nonstiff_settings);
  check_gradient<lv_hand>("Lotka-Volterra tight", lv_tight_settings, 1e-5, lv);
  check_gradient<lv_hand>("Lotka-Volterra tight polynomial", lv_tight_polynomial_settings, 1e-5, lv);
  const double nn16 = costate_dopri5_accuracy<nn_hand<16>>("neural ODE H = 16");
  check_gradient<nn_hand<16>>("neural ODE H = 16", nonstiff_settings, 1e-5);
  print_without_quad_error_control<nn_hand<16>>("neural ODE H = 16", nonstiff_settings);
  check_gradient<nn_hand<16>>("neural ODE H = 16 tight", nn_tight_settings<16>, 1e-5, nn16);
  const double nn64 = costate_dopri5_accuracy<nn_hand<64>>("neural ODE H = 64");
  check_gradient<nn_hand<64>>("neural ODE H = 64", nonstiff_settings, 1e-5);
  print_without_quad_error_control<nn_hand<64>>("neural ODE H = 64", nonstiff_settings);
  check_gradient<nn_hand<64>>("neural ODE H = 64 tight", nn_tight_settings<64>, 1e-5, nn64);
  // Robertson at its looser tolerances: a wrong sign or term would still be far above 1e-4.
  check_gradient<robertson_hand>("Robertson", robertson_settings, 1e-4);
  const auto rosenbrock = costate::options<costate::rosenbrock4>{.rtol = robertson_settings.rtol,
                                           .atol = robertson_settings.atol};
  const accuracy rob = compare(reference::gradient_with<robertson_hand>(rosenbrock), reference::dtheta<robertson_hand>());
  std::fprintf(stderr, "costate: %-31s rosenbrock4 at the same rtol, atol: rel_err %.2e, rel_err_max %.2e\n", "Robertson",
               rob.normwise, rob.componentwise);

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
