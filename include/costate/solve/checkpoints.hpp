// What the forward pass stores for the adjoint: checkpoints (z at chosen times, thinned to a bounded
// number), and the step recorder that the forward pass and the backward pass's re-integrations share.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "costate/solve/dense.hpp"

namespace costate::detail {

inline constexpr std::size_t none = static_cast<std::size_t>(-1);

// The forward pass's checkpoints: time, the step the controller proposed there (0: start afresh,
// as the forward pass did at a stop), observation index, z. As a step recorder it adds one every
// `every` accepted steps; when more than `cap` such automatic checkpoints exist, every other one is
// dropped and the spacing doubles, so memory stays O(cap + steps / cap) however long the pass.
// Re-integrating from a checkpoint with its proposed step retraces the forward pass's steps.
template <std::size_t N>
struct checkpoint_store {
  static constexpr bool records_steps = true;
  std::vector<double> t, h, z;
  std::vector<std::size_t> obs, step;  // step: accepted-step index of an automatic checkpoint, or none
  std::size_t every = 0, cap = 0, autos = 0, accepted = 0;
  std::size_t countdown = 0;  // accepted steps until the next automatic checkpoint (set to `every`)
  double stop_at = 0.0;  // the end of the current interval: recorded as a stop, not automatically

  std::size_t size() const { return t.size(); }
  // Room for k checkpoints, allocated once rather than grown one push at a time.
  void reserve(std::size_t k) {
    t.reserve(k);
    h.reserve(k);
    obs.reserve(k);
    step.reserve(k);
    z.reserve(k * N);
  }
  const double* state(std::size_t j) const { return z.data() + j * N; }
  template <class S>
  void push(double tj, double hj, std::size_t o, std::size_t s, const S& zj) {
    t.push_back(tj);
    h.push_back(hj);
    obs.push_back(o);
    step.push_back(s);
    z.insert(z.end(), zj.begin(), zj.begin() + N);
  }
  template <class Stepper, class S, class Rhs>
  [[gnu::always_inline]] void record(const Stepper&, double, const S&, const S&, double t1, const S& z1, const S&,
                                     double h_next, Rhs&) {
    ++accepted;
    if (--countdown != 0) return;
    countdown = every;
    if (t1 != stop_at) add(t1, h_next, z1);
  }
  template <class S>
  [[gnu::noinline]] void add(double t1, double h_next, const S& z1) {
    push(t1, h_next, none, accepted, z1);
    if (++autos > cap) thin();
  }
  void thin() {
    // Keep the checkpoints at multiples of the doubled spacing; the next one is due at the next multiple.
    every *= 2;
    countdown = every - accepted % every;
    std::size_t k = 0;
    autos = 0;
    for (std::size_t j = 0; j < t.size(); ++j) {
      if (step[j] != none && step[j] % every != 0) continue;
      autos += step[j] != none;
      t[k] = t[j];
      h[k] = h[j];
      obs[k] = obs[j];
      step[k] = step[j];
      std::copy_n(z.begin() + static_cast<std::ptrdiff_t>(j * N), N, z.begin() + static_cast<std::ptrdiff_t>(k * N));
      ++k;
    }
    t.resize(k);
    h.resize(k);
    obs.resize(k);
    step.resize(k);
    z.resize(k * N);
  }
};

// The forward pass of gradient(): checkpoints (when automatic ones are due) and, while it fits its
// budget of doubles, the whole pass's dense output (the checkpointed adjoint's in-memory mode). Past
// the budget the dense output is released and only checkpoints are kept. One step loop serves every
// combination: the two tests per accepted step cost nothing measurable.
template <std::size_t N>
struct gradient_recorder {
  static constexpr bool records_steps = true;
  checkpoint_store<N>* checkpoints = nullptr;
  dense_segment<N>* trajectory = nullptr;
  std::size_t max_values = 0;
  template <class Stepper, class S, class Rhs>
  [[gnu::always_inline]] void record(const Stepper& st, double t0, const S& z0, const S& f0, double t1, const S& z1,
                                     const S& f1, double h, Rhs& rhs) {
    if (checkpoints) checkpoints->record(st, t0, z0, f0, t1, z1, f1, h, rhs);
    if (trajectory && !trajectory->record_within(max_values, st, t0, z0, f0, t1, z1, f1, h, rhs)) drop();
  }
  [[gnu::noinline]] void drop() {
    trajectory->release();
    trajectory = nullptr;
  }
};

// A recorder that may record checkpoints, dense output or nothing, decided at run time: solve's
// passes use it, so that they share one instantiation of the step loop. gradient() passes the
// checkpoint store or the dense segment itself (or no_observer), without the branch on every step.
template <std::size_t N>
struct forward_recorder {
  static constexpr bool records_steps = true;
  checkpoint_store<N>* checkpoints = nullptr;
  dense_segment<N>* segment = nullptr;
  template <class Stepper, class S, class Rhs>
  void record(const Stepper& st, double t0, const S& z0, const S& f0, double t1, const S& z1, const S& f1, double h,
              Rhs& rhs) const {
    if (checkpoints) checkpoints->record(st, t0, z0, f0, t1, z1, f1, h, rhs);
    else if (segment) segment->record(st, t0, z0, f0, t1, z1, f1, h, rhs);
  }
};

}  // namespace costate::detail
