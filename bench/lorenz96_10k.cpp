// Lorenz-96 at n = 10⁴: costate against the plain Boost.Odeint adjoint (bench/lorenz96.hpp).
#include "lorenz96.hpp"

using namespace bench::l96;
// Process CPU time: gradient() runs systems with large pass states on a thread of its own (solve/stack.hpp),
// whose CPU time the default per-thread measure would miss.

BENCHMARK_TEMPLATE(BM_l96_gradient_odeint, 10000)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 10000, 0)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 10000, 2)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 10000, 1)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

int main(int argc, char** argv) { return run<10000>(argc, argv); }
