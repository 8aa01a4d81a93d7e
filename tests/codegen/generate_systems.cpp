// A generator, run at build time by costate_generate(): writes the standalone header that
// tests/codegen/test_generated.cpp compiles against (Lotka–Volterra, a forced pendulum, an MLP
// neural ODE and the corner cases of tests/codegen/systems.hpp).
#include <fstream>
#include <iostream>

#include "costate/codegen/generate.hpp"
#include "tests/codegen/systems.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " output.hpp\n";
    return 2;
  }
  std::ofstream out(argv[1]);
  out << costate::generate_header(costate_test_systems::lotka_volterra, costate_test_systems::lv_loss, "gen_lv") << '\n'
      << costate::generate_header(costate_test_systems::pendulum, "gen_pendulum") << '\n'
      << costate::generate_header(costate_test_systems::mlp, costate_test_systems::mlp_loss, "gen_mlp") << '\n'
      << costate::generate_header(costate_test_systems::tensor_zoo, costate_test_systems::zoo_loss, "gen_zoo") << '\n'
      << costate::generate_header(costate_test_systems::scalar_outputs, "gen_scalar_outputs") << '\n'
      << costate::generate_header(costate_test_systems::no_params, "gen_no_params") << '\n'
      << costate::generate_header(costate_test_systems::grid_ops, costate_test_systems::grid_loss, "gen_grid");
  return out ? 0 : 1;
}
