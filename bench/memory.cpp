// Peak memory of one gradient as the number of steps grows: Lotka–Volterra on t ∈ [0, 10] with rk4
// at N equal steps, one process per (method, N) so that each peak is its own. Run by
// `bash bench/memory.sh`, whose results bench/run_benchmarks.sh puts into docs/performance.md.
//
//   bench_memory <method> <steps>      method: checkpointed | checkpointed8 | backsolve | solve
//
// Prints: method steps peak_rss_kib baseline_rss_kib growth_kib seconds loss dtheta0
// (growth = peak during the call − resident size before it; the baseline is the binary and libc).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include <costate/costate.hpp>

#include "costate_problems.hpp"

using namespace costate;

namespace {
using problem = bench::lotka_volterra;
constexpr const auto& lv = bench::expressions<problem>::system;

long current_rss_kib() {  // VmRSS from /proc: resident now, not the peak
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return 0;
}
long peak_rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s checkpointed|checkpointed8|backsolve|solve <steps>\n", argv[0]);
    return 2;
  }
  const std::string method = argv[1];
  const double steps = std::atof(argv[2]);
  const auto z0 = problem::z0;
  const auto th = problem::theta;
  const time_span span = bench::span_of<problem>;
  const auto st = rk4{.dt = (span.t1 - span.t0) / steps};
  const auto& loss = bench::expressions<problem>::loss;
  const long before = current_rss_kib();
  const auto t0 = std::chrono::steady_clock::now();
  double l = 0, g0 = 0;
  if (method == "solve") {  // the whole trajectory, as a tape-like store would keep it
    const auto s = solve(lv, z0, th, span, options<rk4>{.stepper = st, .max_steps = 100'000'000});
    l = s.final_state()[0];
  } else {
    adjoint_method m = checkpointed{};
    if (method == "checkpointed8") m = checkpointed{8};
    else if (method == "backsolve") m = backsolve{};
    else if (method != "checkpointed") {
      std::fprintf(stderr, "unknown method %s\n", method.c_str());
      return 2;
    }
    const auto g = gradient(lv, z0, th, span, loss, options<rk4, adjoint_method>{.stepper = st, .adjoint = m, .max_steps = 100'000'000});
    l = g.loss;
    g0 = g.dtheta[0];
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long peak = peak_rss_kib();
  std::printf("%s %.0f %ld %ld %ld %.4f %.12g %.12g\n", method.c_str(), steps, peak, before, peak - before, secs, l, g0);
  return 0;
}
