// The benchmark problems as plain C++, without costate: the peers (ADOL-C, CVODES) and costate's own
// benchmarks use the same constants, the same θ and the same right-hand sides from here.
//
//   Lotka–Volterra  dz/dt = (a x - b x y, -c y + d x y), θ = (1.5, 1, 3, 1), z0 = (1, 1), t ∈ [0, 10]
//   neural ODE      dz/dt = W2 tanh(W1 z + b1) + b2, z ∈ R², hidden width H, θ = (W1, b1, W2, b2) flat
//                   (row-major, 5H + 2 values) from N(0, 0.3²) with seed 20240601, z0 = (1, -0.5), t ∈ [0, 1]
//   Lorenz-96       dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F_i, indices mod n (n = 40, 1000),
//                   θ = F = (8, …, 8), x0_i = 8 + sin(0.9 i), t ∈ [0, 1] (chaotic: a longer span makes
//                   the gradient, and any backward re-integration of z, grow like e^{1.7 t})
//   Robertson       the stiff chemical kinetics y' = (-k1 y0 + k3 y1 y2, k1 y0 - k2 y1² - k3 y1 y2, k2 y1²),
//                   θ = (k1, k2, k3) = (0.04, 3e7, 1e4), y0 = (1, 0, 0), t ∈ [0, 40]
//   OREGO           the Oregonator (Hairer & Wanner's stiff test set, Mazzia & Magherini's IVP test
//                   set): y' = (s (y2 + y1 (1 - q y1 - y2)), (y3 - (1 + y1) y2) / s, w (y1 - y3)),
//                   θ = (s, q, w) = (77.27, 8.375e-6, 0.161), y0 = (1, 2, 3), t ∈ [0, 360]
//                   (y1 ∈ [1, 1.2e5], y2 ∈ [3e-3, 1.8e3], y3 ∈ [1, 3.2e4] on the way)
//   HIRES           Schäfer's "High Irradiance RESponse" kinetics, 8 species (the same test sets), θ =
//                   the 12 distinct rate constants (1.71, 0.43, 8.32, 0.0007, 8.75, 10.03, 0.035, 1.12,
//                   1.745, 280, 0.69, 1.81), each occurrence of a value reading the same θ_k,
//                   y0 = (1, 0, 0, 0, 0, 0, 0, 0.0057), t ∈ [0, 321.8122]
// Every problem's loss is L = ½|z(t1)|², except OREGO's: L = ½ Σ w_i z_i(t1)² with w = (1, 1e-6, 1e-4)
// (loss_weight), since z(t1) ≈ (1.0, 1228, 132) and y2 alone would be 99 % of ½|z(t1)|²; the weights
// give each species a term of order 1.
//
// The right-hand sides are templates on the scalar type so that a tape-based tool can record them
// with its own active type (T = adouble); S is the type θ is read as (double, or active too).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <random>

namespace bench {

struct lotka_volterra {
  static constexpr std::size_t n = 2, p = 4;
  static constexpr std::array<double, n> z0{1.0, 1.0};
  static constexpr std::array<double, p> theta{1.5, 1.0, 3.0, 1.0};
  static constexpr double t0 = 0.0, t1 = 10.0;

  template <class T, class S>
  static void f(const T* z, const S* th, T* dz) {
    const T xy = z[0] * z[1];
    dz[0] = th[0] * z[0] - th[1] * xy;
    dz[1] = th[3] * xy - th[2] * z[1];
  }
};

template <std::size_t H>
struct neural_ode {
  static constexpr std::size_t hidden = H, n = 2, p = 5 * H + 2;
  static constexpr std::size_t oW1 = 0, ob1 = 2 * H, oW2 = 3 * H, ob2 = 5 * H;  // offsets into θ
  static constexpr std::array<double, n> z0{1.0, -0.5};
  static constexpr double t0 = 0.0, t1 = 1.0;

  static const std::array<double, p>& theta() {
    static const std::array<double, p> th = [] {
      std::mt19937 rng(20240601);
      std::normal_distribution<double> nd(0.0, 0.3);
      std::array<double, p> v{};
      for (auto& x : v) x = nd(rng);
      return v;
    }();
    return th;
  }

  template <class T, class S>
  static void f(const T* z, const S* th, T* dz) {
    using std::tanh;
    T h[H];
    for (std::size_t i = 0; i < H; ++i) h[i] = tanh(th[oW1 + 2 * i] * z[0] + th[oW1 + 2 * i + 1] * z[1] + th[ob1 + i]);
    for (std::size_t r = 0; r < 2; ++r) {
      T y = th[oW2 + r * H] * h[0];
      for (std::size_t i = 1; i < H; ++i) y += th[oW2 + r * H + i] * h[i];
      dz[r] = y + th[ob2 + r];
    }
  }
};

template <std::size_t N>
struct lorenz96 {
  static constexpr std::size_t n = N, p = N;
  static inline const std::array<double, n> z0 = [] {
    std::array<double, n> v{};
    for (std::size_t i = 0; i < n; ++i) v[i] = 8.0 + std::sin(0.9 * static_cast<double>(i));
    return v;
  }();
  static const std::array<double, p>& theta() {
    static const std::array<double, p> th = [] {
      std::array<double, p> v{};
      v.fill(8.0);
      return v;
    }();
    return th;
  }
  static constexpr double t0 = 0.0, t1 = 1.0;

  template <class T, class S>
  static void f(const T* x, const S* F, T* dx) {
    for (std::size_t i = 0; i < n; ++i)
      dx[i] = (x[(i + 1) % n] - x[(i + n - 2) % n]) * x[(i + n - 1) % n] - x[i] + F[i];
  }
};

struct robertson {
  static constexpr std::size_t n = 3, p = 3;
  static constexpr std::array<double, n> z0{1.0, 0.0, 0.0};
  static constexpr std::array<double, p> theta{0.04, 3e7, 1e4};
  static constexpr double t0 = 0.0, t1 = 40.0;

  template <class T, class S>
  static void f(const T* y, const S* k, T* dy) {
    const T r1 = k[0] * y[0], r2 = k[1] * y[1] * y[1], r3 = k[2] * y[1] * y[2];
    dy[0] = r3 - r1;
    dy[1] = r1 - r2 - r3;
    dy[2] = r2;
  }
};

struct orego {
  static constexpr std::size_t n = 3, p = 3;
  static constexpr std::array<double, n> z0{1.0, 2.0, 3.0};
  static constexpr std::array<double, p> theta{77.27, 8.375e-6, 0.161};
  static constexpr double t0 = 0.0, t1 = 360.0;
  static constexpr std::array<double, n> loss_weight{1.0, 1e-6, 1e-4};  // L = ½ Σ w_i z_i(t1)²

  template <class T, class S>
  static void f(const T* y, const S* th, T* dy) {
    const S s = th[0], q = th[1], w = th[2];
    dy[0] = s * (y[1] + y[0] * (1.0 - q * y[0] - y[1]));
    dy[1] = (y[2] - (1.0 + y[0]) * y[1]) / s;
    dy[2] = w * (y[0] - y[2]);
  }
};

struct hires {
  static constexpr std::size_t n = 8, p = 12;
  static constexpr std::array<double, n> z0{1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0057};
  static constexpr std::array<double, p> theta{1.71, 0.43, 8.32, 0.0007, 8.75, 10.03, 0.035, 1.12, 1.745, 280.0, 0.69, 1.81};
  static constexpr double t0 = 0.0, t1 = 321.8122;

  template <class T, class S>
  static void f(const T* y, const S* k, T* dy) {
    const T r = k[9] * y[5] * y[7];
    dy[0] = -k[0] * y[0] + k[1] * y[1] + k[2] * y[2] + k[3];
    dy[1] = k[0] * y[0] - k[4] * y[1];
    dy[2] = -k[5] * y[2] + k[1] * y[3] + k[6] * y[4];
    dy[3] = k[2] * y[1] + k[0] * y[2] - k[7] * y[3];
    dy[4] = -k[8] * y[4] + k[1] * y[5] + k[1] * y[6];
    dy[5] = -r + k[10] * y[3] + k[0] * y[4] - k[1] * y[5] + k[10] * y[6];
    dy[6] = r - k[11] * y[6];
    dy[7] = -r + k[11] * y[6];
  }
};

}  // namespace bench
