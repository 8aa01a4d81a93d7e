// Gradients from several threads at once: costate's only state outside a call is memory kept for the
// next call (the pool of large dense-output blocks, shared under a lock; a large system's stack block,
// one per calling thread), so each thread's results equal, bit for bit, the same gradients computed one
// after another. The sanitizer
// script (tests/sanitize.sh) runs this file under ThreadSanitizer.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstddef>
#include <thread>
#include <vector>

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"

using namespace costate;

namespace {
constexpr auto x = state<0>;
constexpr auto y = state<1>;
constexpr auto lv = ode(param<0> * x - param<1> * x * y, -param<2> * y + param<3> * x * y);
constexpr auto zv = state_vector<2>;
constexpr auto net = params(matrix<8, 2>, vector<8>, matrix<2, 8>, vector<2>);
constexpr auto mlp = ode(net.get<2>() * tanh(net.get<0>() * zv + net.get<1>()) + net.get<3>());

struct job {
  std::array<double, 4> theta;
  adjoint_method method;
  std::array<double, 4> dtheta{};
  std::array<double, 42> dtheta_mlp{};
};

void run(job& j) {
  j.dtheta = gradient(lv, std::array{1.0, 1.0}, j.theta, {0.0, 5.0}, terminal_loss(0.5_c * (x * x + y * y)),
                      options<dopri5, adjoint_method>{.adjoint = j.method}).dtheta;
  std::array<double, 42> th{};
  for (std::size_t i = 0; i < th.size(); ++i) th[i] = 0.3 * std::sin(double(i) + j.theta[0]);
  j.dtheta_mlp = gradient(mlp, std::array{1.0, -0.5}, th, {0.0, 1.0}, terminal_loss(0.5_c * dot(zv, zv)),
                          options<dopri5, adjoint_method>{.adjoint = j.method}).dtheta;
}
}  // namespace

TEST_CASE("gradients computed in four threads at once equal the sequential ones", "[threads]") {
  std::vector<job> jobs;
  for (int k = 0; k < 8; ++k)
    jobs.push_back({{1.5 + 0.1 * k, 1.0, 3.0, 1.0}, k % 2 ? adjoint_method(backsolve{}) : adjoint_method(checkpointed{})});
  std::vector<job> sequential = jobs;
  for (auto& j : sequential) run(j);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (std::size_t k = t; k < jobs.size(); k += 4) run(jobs[k]);
    });
  for (auto& t : threads) t.join();
  for (std::size_t k = 0; k < jobs.size(); ++k) {
    CHECK(jobs[k].dtheta == sequential[k].dtheta);
    CHECK(jobs[k].dtheta_mlp == sequential[k].dtheta_mlp);
    CHECK(jobs[k].dtheta[0] != 0.0);
  }
}

TEST_CASE("the pool of large dense-output blocks serves four threads at once", "[threads]") {
  using alloc = detail::uninitialised_allocator<double>;
  constexpr std::size_t page = alloc::huge_block / sizeof(double);
  std::array<bool, 4> ok{};
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 4; ++t)
    threads.emplace_back([&ok, t] {
      alloc a;
      bool good = true;
      for (std::size_t k = 0; k < 20; ++k) {
        const std::size_t n = (1 + (t + k) % 3) * page;  // sizes the threads share, so blocks change hands
        double* p = a.allocate(n);
        p[0] = p[n - 1] = static_cast<double>(t);  // each block is one thread's while it holds it
        std::this_thread::yield();
        good = good && p[0] == static_cast<double>(t) && p[n - 1] == static_cast<double>(t);
        a.deallocate(p, n);
      }
      ok[t] = good;
    });
  for (auto& t : threads) t.join();
  CHECK(ok == std::array<bool, 4>{true, true, true, true});
}
