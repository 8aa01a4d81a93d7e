// costate/solve/sparse_lu.hpp with the gradient's headers: a stiff gradient whose W goes to Eigen's
// SparseLU (lu_kind::sparse on a system whose reordered band is wide: a dense row and column).
#include <costate/expr/operators.hpp>
#include <costate/expr/ops.hpp>
#include <costate/expr/symbol.hpp>
#include <costate/solve/gradient.hpp>
#include <costate/solve/rodas5p.hpp>
#include <costate/solve/sparse_lu.hpp>
#include <costate/system/loss.hpp>

#include <array>

using namespace costate::prelude;

int main() {
  constexpr auto w = state_vector<40>;
  constexpr auto s = state<40>;
  constexpr auto sys = ode(-param<0> * w + s * roll<1>(w), sum(w) - 100_c * s);
  std::array<double, 41> z0{};
  z0.fill(0.5);
  const auto g = gradient(sys, z0, std::array{2.0}, {0.0, 1.0}, terminal_loss(s * s),
                          options<rodas5p>{.stepper = {.lu = lu_kind::sparse}});
  return g.stats.forward.sparse_factorisations > 0 ? 0 : 1;
}
