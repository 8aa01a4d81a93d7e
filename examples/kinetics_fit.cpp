// Fitting rate constants of a kinetic model A → B → C to noisy measurements of B and C, with the
// gradient of an observation loss (one adjoint pass per iteration) and Adam in log-parameters.
#include <costate/costate.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

using namespace costate::prelude;

constexpr auto A = state<0>;
constexpr auto B = state<1>;
constexpr auto C = state<2>;
constexpr auto k1 = param<0>;
constexpr auto k2 = param<1>;
constexpr auto measured_B = input<0>;  // in an observation loss, input<j> is column j of the data row
constexpr auto measured_C = input<1>;

constexpr auto kinetics = ode(-k1 * A,
                              k1 * A - k2 * B,
                              k2 * B);

int main() {
  const std::array z0{1.0, 0.0, 0.0};
  const std::array truth{1.3, 0.4};

  // Synthetic data: the true model at t = 0.5, 1, ..., 10 plus Gaussian noise (σ = 0.005).
  std::vector<double> times;
  std::vector<std::array<double, 2>> data;
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0.0, 0.005);
  for (int k = 1; k <= 20; ++k) {
    times.push_back(0.5 * k);
    const auto z = solve(kinetics, z0, truth, {0.0, 0.5 * k}, options<>{.rtol = 1e-10, .atol = 1e-10}).final_state();
    data.push_back({z[1] + noise(rng), z[2] + noise(rng)});
  }
  const auto loss = observations(0.5_c * ((B - measured_B) * (B - measured_B) + (C - measured_C) * (C - measured_C)),
                                 times, data);

  // Adam on φ = log k (rates stay positive); dL/dφ = dL/dk · k.
  std::array<double, 2> phi{std::log(0.5), std::log(1.5)}, m{}, v{};
  const double lr = 0.05, beta1 = 0.9, beta2 = 0.999;
  double first = 0, last = 0;
  for (int it = 1; it <= 400; ++it) {
    const std::array theta{std::exp(phi[0]), std::exp(phi[1])};
    const auto g = gradient(kinetics, z0, theta, {0.0, 10.0}, loss);
    if (it == 1) first = g.loss;
    last = g.loss;
    if (it == 1 || it % 50 == 0)
      std::printf("iteration %3d  L = %.6e  k1 = %.4f  k2 = %.4f  (adjoint: %zu forward, %zu backward steps)\n", it,
                  g.loss, theta[0], theta[1], g.stats.forward.steps, g.stats.backward.steps);
    for (int i = 0; i < 2; ++i) {
      const double gi = g.dtheta[i] * theta[i];
      m[i] = beta1 * m[i] + (1 - beta1) * gi;
      v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
      phi[i] -= lr * (m[i] / (1 - std::pow(beta1, it))) / (std::sqrt(v[i] / (1 - std::pow(beta2, it))) + 1e-12);
    }
  }
  const double e1 = std::exp(phi[0]) / truth[0] - 1, e2 = std::exp(phi[1]) / truth[1] - 1;
  std::printf("fitted k1 = %.4f (true %.2f, %+.2f%%), k2 = %.4f (true %.2f, %+.2f%%); loss %.3e -> %.3e\n",
              std::exp(phi[0]), truth[0], 100 * e1, std::exp(phi[1]), truth[1], 100 * e2, first, last);
  // The noise limits the fit to about 1%; fail loudly if it is far off.
  return std::abs(e1) < 0.02 && std::abs(e2) < 0.02 ? 0 : 1;
}
