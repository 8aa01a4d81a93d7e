// rosenbrock4: Boost.Odeint's 4th-order Rosenbrock method (its default_rosenbrock_coefficients, the
// embedded 3rd-order error estimate) under costate's step control, for stiff systems. The right-hand
// sides supply their Jacobians (forward_rhs::jacobian, adjoint_rhs::jacobian) derived from f.
//
// Why not odeint's rosenbrock4 class itself: it keeps its state in boost::numeric::ublas vectors, and
// Boost 1.74's ublas (Debian 12) does not compile as C++20 — it calls std::allocator::construct,
// removed in C++20 (boostorg/ublas#95, fixed in Boost 1.75). So the same stages are computed here on
// costate's std::array states with a small LU factorisation (solve/dense_lu.hpp); the method and
// its coefficients are odeint's, except one.
//
// odeint's default_rosenbrock_coefficients has d4 = +0.0362 (the weight of ∂f/∂t in stage 4); the
// method (Hairer & Wanner's L-stable γ = 0.25 set, ros4.f) has d4 = -0.0362. With the wrong sign the
// method is first order on any non-autonomous problem: on y' = -sin t, odeint's rosenbrock4 took
// 5866 steps at tolerance 1e-8 for an error of 2.7e-5; with d4 = -0.0362, 309 steps and 5e-13.
// The adjoint is non-autonomous whenever z(t) is interpolated, so this matters for every gradient
// (tests/solve/test_rosenbrock.cpp checks the order).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <type_traits>

#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/stiff_linear.hpp"

namespace costate::detail {

// The method's coefficients, as in Boost.Odeint's default_rosenbrock_coefficients (Hairer & Wanner's
// L-stable set with γ = 1/4), except d4. Written out rather than taken from odeint's header, which
// would pull uBLAS into every translation unit (+1 s of parsing); tests/solve/test_rosenbrock.cpp
// checks them against odeint's.
struct rosenbrock4_coefficients {
  static constexpr int stepper_order = 4, error_order = 3;
  static constexpr double gamma = 0.25;
  static constexpr double d1 = 0.25, d2 = -0.1043, d3 = 0.1035, d4 = -0.3620000000000023e-01;
  static constexpr double c2 = 0.386, c3 = 0.21, c4 = 0.63;
  static constexpr double c21 = -0.5668800000000000e+01, a21 = 0.1544000000000000e+01;
  static constexpr double c31 = -0.2430093356833875e+01, c32 = -0.2063599157091915e+00;
  static constexpr double a31 = 0.9466785280815826e+00, a32 = 0.2557011698983284e+00;
  static constexpr double c41 = -0.1073529058151375e+00, c42 = -0.9594562251023355e+01, c43 = -0.2047028614809616e+02;
  static constexpr double a41 = 0.3314825187068521e+01, a42 = 0.2896124015972201e+01, a43 = 0.9986419139977817e+00;
  static constexpr double c51 = 0.7496443313967647e+01, c52 = -0.1024680431464352e+02, c53 = -0.3399990352819905e+02,
                          c54 = 0.1170890893206160e+02;
  static constexpr double a51 = 0.1221224509226641e+01, a52 = 0.6019134481288629e+01, a53 = 0.1253708332932087e+02,
                          a54 = -0.6878860361058950e+00;
  static constexpr double c61 = 0.8083246795921522e+01, c62 = -0.7981132988064893e+01, c63 = -0.3152159432874371e+02,
                          c64 = 0.1631930543123136e+02, c65 = -0.6058818238834054e+01;
};

template <class T, std::size_t M>
struct adaptive_stepper<rosenbrock4, std::array<T, M>> {
  static_assert(std::is_same_v<T, double>, "costate: rosenbrock4 integrates real (double) states only (no complex step)");
  using S = std::array<T, M>;
  static constexpr bool fsal = false;
  using k = rosenbrock4_coefficients;
  static constexpr int order = k::error_order;
  stiff_linear<M> lu;  // J and W = I/(γh) − J, dense or sparse
  int stepper = 0;     // nothing for dense output to use: it falls back to Hermite interpolation
  void configure(const rosenbrock4& tag) { lu.configure(tag.lu); }

  template <class Rhs>
  void attempt(Rhs& rhs, pass_stats& st, const S& x, const S& dxdt, double t, S& xnew, S&, double h, S& err) {
    S dfdt{}, g1{}, g2{}, g3{}, g4{}, g5{}, xt{}, fx{};
    lu.jacobian(rhs.rhs, x, t, dfdt, st);
    lu.factorise(1.0 / (k::gamma * h), st);
    for (std::size_t i = 0; i < M; ++i) g1[i] = dxdt[i] + h * k::d1 * dfdt[i];
    lu.solve(rhs.rhs, g1);
    for (std::size_t i = 0; i < M; ++i) xt[i] = x[i] + k::a21 * g1[i];
    rhs(xt, fx, t + k::c2 * h);
    for (std::size_t i = 0; i < M; ++i) g2[i] = fx[i] + h * k::d2 * dfdt[i] + k::c21 * g1[i] / h;
    lu.solve(rhs.rhs, g2);
    for (std::size_t i = 0; i < M; ++i) xt[i] = x[i] + k::a31 * g1[i] + k::a32 * g2[i];
    rhs(xt, fx, t + k::c3 * h);
    for (std::size_t i = 0; i < M; ++i) g3[i] = fx[i] + h * k::d3 * dfdt[i] + (k::c31 * g1[i] + k::c32 * g2[i]) / h;
    lu.solve(rhs.rhs, g3);
    for (std::size_t i = 0; i < M; ++i) xt[i] = x[i] + k::a41 * g1[i] + k::a42 * g2[i] + k::a43 * g3[i];
    rhs(xt, fx, t + k::c4 * h);
    for (std::size_t i = 0; i < M; ++i)
      g4[i] = fx[i] + h * k::d4 * dfdt[i] + (k::c41 * g1[i] + k::c42 * g2[i] + k::c43 * g3[i]) / h;
    lu.solve(rhs.rhs, g4);
    for (std::size_t i = 0; i < M; ++i) xt[i] = x[i] + k::a51 * g1[i] + k::a52 * g2[i] + k::a53 * g3[i] + k::a54 * g4[i];
    rhs(xt, fx, t + h);
    for (std::size_t i = 0; i < M; ++i)
      g5[i] = fx[i] + (k::c51 * g1[i] + k::c52 * g2[i] + k::c53 * g3[i] + k::c54 * g4[i]) / h;
    lu.solve(rhs.rhs, g5);
    for (std::size_t i = 0; i < M; ++i) xt[i] += g5[i];
    rhs(xt, fx, t + h);
    for (std::size_t i = 0; i < M; ++i)
      err[i] = fx[i] + (k::c61 * g1[i] + k::c62 * g2[i] + k::c63 * g3[i] + k::c64 * g4[i] + k::c65 * g5[i]) / h;
    lu.solve(rhs.rhs, err);
    for (std::size_t i = 0; i < M; ++i) xnew[i] = xt[i] + err[i];
  }
};

}  // namespace costate::detail
