// The names a program using costate writes, for `using namespace costate::prelude;` (costate.hpp
// includes this header).
//
// `using namespace costate;` also brings costate's building blocks (plan, context, system, ...) into
// scope, and its parameter block `vector<n>` makes std::vector ambiguous beside `using namespace
// std;`. The prelude holds only what user code names: symbols and parameter blocks (with `vec<n>`
// for the vector block), the _c literal, the operations, systems and losses, solving and gradients
// with their options, checking, code generation and printing. Everything else stays reachable as
// costate::name.
#pragma once

#include "costate/check/check_gradient.hpp"
#include "costate/error.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/derivative.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/simplify.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/rodas5p.hpp"
#include "costate/solve/rosenbrock.hpp"
#include "costate/solve/solve.hpp"
#include "costate/system/batch.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"

namespace costate {
// The vector parameter block under a name that does not collide with std::vector.
template <std::size_t N> inline constexpr vector_block<N> vec{};

namespace prelude {
// Symbols, parameter blocks, literals.
using costate::input;
using costate::input_vector;
using costate::matrix;
using costate::param;
using costate::params;
using costate::params_from;
using costate::scalar;
using costate::state;
using costate::state_vector;
using costate::t;
using costate::vec;
using costate::operator""_c;

// Operations (found by argument-dependent lookup too; named here so that a using-declaration of
// std's functions cannot hide them).
using costate::abs;
using costate::component;
using costate::concat;
using costate::cos;
using costate::dot;
using costate::exp;
using costate::log;
using costate::norm2;
using costate::outer;
using costate::pow;
using costate::relu;
using costate::sigmoid;
using costate::sign;
using costate::sin;
using costate::slice;
using costate::softplus;
using costate::sqrt;
using costate::square;
using costate::step;
using costate::sum;
using costate::tan;
using costate::tanh;

// Systems and losses.
using costate::batch;
using costate::batch_mean;
using costate::observations;
using costate::ode;
using costate::running_loss;
using costate::terminal_loss;

// Solving, gradients, options.
using costate::absolute_tolerance;
using costate::backsolve;
using costate::check_gradient;
using costate::checkpointed;
using costate::dopri5;
using costate::error;
using costate::gradient;
using costate::odeint_stepper;
using costate::options;
using costate::rk4;
using costate::rodas5p;
using costate::rosenbrock4;
using costate::solve;

// Derivation and printing. (The code generators, which costate.hpp does not include, add their
// names to the prelude in their own headers: to_cpp, generate_header, to_latex, latex_adjoint.)
using costate::derivative;
using costate::rhs;
using costate::simplify;
using costate::to_string;
using costate::vjp_params;
using costate::vjp_states;
using costate::vjp_time;
}  // namespace prelude
}  // namespace costate
