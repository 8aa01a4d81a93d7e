// What gradient() returns: the gradient of the loss with respect to θ, z0, t0, t1 (and observation
// times), with statistics of the passes that computed it.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "costate/solve/integrate.hpp"

namespace costate {

/// What the passes of one gradient did.
struct gradient_stats {
  /// The forward pass.
  pass_stats forward;
  /// The adjoint pass.
  pass_stats backward;   // the adjoint pass
  /// Checkpointed: the forward re-integration of each segment in the backward pass.
  pass_stats recompute;  // checkpointed: the forward re-integration of each segment in the backward pass
  /// Checkpoint intervals the backward pass went through.
  std::size_t checkpoints = 0;          // checkpoint intervals the backward pass went through
  /// Checkpointed: the most pieces of dense output held at once.
  std::size_t max_segment_steps = 0;    // checkpointed: most pieces held in dense output at once (a step,
                                        // or a third of one for high-order steppers, solve/dense.hpp)
  // max over checkpoints and i of |z_i re-integrated (backward, or forward from the previous
  // checkpoint) − z_i stored by the forward pass|, in units of the tolerance (atol + rtol |z_i|).
  // Checkpointed: about 1 or less (the re-integration retraces the forward pass). Backsolve: at most
  // adjoint_method::max_drift, over the intervals it kept (see backsolve_fallbacks).
  /// The largest difference between a re-integrated z and the stored one at a checkpoint, in tolerance units (backsolve: at most adjoint_method::max_drift over the intervals it kept).
  double backsolve_drift = 0.0;
  // Backsolve: checkpoint intervals on which the backward z left the forward trajectory by more than
  // max_drift tolerance units (or the backward pass failed), and which were therefore integrated
  // again with z interpolated from a forward re-integration, as the checkpointed adjoint does.
  /// Backsolve: checkpoint intervals integrated again with z interpolated, because the backward z left the forward one.
  std::size_t backsolve_fallbacks = 0;
  // Checkpointed: the forward pass's steps whose dense output the backward pass read from memory
  // (adjoint_method::dense_memory); 0 where it did not fit, and the segments were re-integrated.
  /// Checkpointed: forward steps whose dense output the backward pass read from memory (adjoint_method::dense_memory).
  std::size_t in_memory_steps = 0;
};

/// What gradient() returns: the loss, its gradient with respect to θ, z0, t0, t1 (and observation times), z(t1), and statistics.
template <std::size_t N, std::size_t P>
struct gradient_result {
  /// L.
  double loss = 0.0;
  /// dL/dθ.
  std::array<double, P> dtheta{};  // dL/dθ
  /// dL/dz0.
  std::array<double, N> dz0{};     // dL/dz0
  /// dL/dt0.
  double dt0 = 0.0;                // dL/dt0
  /// dL/dt1.
  double dt1 = 0.0;                // dL/dt1
  /// ∫ λᵀ∂f/∂t dt over [t0, t1] (0 for autonomous systems): dL/dt0 = −dL/dt1 + g_t − Σ_k dL/dt_k.
  double g_t = 0.0;                // ∫ λᵀ∂f/∂t dt from t0 to t1 (0 for autonomous systems)
  /// z(t1).
  std::array<double, N> z1{};      // z(t1)
  /// dL/dt_k for each observation time (observation losses only).
  std::vector<double> dtimes;      // dL/dt_k for each observation time (observations only)
  /// What the passes did.
  gradient_stats stats;
};

// The gradient of a batch (see system/batch.hpp): z0 per sample, dz0 and z1 per sample; the loss
// is summed (batch) or averaged (batch_mean) over the samples, all in one pass whose right-hand side
// evaluates the whole batch with matrix-matrix products.
/// What gradient() returns for a batch: the batch's loss, dL/dθ, and dL/dz0 and z(t1) per sample.
template <std::size_t B, std::size_t N, std::size_t P>
struct batch_gradient_result {
  /// The batch's loss (sum or mean of the samples').
  double loss = 0.0;
  /// dL/dθ.
  std::array<double, P> dtheta{};
  /// dL/dz0 per sample.
  std::array<std::array<double, N>, B> dz0{};
  /// dL/dt0.
  double dt0 = 0.0;
  /// dL/dt1.
  double dt1 = 0.0;
  /// ∫ λᵀ∂f/∂t dt over [t0, t1].
  double g_t = 0.0;
  /// z(t1) per sample.
  std::array<std::array<double, N>, B> z1{};
  /// What the passes did.
  gradient_stats stats;
};

}  // namespace costate
