// Uses the generated header alone (no costate include): f = -a z, λᵀ∂f/∂a = -z λ.
#include "decay_generated.hpp"

#include <cmath>

int main() {
  const double z[] = {2.0}, theta[] = {0.5}, lambda[] = {3.0};
  double dz[1], vz[1], vth[1], vt[1];
  decay::rhs(z, theta, nullptr, 0.0, dz);
  decay::vjp(z, lambda, theta, nullptr, 0.0, vz, vth, vt);
  return std::abs(dz[0] + 1.0) < 1e-15 && std::abs(vth[0] + 6.0) < 1e-15 && std::abs(vz[0] + 1.5) < 1e-15 ? 0 : 1;
}
