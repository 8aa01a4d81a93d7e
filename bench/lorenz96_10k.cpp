// Lorenz-96 at n = 10⁴: costate against the plain Boost.Odeint adjoint (bench/lorenz96.hpp).
#include "lorenz96.hpp"

using namespace bench::l96;

BENCHMARK_TEMPLATE(BM_l96_gradient_odeint, 10000)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 10000, 0)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 10000, 2)->Unit(benchmark::kMillisecond);
BENCHMARK_TEMPLATE(BM_l96_gradient_costate, 10000, 1)->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) { return run<10000>(argc, argv); }
