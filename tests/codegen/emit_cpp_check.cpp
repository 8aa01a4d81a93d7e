// Writes a standalone C++ file (standard headers only) whose functions are to_cpp() of the derived
// right-hand sides and VJPs of tests/codegen/systems.hpp (Lotka–Volterra, a forced pendulum), and
// whose main() compares them at fixed inputs with the template path's values, written in as
// literals. tests/codegen/emit_cpp_check.cmake compiles it with -Wall -Wextra -Wpedantic -Werror and
// runs it: the printed C++ is valid, warning-free and evaluates to the same numbers (≤ 1e-15).
#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "costate/codegen/cpp.hpp"
#include "costate/costate.hpp"
#include "tests/codegen/systems.hpp"

using namespace costate;

namespace {
using costate_test_systems::lotka_volterra;
using costate_test_systems::pendulum;

const std::array<double, 2> z{0.7, -1.3};
const std::array<double, 4> th{1.5, 0.4, 0.9, 2.2};
const std::array<double, 2> lam{0.3, -0.8};
constexpr double tt = 0.37;

template <class... E>
void emit(std::ostream& os, std::size_t& k, detail::tlist<E...>) {
  const context<double> ctx{z.data(), lam.data(), th.data(), nullptr, tt};
  char buf[64];
  ((std::snprintf(buf, sizeof buf, "%.17g", evaluate(E{}, ctx)),
    os << "static double e" << k << "(const double* z, const double* theta, const double* lambda, double t) {\n"
       << "  (void)z; (void)theta; (void)lambda; (void)t;\n  return " << to_cpp(E{}) << ";\n}\n"
       << "static const double expected" << k << " = " << buf << ";\n",
    ++k),
   ...);
}
template <class Sys>
void emit_system(std::ostream& os, std::size_t& k) {
  emit(os, k, typename Sys::rhs{});
  emit(os, k, typename Sys::vjp_state{});
  emit(os, k, typename Sys::vjp_param{});
  emit(os, k, detail::tlist<typename Sys::vjp_time>{});
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  std::ofstream os(argv[1]);
  os << "#include <cmath>\n#include <cstdio>\n\n" << cpp_helpers() << '\n';
  std::size_t k = 0;
  emit_system<system_of_t<decltype(lotka_volterra)>>(os, k);
  emit_system<system_of_t<decltype(pendulum)>>(os, k);
  os << "\nint main() {\n  const double z[] = {0.7, -1.3}, theta[] = {1.5, 0.4, 0.9, 2.2}, lambda[] = {0.3, -0.8};\n"
     << "  const double t = 0.37;\n  int bad = 0;\n";
  for (std::size_t i = 0; i < k; ++i)
    os << "  { const double v = e" << i << "(z, theta, lambda, t), w = expected" << i << ";\n"
       << "    if (std::fabs(v - w) > 1e-15 * std::fmax(1.0, std::fabs(w))) { std::printf(\"e" << i
       << ": %.17g != %.17g\\n\", v, w); ++bad; } }\n";
  os << "  std::printf(\"%d of " << k << " printed expressions differ\\n\", bad);\n  return bad;\n}\n";
  std::cout << "wrote " << k << " expressions to " << argv[1] << '\n';
  return 0;
}
