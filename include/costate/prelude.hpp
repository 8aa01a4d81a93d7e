// costate::prelude: the names a program using costate writes, for `using namespace costate::prelude;`.
//
// `using namespace costate;` also brings costate's building blocks (plan, context, system, ...) into
// scope, and its parameter block `vector<n>` makes std::vector ambiguous beside `using namespace
// std;`. The prelude holds only what user code names, and nothing that collides with std:
//   symbols and blocks   state input param t state_vector input_vector params params_from
//                        matrix vec scalar, the literal _c                 (expr/symbol.hpp, constant.hpp)
//   operations           sin cos tan exp log sqrt abs pow square tanh sigmoid softplus relu step
//                        sign sum dot norm2 concat component slice outer roll shift
//                                                                          (expr/ops/, operators.hpp)
//   systems and losses   ode rhs vjp_states vjp_params vjp_time batch batch_mean
//                        terminal_loss running_loss observations          (system/)
//   solving, gradients   solve gradient options dopri5 rk4 odeint_stepper rodas5p rosenbrock4
//                        backsolve checkpointed absolute_tolerance check_gradient error
//   derivation, output   derivative simplify to_string; to_cpp generate_header to_latex
//                        latex_adjoint (codegen/, included on their own)
// Each header adds its own names, so that including a part of costate gives that part's names.
// This header is costate.hpp under the name of what it gives.
#pragma once

#include "costate/costate.hpp"
