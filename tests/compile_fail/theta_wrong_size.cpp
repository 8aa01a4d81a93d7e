// theta with three values for a system with four parameters.
#include <costate/costate.hpp>
using namespace costate;
int main() {
  constexpr auto x = state<0>;
  constexpr auto y = state<1>;
  constexpr auto lv = ode(param<0> * x - param<1> * x * y, -param<2> * y + param<3> * x * y);
#ifdef COSTATE_CF_CONTROL
  solve(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0, 1.0}, {0.0, 1.0});
#else
  solve(lv, std::array{1.0, 1.0}, std::array{1.5, 1.0, 3.0}, {0.0, 1.0});
#endif
}
