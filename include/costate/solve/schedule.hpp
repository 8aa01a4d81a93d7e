// Where a gradient's forward pass stops (t0, t1, segment ends, observation times) and the checks of
// gradient()'s arguments.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "costate/error.hpp"
#include "costate/solve/arguments.hpp"
#include "costate/solve/checkpoints.hpp"
#include "costate/solve/integrate.hpp"
#include "costate/solve/options.hpp"

namespace costate {
namespace detail {

// Where the forward pass must stop: t0, t1, the ends of equal segments, observation times.
struct stop {
  double t;
  std::size_t obs;  // observation index, or none
};
inline std::vector<stop> stops_of(time_span span, std::size_t segments, const std::vector<double>* times) {
  // Both lists are sorted: merge them, keeping one stop per time.
  std::vector<stop> merged;
  const std::size_t K = times ? times->size() : 0;
  std::size_t j = 0, k = 0;
  const auto boundary = [&](std::size_t i) {
    return i == 0 ? span.t0 : i == segments ? span.t1 : span.t0 + (span.t1 - span.t0) * static_cast<double>(i) / static_cast<double>(segments);
  };
  const std::size_t B = std::max<std::size_t>(segments, 1);  // boundaries 0 .. B
  merged.reserve(B + 1 + K);
  while (j <= B || k < K) {
    const bool take_obs = k < K && (j > B || (*times)[k] <= (j == B ? span.t1 : boundary(j)));
    const stop x = take_obs ? stop{(*times)[k], k} : stop{j == B ? span.t1 : boundary(j), none};
    take_obs ? ++k : ++j;
    if (!merged.empty() && merged.back().t == x.t) {
      if (x.obs != none) merged.back().obs = x.obs;
    } else {
      merged.push_back(x);
    }
  }
  return merged;
}

inline void require_valid_observations(time_span span, const std::vector<double>& times, std::size_t data_values,
                                       std::size_t row) {
  if (times.empty()) throw error("observations: no observation times");
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double t = times[k];
    if (!std::isfinite(t)) throw error("observations: times[" + std::to_string(k) + "] is not finite");
    if (t < span.t0 || t > span.t1)
      throw error("observations: times[" + std::to_string(k) + "] = " + format_time(t) + " is outside [t0, t1] = [" +
                  format_time(span.t0) + ", " + format_time(span.t1) + "]");
    if (k > 0 && !(times[k - 1] < t))
      throw error("observations: times must increase strictly, but times[" + std::to_string(k - 1) + "] = " +
                  format_time(times[k - 1]) + " and times[" + std::to_string(k) + "] = " + format_time(t));
  }
  if (data_values != times.size() * row)
    throw error("observations: the loss reads " +
                (row == 0 ? std::string("no data (no input<j>)")
                          : std::to_string(row) + " data value(s) per observation (input<0> .. input<" + std::to_string(row - 1) + ">)") +
                ", so " + std::to_string(times.size()) + " times need " + std::to_string(times.size() * row) +
                " data values; got " + std::to_string(data_values));
}

template <class S, class Z0, class Theta, class St, class A>
void require_valid_gradient_arguments(const S& sys, const Z0& z0, const Theta& theta, time_span span, const options<St, A>& opt) {
  require_finite("z0", z0);
  require_finite("theta", theta);
  require_finite_inputs(sys);
  require_valid_span(span);
  require_valid_options(opt);
}

}  // namespace detail
}  // namespace costate
