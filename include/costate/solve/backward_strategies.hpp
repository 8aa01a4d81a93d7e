// The backward strategies of the adjoint pass, each in its own header: a strategy S says which
// options<St, A> compile it (S::compiled<A, St>), whether an adjoint_method runs it (S::chosen), and
// runs the backward pass (S::run(backward_pass&), solve/backward_pass.hpp). adjoint_gradient runs
// the first strategy of the list that is compiled and chosen. A new strategy is its header and a line
// here (and a policy type in solve/options.hpp if users are to name it).
#pragma once

#include "costate/solve/backward_backsolve.hpp"
#include "costate/solve/backward_interpolated.hpp"

namespace costate {
namespace detail {

template <class... S> struct strategy_list {};
using backward_strategies = strategy_list<
    interpolated_backward,
    backsolve_backward>;

// Runs the first strategy of the list that options<St, A> compile and `method` chooses; false if none.
template <class Pass, class... S>
bool run_backward(Pass& pass, strategy_list<S...>) {
  const auto attempt = [&]<class Strategy>() {
    if constexpr (Strategy::template compiled<typename Pass::policy, typename Pass::stepper>) {
      if (Strategy::chosen(pass.method)) {
        Strategy::run(pass);
        return true;
      }
    }
    return false;
  };
  return (attempt.template operator()<S>() || ...);
}

}  // namespace detail
}  // namespace costate
