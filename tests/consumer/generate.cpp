// A user's generator: writes the standalone header of a decay system (run at build time by
// costate_generate, which find_package(costate) provides).
#include <costate/codegen/generate.hpp>
#include <costate/costate.hpp>

#include <fstream>

int main(int, char** argv) {
  using namespace costate;
  std::ofstream(argv[1]) << generate_header(ode(-param<0> * state<0>), "decay");
}
