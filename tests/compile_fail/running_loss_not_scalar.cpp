// A running loss whose integrand is a vector (it must be a scalar: sum, dot or norm2 reduce it).
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto z = state_vector<2>;
  constexpr auto sys = ode(-z);
#ifdef COSTATE_CF_CONTROL
  gradient(sys, std::array{1.0, 0.0}, std::array<double, 0>{}, {0.0, 1.0}, running_loss(dot(z, z)));
#else
  gradient(sys, std::array{1.0, 0.0}, std::array<double, 0>{}, {0.0, 1.0}, running_loss(z * z));
#endif
}
