// Dense output of one segment of a forward integration, recorded step by step, so that the
// checkpointed adjoint can read z(t) anywhere in the segment instead of re-integrating z backward.
//
// Each accepted step [t_k, t_k + h_k] is stored as a polynomial in θ = (t - t_k) / h_k:
//   - steppers with a continuous extension (odeint's runge_kutta_dopri5::calc_state, order 4): the
//     quintic through z(t_k), z(t_k + h), h·f at both ends and the extension's values at θ = 1/3, 2/3.
//     odeint's extension is itself a quintic with those end derivatives, so this is the same
//     polynomial, stored as coefficients (6 vectors per step) because odeint keeps only the last
//     step's stages.
//   - steppers that give their last step's continuous extension as a polynomial in θ of degree at
//     most 5 (HasPolynomialExtension: rodas5p's, of degree 4): its coefficients, as they are.
//   - all other steppers: the quintic Hermite interpolant through z and f at the step's two ends and
//     at the next step's end (the previous step's start for the last step), error O(h^6): better than
//     the steppers it serves (rk4, cash_karp54, rosenbrock4), where the one-step cubic, O(h^4), limited
//     gradients to ~1e-7 at tolerances 1e-10. Steppers of order above five (runge_kutta_fehlberg78)
//     take steps too long for it: each of their steps gets two more nodes inside, from sub-steps of
//     the same method, and is stored as three pieces. The points are recorded as they come and turned into
//     the same per-step coefficients by finalize(), so that each read is one Horner evaluation
//     (evaluating the divided differences at every read made rk4's checkpointed gradient 3.8 times
//     slower than backsolve).
// Memory: one segment's steps (the vector is reused from segment to segment), or, in the checkpointed
// adjoint's in-memory mode, the whole forward pass's steps up to a budget (record_within).
#pragma once

#include <algorithm>
#include <array>
#include <boost/numeric/odeint/stepper/runge_kutta_dopri5.hpp>
#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace costate::detail {

// Inverse of the matrix taking (c2, c3, c4, c5) to the residuals at θ = 1 (value, derivative),
// θ = 1/3 and θ = 2/3 of p(θ) = Σ c_j θ^j once c0 = z(t_k) and c1 = h f(t_k) are fixed.
inline constexpr auto quintic_inverse = [] {
  double m[4][8] = {{1, 1, 1, 1, 1, 0, 0, 0},
                    {2, 3, 4, 5, 0, 1, 0, 0},
                    {1. / 9, 1. / 27, 1. / 81, 1. / 243, 0, 0, 1, 0},
                    {4. / 9, 8. / 27, 16. / 81, 32. / 243, 0, 0, 0, 1}};
  for (int c = 0; c < 4; ++c) {  // Gauss–Jordan with partial pivoting
    int piv = c;
    for (int r = c + 1; r < 4; ++r)
      if ((m[r][c] < 0 ? -m[r][c] : m[r][c]) > (m[piv][c] < 0 ? -m[piv][c] : m[piv][c])) piv = r;
    for (int j = 0; j < 8; ++j) std::swap(m[c][j], m[piv][j]);
    const double d = m[c][c];
    for (int j = 0; j < 8; ++j) m[c][j] /= d;
    for (int r = 0; r < 4; ++r)
      if (r != c) {
        const double f = m[r][c];
        for (int j = 0; j < 8; ++j) m[r][j] -= f * m[c][j];
      }
  }
  std::array<std::array<double, 4>, 4> inv{};
  for (int r = 0; r < 4; ++r)
    for (int j = 0; j < 4; ++j) inv[r][j] = m[r][4 + j];
  return inv;
}();

// odeint's runge_kutta_dopri5, whose calc_state is x_old + (t_new − t_old) Σ_j b_j(θ) k_j: linear in
// x_old, and with stages k_j that do not depend on the times it is given (record() relies on both).
template <class Stepper>
struct is_odeint_dopri5 : std::false_type {};
template <class... A>
struct is_odeint_dopri5<boost::numeric::odeint::runge_kutta_dopri5<A...>> : std::true_type {};

template <class Stepper, class S>
concept HasContinuousExtension = is_odeint_dopri5<Stepper>::value && requires(const Stepper& st, S& x, const S& y, double t) {
  st.calc_state(t, x, y, y, t, y, y, t);
};

// A stepper whose last step's continuous extension is a polynomial Σ_{j≤5} c_j θ^j in θ = (t − t0)/h:
// dense_coefficients(z0, z1, c) writes c_j[i] to c[j·N + i] for j = 0..5, given the step's ends.
template <class Stepper, class S>
concept HasPolynomialExtension = requires(const Stepper& st, const S& z, double* c) { st.dense_coefficients(z, z, c); };

// Steppers of order above five without a continuous extension (runge_kutta_fehlberg78) take long
// steps, over which the quintic through three steps' ends is less accurate than the steps: dense
// output records two more nodes inside each of their steps.
template <class Stepper>
concept needs_inner_nodes = requires { Stepper::order_value; } && (Stepper::order_value > 5);

// Blocks of dense output of huge_block bytes or more (the in-memory trajectory of a large system: 108 MB
// for Lorenz-96 at n = 10^4) are kept for the next gradient that asks for the same size, rather than
// returned to the system: fresh pages are zeroed by the kernel as they are first touched, and on this
// VM that took 1.4 ms of system time per gradient of Lorenz-96 at n = 1000 (11 %) and 60-100 ms at
// n = 10^4 (half the gradient, with compaction for huge pages). A kept block is marked MADV_FREE: the
// kernel may still take its pages back under memory pressure (they then read as zero, and dense output
// writes every value before it reads it), otherwise the next gradient finds them in place. The pool is
// shared by all threads (a large system's gradient runs on a thread of its own, solve/stack.hpp) and
// holds at most `kept` blocks.
class huge_block_pool {
 public:
  static constexpr std::size_t kept = 4;
  static constexpr std::align_val_t alignment{std::size_t{2} << 20};
  static huge_block_pool& instance() {
    static huge_block_pool pool;
    return pool;
  }
  // A kept block of exactly `bytes`, or nullptr.
  void* take(std::size_t bytes) {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (auto& b : free_)
      if (b.p && b.bytes == bytes) return std::exchange(b.p, nullptr);
    return nullptr;
  }
  // Keeps the block if a slot is free, else frees whichever of it and the smallest kept block is smaller.
  void give(void* p, std::size_t bytes) {
    // Marked before it is visible to take(), never after: a thread that took the block and wrote it
    // before a late MADV_FREE could have its values reclaimed into zeros. (Wasted where the block is
    // then freed instead, which is the rarer case.)
#if defined(__linux__) && defined(MADV_FREE)
    ::madvise(p, bytes, MADV_FREE);
#endif
    const std::lock_guard<std::mutex> lock(mutex_);
    block* slot = &free_[0];
    for (auto& b : free_)
      if (!b.p || (slot->p && b.bytes < slot->bytes)) slot = &b;
    if (slot->p) {
      if (slot->bytes >= bytes) return ::operator delete(p, alignment);
      ::operator delete(slot->p, alignment);
    }
    *slot = {p, bytes};
  }
  // Frees every kept block.
  void release() {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (auto& b : free_)
      if (b.p) ::operator delete(std::exchange(b.p, nullptr), alignment);
  }
  huge_block_pool(const huge_block_pool&) = delete;
  huge_block_pool& operator=(const huge_block_pool&) = delete;
  ~huge_block_pool() { release(); }

 private:
  huge_block_pool() = default;
  struct block {
    void* p = nullptr;
    std::size_t bytes = 0;
  };
  std::mutex mutex_;
  std::array<block, kept> free_{};
};

// std::allocator, except that a value-initialised element is left uninitialised: push_step grows the
// coefficients by a row that record() then writes whole, and zeroing it first cost 5 % of a
// checkpointed gradient's instructions (Lorenz-96, n = 1000).
template <class T>
struct uninitialised_allocator : std::allocator<T> {
  using value_type = T;
  uninitialised_allocator() = default;
  template <class U> uninitialised_allocator(const uninitialised_allocator<U>&) noexcept {}  // NOLINT: rebinding
  template <class U> void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) { ::new (static_cast<void*>(p)) U; }
  template <class U, class... A> void construct(U* p, A&&... a) { ::new (static_cast<void*>(p)) U(std::forward<A>(a)...); }
  // Blocks of huge_block or more are aligned to it and, on Linux, offered transparent huge pages
  // (fewer faults where a block's pages are new), and come from and go back to huge_block_pool.
  static constexpr std::size_t huge_block = static_cast<std::size_t>(huge_block_pool::alignment);
  static constexpr std::size_t rounded(std::size_t n) { return (n * sizeof(T) + huge_block - 1) / huge_block * huge_block; }
  T* allocate(std::size_t n) {
    if (n * sizeof(T) < huge_block) return std::allocator<T>::allocate(n);
    const std::size_t bytes = rounded(n);
    if (void* kept = huge_block_pool::instance().take(bytes)) return static_cast<T*>(kept);
    void* p = ::operator new(bytes, huge_block_pool::alignment);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    ::madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without huge pages, 4 KiB pages as before
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) < huge_block) return std::allocator<T>::deallocate(p, n);
    huge_block_pool::instance().give(p, rounded(n));
  }
};

template <std::size_t N>
class dense_segment {
 public:
  static constexpr bool records_steps = true;
  // [t_k, h_k, 1/h_k, c_0 .. c_5], c_j[i]: coefficient of θ^j. (1/h_k: a read of z(t), at every
  // stage of the adjoint, multiplies rather than divides.)
  static constexpr std::size_t head = 3, stride = head + 6 * N;

  void clear() {
    coef_.clear();
    points_.clear();
    steps_ = 0;
    cursor_ = 0;
    neighbour_ = false;
  }
  std::size_t steps() const { return steps_; }
  // Values (doubles) this segment holds and would hold after finalize(), and what it may hold at the
  // most (record_within: see there).
  std::size_t values() const { return coef_.size() + points_.size() + (points_.empty() ? 0 : steps_ * stride); }
  std::size_t allocated() const { return coef_.capacity() + points_.capacity(); }  // doubles
  // Frees the recording: the in-memory mode of the checkpointed adjoint gives up on it.
  void release() {
    clear();
    coef_ = {};
    points_ = {};
  }

  // Room for the coefficients of `steps` steps (a re-integration knows how many the forward pass took).
  void reserve_steps(std::size_t steps) {
    if (coef_.capacity() < steps * stride) coef_.reserve(steps * stride);
  }

  // record() unless the segment would then hold more than max_values doubles (counting what
  // finalize() will make of recorded points): returns false, recording nothing, where it would. The
  // vector a stepper records into takes its share of max_values at once (up to first_reserve values,
  // doubling beyond) and no more (for points, the share that leaves room for finalize()'s
  // coefficients), so the allocation stays within max_values plus one step.
  template <class Stepper, class S, class Rhs>
  [[gnu::always_inline]] bool record_within(std::size_t max_values, const Stepper& stepper, double t0, const S& z0,
                                            const S& f0, double t1, const S& z1, const S& f1, double h, Rhs& rhs) {
    if (values() + room > max_values) return false;
    if constexpr (HasContinuousExtension<Stepper, S> || HasPolynomialExtension<Stepper, S>)
      reserve_within(coef_, max_values);
    else reserve_within(points_, max_values / (1 + 2 * N + stride) * (1 + 2 * N));
    record(stepper, t0, z0, f0, t1, z1, f1, h, rhs);
    return true;
  }
  double front() const { return coef_[0]; }  // the recorded span [front, back]
  double back() const { return coef_[(steps_ - 1) * stride] + coef_[(steps_ - 1) * stride + 1]; }

  // (Out of line, as is operator(): the step loops that call them are flattened, and inlining the
  // interpolation into every stage evaluation of the adjoint doubled the object code and the compile
  // time of a gradient. Flattened itself: with odeint's calc_state inlined, its loops write the local
  // ya, yb, which nothing else can alias, and are vectorised.)
  template <class Stepper, class S, class Rhs>
  [[gnu::noinline, gnu::flatten]] void record(const Stepper& stepper, double t0, const S& z0, const S& f0, double t1,
                                              const S& z1, const S& f1, double, Rhs& rhs) {
    // A step shorter than the spacing of doubles at t (the step loop adds such steps up in an offset,
    // solve/integrate.hpp) leaves t where it was: there is no interval to interpolate over.
    if (t1 == t0) return;
    if constexpr (HasContinuousExtension<Stepper, S>) {
      const double h = t1 - t0;
      double* d = push_step(t0, h);
      double* c = d + head;
      // calc_state(t, x, x_old, f_old, t_old, x_new, f_new, t_new) is x_old + (t_new − t_old) Σ_j b_j(θ) k_j,
      // θ = (t − t_old)/(t_new − t_old), with k_1 = f_old, k_7 = f_new and the step's other stages.
      // On the times 0, 1, 2, 3 and x_old = 0 (x itself, zeroed), it gives 3 Σ_j b_j(θ) k_j at θ = 1/3
      // and 2/3 with the θ-polynomials b_j(θ) folded into constants: on the step's own times they
      // were computed at every call (six divisions each; 168 instructions a step, 7 % of
      // Lotka–Volterra's default gradient). fit_quintic scales the sums by h/3 itself, without
      // adding z0 and subtracting it again.
      S ya{}, yb{};
      stepper.calc_state(1.0, ya, ya, f0, 0.0, z1, f1, 3.0);
      stepper.calc_state(2.0, yb, yb, f0, 0.0, z1, f1, 3.0);
      fit_quintic(c, z0.data(), f0.data(), z1.data(), f1.data(), ya.data(), yb.data(), h);
      ++steps_;
    } else if constexpr (HasPolynomialExtension<Stepper, S>) {
      stepper.dense_coefficients(z0, z1, push_step(t0, t1 - t0) + head);
      ++steps_;
    } else if constexpr (needs_inner_nodes<Stepper> &&
                         requires(Stepper& st, S& x) { st.do_step(std::ref(rhs), z0, f0, t0, x, t1 - t0); }) {
      // Two more nodes inside the step, at a third and two thirds of it, each one step of the same
      // method from z(t_k): the step becomes three pieces of the quintic below, whose error falls
      // by 3⁶ (Lotka–Volterra with runge_kutta_fehlberg78 at tolerances 1e-10: gradient error 4.9e-6 → 6.9e-9;
      // backsolve 2.7e-9). The two extra steps and two evaluations of f per step are paid only here.
      if (steps_ == 0) push_point(t0, z0, f0);
      const double h = t1 - t0;
      Stepper sub = stepper;
      S za{}, zb{}, fa{}, fb{};
      sub.do_step(std::ref(rhs), z0, f0, t0, za, h / 3);
      sub.do_step(std::ref(rhs), z0, f0, t0, zb, 2 * h / 3);
      rhs(za, fa, t0 + h / 3);
      rhs(zb, fb, t0 + 2 * h / 3);
      push_point(t0 + h / 3, za, fa);
      push_point(t0 + 2 * h / 3, zb, fb);
      push_point(t1, z1, f1);
      steps_ += 3;
    } else {
      // Points [t, z, f] until finalize(): the first step adds its start too.
      if (steps_ == 0) push_point(t0, z0, f0);
      push_point(t1, z1, f1);
      ++steps_;
    }
  }

  // A segment of one step without a continuous extension has only two nodes: the caller may add a
  // third, (t, z, f) at a neighbouring checkpoint, for the quintic instead of the cubic interpolant.
  // It is used only if it lies within 4 steps of the segment (farther, the cubic is the better one).
  bool wants_neighbour() const { return !points_.empty() && steps_ == 1; }
  template <class S>
  void add_neighbour(double t, const S& z, const S& f) {
    const double ta = points_[0], tb = point(1)[0];
    if (!(std::min(std::abs(t - ta), std::abs(t - tb)) <= 4 * std::abs(tb - ta))) return;
    nb_[0] = t;
    for (std::size_t i = 0; i < N; ++i) {
      nb_[1 + i] = z[i];
      nb_[1 + N + i] = f[i];
    }
    neighbour_ = true;
  }

  // Turns recorded points into per-step polynomial coefficients (once, before the adjoint reads
  // them), so that every read is a Horner evaluation: the quintic Hermite interpolant through z and
  // f at the step's ends and at a third node (the next step's end; the previous step's start for the
  // last step; a neighbouring checkpoint for a one-step segment), or the cubic with two nodes.
  void finalize() {
    if (points_.empty()) return;
    coef_.reserve(coef_.size() + steps_ * stride);
    for (std::size_t k = 0; k < steps_; ++k) {
      const double* a = point(k);
      const double* b = point(k + 1);
      const double* c = k + 2 <= steps_ ? point(k + 2) : steps_ > 1 ? point(k - 1) : neighbour_ ? nb_.data() : nullptr;
      const double h = b[0] - a[0];
      double* out = push_step(a[0], h) + head;
      if (!c) {  // the cubic Hermite interpolant
        for (std::size_t i = 0; i < N; ++i) {
          const double dz = b[1 + i] - a[1 + i], fa = h * a[1 + N + i], fb = h * b[1 + N + i];
          out[i] = a[1 + i];
          out[N + i] = fa;
          out[2 * N + i] = 3 * dz - 2 * fa - fb;
          out[3 * N + i] = -2 * dz + fa + fb;
          out[4 * N + i] = out[5 * N + i] = 0.0;
        }
        continue;
      }
      // Newton form on the nodes a, a, b, b, c, c (divided differences written out), with the node
      // products expanded in θ = (t - a)/h: (t - a) = hθ, (t - b) = h(θ - 1), (t - c) = h(θ - γ).
      const double rab = 1 / h, rbc = 1 / (c[0] - b[0]), rac = 1 / (c[0] - a[0]), g = (c[0] - a[0]) * rab;
      const double h2 = h * h, h3 = h2 * h, h4 = h3 * h, h5 = h4 * h;
      for (std::size_t i = 0; i < N; ++i) {
        const double za = a[1 + i], fa = a[1 + N + i], zb = b[1 + i], fb = b[1 + N + i], zc = c[1 + i], fc = c[1 + N + i];
        const double sab = (zb - za) * rab, sbc = (zc - zb) * rbc;                     // level 1
        const double e0 = (sab - fa) * rab, e1 = (fb - sab) * rab;                     // level 2
        const double e2 = (sbc - fb) * rbc, e3 = (fc - sbc) * rbc;
        const double f0 = (e1 - e0) * rab, f1 = (e2 - e1) * rac, f2 = (e3 - e2) * rbc;  // level 3
        const double g0 = (f1 - f0) * rac, g1 = (f2 - f1) * rac;                       // level 4
        const double k0 = (g1 - g0) * rac;                                             // level 5
        out[i] = za;
        out[N + i] = h * fa;
        out[2 * N + i] = h2 * e0 - h3 * f0 + h4 * g0 - g * h5 * k0;
        out[3 * N + i] = h3 * f0 - 2 * h4 * g0 + (1 + 2 * g) * h5 * k0;
        out[4 * N + i] = h4 * g0 - (2 + g) * h5 * k0;
        out[5 * N + i] = h5 * k0;
      }
    }
    points_.clear();
  }

  // z(t) for t in the recorded span (clamped to it). The backward pass asks for decreasing times,
  // so the step that served the last call is tried first. Out of line (see record) except for the
  // smallest systems, whose reads are a few instructions: called at every stage, the call would cost
  // them as much as the read.
  template <class T>
  [[gnu::always_inline]] void operator()(double t, T* z) const {
    if constexpr (N <= inline_reads) read(t, z);
    else read_out_of_line(t, z);
  }

  // The nearest step boundary beyond t in direction dir (t itself where there is none): where the
  // interpolant changes polynomial (its higher derivatives jump there).
  double next_node(double t, double dir) const {
    if (steps_ == 0) return t;
    const std::size_t k = find(t);
    if (dir < 0) return t > start(k) ? start(k) : k > 0 ? start(k - 1) : t;
    return t < end(k) ? end(k) : k + 1 < steps_ ? end(k + 1) : t;
  }

  // dz/dt at t: the derivative of the same polynomial (0 outside the recorded span, where z(t) is
  // clamped). The stiff adjoint's time derivative needs it.
  void derivative(double t, double* dz) const {
    const double* d = coef_.data() + find(t) * stride;
    const double raw = (t - d[0]) * d[2];
    const double* c = d + head;
    if (raw < 0.0 || raw > 1.0) {
      for (std::size_t i = 0; i < N; ++i) dz[i] = 0.0;
      return;
    }
    for (std::size_t i = 0; i < N; ++i) {
      double v = 5 * c[5 * N + i];
      for (std::size_t j = 5; j-- > 1;) v = v * raw + static_cast<double>(j) * c[j * N + i];
      dz[i] = v * d[2];
    }
  }

 private:
  // z = Σ_j c_j θ^j by Horner's rule, every component at once: the degree written out and z known not
  // to alias the coefficients (restrict), so that the loop over components is vectorised at -O2 (with
  // an inner loop over the degree it ran one component at a time, the checkpointed adjoint's largest
  // cost on Lorenz-96 at n = 40).
  static constexpr std::size_t inline_reads = 4;  // states
  template <class T>
  [[gnu::always_inline]] void read(double t, T* z) const {
    const double* d = coef_.data() + find(t) * stride;
    horner(d + head, z, std::clamp((t - d[0]) * d[2], 0.0, 1.0));
  }
  template <class T>
  [[gnu::noinline]] void read_out_of_line(double t, T* z) const { read(t, z); }
  template <class T>
  [[gnu::always_inline]] static void horner(const double* __restrict c, T* __restrict z, double th) {
    for (std::size_t i = 0; i < N; ++i) {
      double v = c[5 * N + i];
      v = v * th + c[4 * N + i];
      v = v * th + c[3 * N + i];
      v = v * th + c[2 * N + i];
      v = v * th + c[N + i];
      v = v * th + c[i];
      z[i] = T(v);
    }
  }
  // The quintic's coefficients c_0 .. c_5 from z and f at both ends of a step and the extension at
  // θ = 1/3, 2/3, given as sa = 3 (z(1/3) − z0)/h and sb = 3 (z(2/3) − z0)/h (see record).
  // (Restrict and the 4×4 product written out: vectorised over the components at -O2.)
  static void fit_quintic(double* __restrict c, const double* __restrict z0, const double* __restrict f0,
                          const double* __restrict z1, const double* __restrict f1, const double* __restrict sa,
                          const double* __restrict sb, double h) {
    constexpr auto& q = quintic_inverse;
    const double h3 = h / 3;
    for (std::size_t i = 0; i < N; ++i) {
      const double c0 = z0[i], c1 = h * f0[i];
      c[i] = c0;
      c[N + i] = c1;
      // The residuals of z(1), h z'(1), z(1/3), z(2/3) after c0 + c1 θ.
      const double r0 = z1[i] - c0 - c1, r1 = h * f1[i] - c1, r2 = h3 * (sa[i] - f0[i]), r3 = h3 * (sb[i] - 2 * f0[i]);
      c[2 * N + i] = q[0][0] * r0 + q[0][1] * r1 + q[0][2] * r2 + q[0][3] * r3;
      c[3 * N + i] = q[1][0] * r0 + q[1][1] * r1 + q[1][2] * r2 + q[1][3] * r3;
      c[4 * N + i] = q[2][0] * r0 + q[2][1] * r1 + q[2][2] * r2 + q[2][3] * r3;
      c[5 * N + i] = q[3][0] * r0 + q[3][1] * r1 + q[3][2] * r2 + q[3][3] * r3;
    }
  }
  // The most one recorded step adds: 3 pieces (steppers with inner nodes), each a coefficient row and a point.
  static constexpr std::size_t room = 3 * (stride + 1 + 2 * N) + 1 + 2 * N;
  template <class V>
  static void reserve_within(V& v, std::size_t limit) {
    if (v.capacity() - v.size() >= room) return;
    const std::size_t grown = v.capacity() == 0 ? std::min(limit, first_reserve) : 2 * v.capacity();
    v.reserve(std::min(std::max(grown, v.size() + room), std::max(limit, v.size() + room)));
  }
  // One allocation of the whole budget rather than a doubling sequence: no copies, and glibc hands
  // the same small block to the next gradient, where it returned the growing blocks to the system and
  // faulted them in again on every gradient (Lorenz-96, n = 40, in a plain program: 200 page faults
  // and 40 % of a checkpointed gradient's time). The reservation is address space only: pages are
  // touched as steps fill them. Beyond first_reserve (an explicit budget of many GiB) it doubles.
  static constexpr std::size_t first_reserve = (std::size_t{256} << 20) / sizeof(double);
  double* push_step(double t, double h) {
    const std::size_t base = coef_.size();
    coef_.resize(base + stride);
    coef_[base] = t;
    coef_[base + 1] = h;
    coef_[base + 2] = 1 / h;
    return coef_.data() + base;
  }
  void push_point(double t, const auto& z, const auto& f) {
    points_.push_back(t);
    for (std::size_t i = 0; i < N; ++i) points_.push_back(z[i]);
    for (std::size_t i = 0; i < N; ++i) points_.push_back(f[i]);
  }
  const double* point(std::size_t k) const { return points_.data() + k * (1 + 2 * N); }
  double start(std::size_t k) const { return coef_[k * stride]; }
  double end(std::size_t k) const { return coef_[k * stride] + coef_[k * stride + 1]; }
  std::size_t find(double t) const {
    std::size_t k = std::min(cursor_, steps_ - 1);
    if (t >= start(k) && t <= end(k)) return k;
    if (k > 0 && t >= start(k - 1) && t < start(k)) return cursor_ = k - 1;
    return search(t);
  }
  [[gnu::noinline]] std::size_t search(double t) const {
    std::size_t lo = 0, hi = steps_;  // the last step starting at or before t
    while (hi - lo > 1) {
      const std::size_t mid = (lo + hi) / 2;
      (start(mid) <= t ? lo : hi) = mid;
    }
    return cursor_ = lo;
  }

  std::vector<double, uninitialised_allocator<double>> coef_;  // per step: [t_k, h_k, 1/h_k, c_0 .. c_5]
  std::vector<double> points_;  // recorded points awaiting finalize() (steppers without an extension)
  std::size_t steps_ = 0;
  bool neighbour_ = false;
  std::array<double, 1 + 2 * N> nb_{};
  mutable std::size_t cursor_ = 0;
};

}  // namespace costate::detail
