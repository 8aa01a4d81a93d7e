// Large systems on a stack of their own. The passes keep states, stepper stages and plan buffers in
// std::arrays of the state's size (no allocation in the step loop), some dozens of them along the call
// chain of a gradient: about 9 MB for a 100×100 grid, more than the 8 MiB a main thread usually has,
// and a stack overflow is a crash, not an error. A gradient whose arrays could come near that runs on
// a thread with a stack sized for it, and its caller waits; small systems run where they are called,
// at no cost.
//
// The stack is a block that the calling thread keeps for its next large gradient (thread_local,
// unmapped when that thread ends): address space only, with the pages the passes' frames touched
// staying resident. A stack of glibc's own is handed back to the system page by page when its thread
// ends (madvise), so that a fresh one per gradient faulted every frame in again: 111 page faults per
// gradient of Lorenz-96 at n = 1000, 1119 at n = 10^4, where the plain Odeint program, on the main
// stack, has none.
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
#if __has_include(<sys/mman.h>) && __has_include(<unistd.h>)
#include <sys/mman.h>
#include <unistd.h>
#define COSTATE_HAS_MMAP 1
#endif
#endif

namespace costate::detail {

// The arrays a gradient's call chain may hold at once, each of `values` doubles (the largest state a
// pass integrates); measured with -fstack-usage at about 55 for dopri5's backsolve on a grid.
inline constexpr std::size_t stack_arrays = 128;
// Up to this estimate a gradient runs on the caller's stack (a thread's default is 8 MiB on glibc,
// 512 KiB on some platforms' secondary threads: the estimate is twice the measured use).
inline constexpr std::size_t inline_stack_bytes = std::size_t{2} << 20;

constexpr std::size_t stack_estimate(std::size_t values) { return stack_arrays * sizeof(double) * values; }

#if COSTATE_HAS_MMAP
// A stack block of at least `bytes`, with a page below it that faults (a user-supplied stack gets no
// guard from pthreads): one per calling thread, kept from one large gradient to the next and grown
// when a larger one comes.
class stack_block {
 public:
  stack_block() = default;
  stack_block(const stack_block&) = delete;
  stack_block& operator=(const stack_block&) = delete;
  ~stack_block() { release(); }

  // The usable range [base, base + size), or nullptr where the block cannot be mapped.
  void* get(std::size_t bytes) {
    if (size_ >= bytes) return base_;
    release();
    const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
    const std::size_t size = (bytes + page - 1) / page * page;
    void* p = ::mmap(nullptr, size + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                     -1, 0);
    if (p == MAP_FAILED) return nullptr;
    if (::mprotect(p, page, PROT_NONE) != 0) {
      ::munmap(p, size + page);
      return nullptr;
    }
    map_ = p;
    guard_ = page;
    base_ = static_cast<char*>(p) + page;
    size_ = size;
    return base_;
  }
  std::size_t size() const { return size_; }

 private:
  void release() {
    if (map_) ::munmap(map_, size_ + guard_);
    map_ = base_ = nullptr;
    size_ = guard_ = 0;
  }
  void* map_ = nullptr;
  void* base_ = nullptr;
  std::size_t size_ = 0, guard_ = 0;
};
inline thread_local stack_block gradient_stack;
#endif

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
#if COSTATE_HAS_MMAP
    void* block = gradient_stack.get(bytes);
    int rc = block ? pthread_attr_setstack(&attr, block, gradient_stack.size()) : pthread_attr_setstacksize(&attr, bytes);
#else
    int rc = pthread_attr_setstacksize(&attr, bytes);
#endif
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
