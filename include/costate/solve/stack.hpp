// Large systems on a stack of their own. The passes keep states, stepper stages and plan buffers in
// std::arrays of the state's size (no allocation in the step loop), some dozens of them along the call
// chain of a gradient: about 9 MB for a 100×100 grid, more than the 8 MiB a main thread usually has,
// and a stack overflow is a crash, not an error. A gradient whose arrays could come near that runs on
// a thread with a stack sized for it (address space only: pages are touched as frames use them), and
// its caller waits; small systems run where they are called, at no cost.
#pragma once

#include <cstddef>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "costate/error.hpp"

#if __has_include(<pthread.h>)
#include <pthread.h>
#define COSTATE_HAS_PTHREAD 1
#endif

namespace costate::detail {

// The arrays a gradient's call chain may hold at once, each of `values` doubles (the largest state a
// pass integrates); measured with -fstack-usage at about 55 for dopri5's backsolve on a grid.
inline constexpr std::size_t stack_arrays = 128;
// Up to this estimate a gradient runs on the caller's stack (a thread's default is 8 MiB on glibc,
// 512 KiB on some platforms' secondary threads: the estimate is twice the measured use).
inline constexpr std::size_t inline_stack_bytes = std::size_t{2} << 20;

constexpr std::size_t stack_estimate(std::size_t values) { return stack_arrays * sizeof(double) * values; }

// f() on the caller's stack when a chain of arrays of `values` doubles fits there, else on a thread
// whose stack holds twice the estimate plus 8 MiB; f's exceptions reach the caller either way.
template <std::size_t Values, class F>
auto on_stack_for(F&& f) -> decltype(f()) {
#if COSTATE_HAS_PTHREAD
  if constexpr (stack_estimate(Values) > inline_stack_bytes) {
    using R = decltype(f());
    struct call {
      F* f;
      std::optional<R> result;
      std::exception_ptr failure;
    } c{&f, std::nullopt, nullptr};
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) throw error("could not set up a thread for a large system's gradient");
    const std::size_t bytes = 2 * stack_estimate(Values) + (std::size_t{8} << 20);
    pthread_t thread;
    int rc = pthread_attr_setstacksize(&attr, bytes);
    if (rc == 0)
      rc = pthread_create(
          &thread, &attr,
          [](void* p) -> void* {
            auto* cp = static_cast<call*>(p);
            try {
              cp->result.emplace((*cp->f)());
            } catch (...) {
              cp->failure = std::current_exception();
            }
            return nullptr;
          },
          &c);
    pthread_attr_destroy(&attr);
    if (rc != 0)
      throw error("could not start a thread with a " + std::to_string(bytes >> 20) +
                  " MiB stack for a large system's gradient (pthread error " + std::to_string(rc) + ")");
    pthread_join(thread, nullptr);
    if (c.failure) std::rethrow_exception(c.failure);
    return std::move(*c.result);
  } else {
    return f();
  }
#else
  return f();
#endif
}

}  // namespace costate::detail
