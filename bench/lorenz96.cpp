// Lorenz-96 at n = 40 and 1000: costate against the plain Boost.Odeint adjoint (bench/lorenz96.hpp).
#include "lorenz96.hpp"

using namespace bench::l96;
// Process CPU time: gradient() runs systems with large pass states on a thread of its own (solve/stack.hpp),
// whose CPU time the default per-thread measure would miss.

BENCHMARK_TEMPLATE(BM_l96_gradient_odeint, 40)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 40, 0)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 40, 2)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 40, 1)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_odeint, 1000)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 1000, 0)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 1000, 2)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 1000, 1)->Unit(benchmark::kMicrosecond)->MeasureProcessCPUTime();

int main(int argc, char** argv) { return run<40, 1000>(argc, argv); }
