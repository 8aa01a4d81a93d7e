// rodas5p: Steinebach's Rodas5P, a stiffly accurate, L-stable Rosenbrock–Wanner method of order 5
// with an embedded method of order 4 and a continuous extension (dense output) of its own, under
// costate's step control, for stiff systems. As with rosenbrock4, the right-hand sides supply their
// Jacobians ∂f/∂z and ∂f/∂t (forward_rhs::jacobian, the adjoints' jacobian()), derived from f.
//
//   G. Steinebach, "Construction of Rosenbrock–Wanner method Rodas5P and numerical benchmarks within
//   the Julia Differential Equations package", BIT Numerical Mathematics 63, 27 (2023),
//   doi:10.1007/s10543-023-00967-x.
//
// The coefficients are the paper's, in the W-transformed form (no matrix-vector product with J in
// the stages) as SciML's OrdinaryDiffEq.jl tabulates them: RODAS5PA, RODAS5PC, RODAS5Pc, RODAS5Pd,
// RODAS5PH and γ in lib/OrdinaryDiffEqRosenbrock/src/rosenbrock_tableaus.jl (commit b211787f7b18,
// MIT licence), whose perform_step! for the Rodas family the stages below follow. With
// W = I/(γh) − J, J = ∂f/∂z(t, y0), for stages i = 1..8:
//
//   W k_i = f(t + c_i h, y0 + Σ_{j<i} a_ij k_j) + d_i h ∂f/∂t(t, y0) + Σ_{j<i} (C_ij / h) k_j
//   y1 = y0 + Σ_{j<8} a_8j k_j + k_8,   error estimate k_8 (y1 minus the order-4 embedded solution).
//
// Stages 6 to 8 are evaluated at t + h with a_7j = a_6j + δ_j6, a_8j = a_7j + δ_j7: the argument of
// each is the previous one plus the previous stage, and y1 is the last one plus k_8. Steinebach
// built the method stiffly accurate and L-stable: R(∞) = 0, so the stiff components are damped
// (tests/solve/test_rodas5p.cpp checks one step with hλ = −1e12).
//
// Dense output, the paper's continuous extension over the last step [t, t + h], of degree 4 in θ:
//   y(t + θh) = (1 − θ) y0 + θ (y1 + (1 − θ)(K_1 + θ K_2 + θ² K_3)),   K_r = Σ_i H_ri k_i.
// Measured over one step from the exact value: error O(h⁵) on a non-stiff problem, O(h⁴) on
// y' = −1000 (y − cos t) − sin t. The checkpointed adjoint reads z(t) between the forward steps from
// it; on that stiff problem its error between the steps is 240 to 2000 times smaller than that of
// rosenbrock4's Hermite interpolant at the same tolerance (tests/solve/test_rodas5p.cpp), though
// rosenbrock4 takes 10 to 30 times as many steps.
//
// Unlike rosenbrock4, a rejected step keeps its Jacobian (the state and the time are the same) and
// only refactorises W with the shorter step (as Hairer & Wanner's RODAS code does); and the step
// size is chosen by Gustafsson's predictive controller (see predictive_control in solve/integrate.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/stiff_linear.hpp"

namespace costate::detail {

struct rodas5p_coefficients {
  static constexpr int stages = 8, stepper_order = 5, error_order = 4;
  static constexpr double gamma = 0.21193756319429014;
  // a[i][j], C[i][j] for j < i (stages numbered from 0 here).
  static constexpr double a[8][8] = {
      {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {3.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {2.849394379747939, 0.45842242204463923, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {-6.954028509809101, 2.489845061869568, -10.358996098473584, 0.0, 0.0, 0.0, 0.0, 0.0},
      {2.8029986275628964, 0.5072464736228206, -0.3988312541770524, -0.04721187230404641, 0.0, 0.0, 0.0, 0.0},
      {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 0.0,
       0.0, 0.0},
      {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1.0,
       0.0, 0.0},
      {-7.502846399306121, 2.561846144803919, -11.627539656261098, -0.18268767659942256, 0.030198172008377946, 1.0,
       1.0, 0.0},
  };
  static constexpr double C[8][8] = {
      {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {-14.155112264123755, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {-17.97296035885952, -2.859693295451294, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0},
      {147.12150275711716, -1.41221402718213, 71.68940251302358, 0.0, 0.0, 0.0, 0.0, 0.0},
      {165.43517024871676, -0.4592823456491126, 42.90938336958603, -5.961986721573306, 0.0, 0.0, 0.0, 0.0},
      {24.854864614690072, -3.0009227002832186, 47.4931110020768, 5.5814197821558125, -0.6610691825249471, 0.0, 0.0,
       0.0},
      {30.91273214028599, -3.1208243349937974, 77.79954646070892, 34.28646028294783, -19.097331116725623,
       -28.087943162872662, 0.0, 0.0},
      {37.80277123390563, -3.2571969029072276, 112.26918849496327, 66.9347231244047, -40.06618937091002,
       -54.66780262877968, -9.48861652309627, 0.0},
  };
  static constexpr double c[8] = {0.0, 0.6358126895828704, 0.4095798393397535, 0.9769306725060716,
                                  0.4288403609558664, 1.0, 1.0, 1.0};
  static constexpr double d[8] = {0.21193756319429014, -0.42387512638858027, -0.3384627126235924, 1.8046452872882734,
                                  2.325825639765069, 0.0, 0.0, 0.0};
  // The continuous extension: K_r = Σ_i H[r][i] k_i.
  static constexpr double H[3][8] = {
      {25.948786856663858, -2.5579724845846235, 10.433815404888879, -2.3679251022685204, 0.524948541321073,
       1.1241088310450404, 0.4272876194431874, -0.17202221070155493},
      {-9.91568850695171, -0.9689944594115154, 3.0438037242978453, -24.495224566215796, 20.176138334709044,
       15.98066361424651, -6.789040303419874, -6.710236069923372},
      {11.419903575922262, 2.8879645146136994, 72.92137995996029, 80.12511834622643, -52.072871366152654,
       -59.78993625266729, -0.15582684282751913, 4.883087185713722},
  };

  // The structure the step relies on: stages 6..8 at t + h without ∂f/∂t, each argument the
  // previous one plus the previous stage.
  static constexpr bool stiffly_accurate_tail = [] {
    for (int j = 0; j < 8; ++j) {
      if (a[6][j] != a[5][j] + (j == 5 ? 1.0 : 0.0)) return false;
      if (a[7][j] != a[6][j] + (j == 6 ? 1.0 : 0.0)) return false;
    }
    for (int i = 5; i < 8; ++i)
      if (c[i] != 1.0 || d[i] != 0.0) return false;
    return true;
  }();
  static_assert(stiffly_accurate_tail);
};

// The stages of the last attempted step and its dense output: adaptive_stepper<rodas5p>::stepper,
// which the step loop hands to dense recording (dense_segment::record) after each accepted step.
template <std::size_t M>
struct rodas5p_stages {
  using k = rodas5p_coefficients;
  std::array<std::array<double, M>, 8> stage{};

  // The step's continuous extension as a polynomial Σ_j c_j θ^j, θ = (t − t0)/h, written as
  // c[j·M + i] for j = 0..5 (dense_segment's layout; c_5 = 0): expanding
  //   (1 − θ) y0 + θ (y1 + (1 − θ)(K_1 + θ K_2 + θ² K_3))
  //   = y0 + θ (y1 − y0 + K_1) + θ² (K_2 − K_1) + θ³ (K_3 − K_2) − θ⁴ K_3.
  void dense_coefficients(const std::array<double, M>& y0, const std::array<double, M>& y1, double* c) const {
    for (std::size_t i = 0; i < M; ++i) {
      double K[3] = {0.0, 0.0, 0.0};
      for (std::size_t r = 0; r < 3; ++r)
        for (std::size_t j = 0; j < 8; ++j) K[r] += k::H[r][j] * stage[j][i];
      c[i] = y0[i];
      c[M + i] = y1[i] - y0[i] + K[0];
      c[2 * M + i] = K[1] - K[0];
      c[3 * M + i] = K[2] - K[1];
      c[4 * M + i] = -K[2];
      c[5 * M + i] = 0.0;
    }
  }
};

template <class T, std::size_t M>
struct adaptive_stepper<rodas5p, std::array<T, M>> {
  static_assert(std::is_same_v<T, double>, "costate: rodas5p integrates real (double) states only (no complex step)");
  using S = std::array<T, M>;
  using k = rodas5p_coefficients;
  static constexpr bool fsal = false;
  static constexpr int order = k::error_order;
  static constexpr bool predictive_control = true;
  rodas5p_stages<M> stepper;  // the last attempted step's stages: its dense output
  void configure(const rodas5p& tag) { lu_.configure(tag.lu); }

  template <class Rhs>
  void attempt(Rhs& rhs, pass_stats& st, const S& x, const S& dxdt, double t, S& xnew, S&, double h, S& err) {
    if (!(have_jacobian_ && jac_t_ == t && jac_x_ == x)) {  // (a retry after a rejection keeps J and ∂f/∂t)
      lu_.jacobian(rhs.rhs, x, t, dfdt_, st);
      have_jacobian_ = true;
      jac_t_ = t;
      jac_x_ = x;
    }
    lu_.factorise(1.0 / (k::gamma * h), st);
    auto& g = stepper.stage;
    for (std::size_t i = 0; i < M; ++i) g[0][i] = dxdt[i] + (k::d[0] * h) * dfdt_[i];
    lu_.solve(rhs.rhs, g[0]);
    S u, fu;
    [&]<std::size_t... s>(std::index_sequence<s...>) {
      (stage<s + 1>(rhs, x, t, h, u, fu), ...);
    }(std::make_index_sequence<7>{});
    for (std::size_t i = 0; i < M; ++i) {
      xnew[i] = u[i] + g[7][i];
      err[i] = g[7][i];
    }
  }

 private:
  // Stage s (from 0): u ← its argument, then k_s. Stages 6 and 7 (from 0) add the previous stage to u.
  template <std::size_t s, class Rhs>
  [[gnu::always_inline]] void stage(Rhs& rhs, const S& x, double t, double h, S& u, S& fu) {
    auto& g = stepper.stage;
    if constexpr (s <= 5) {
      for (std::size_t i = 0; i < M; ++i) {
        double v = x[i];
        [&]<std::size_t... j>(std::index_sequence<j...>) { ((v += k::a[s][j] * g[j][i]), ...); }(std::make_index_sequence<s>{});
        u[i] = v;
      }
    } else {
      for (std::size_t i = 0; i < M; ++i) u[i] += g[s - 1][i];
    }
    rhs(u, fu, t + k::c[s] * h);
    const double rh = 1.0 / h;
    for (std::size_t i = 0; i < M; ++i) {
      double v = 0.0;
      [&]<std::size_t... j>(std::index_sequence<j...>) { ((v += k::C[s][j] * g[j][i]), ...); }(std::make_index_sequence<s>{});
      v = fu[i] + v * rh;
      if constexpr (k::d[s] != 0.0) v += (k::d[s] * h) * dfdt_[i];
      g[s][i] = v;
    }
    lu_.solve(rhs.rhs, g[s]);
  }

  S dfdt_{};
  S jac_x_{};
  double jac_t_ = 0.0;
  bool have_jacobian_ = false;
  stiff_linear<M> lu_;  // J = ∂f/∂z(t, x) and W = I/(γh) − J, dense or sparse
};

}  // namespace costate::detail
