// costate: gradients of ODE solutions by the adjoint method, every derivative derived at compile time.
// The umbrella header; each header below also compiles on its own.
#pragma once

#include "costate/error.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/dag.hpp"
#include "costate/expr/derivative.hpp"
#include "costate/expr/metrics.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/plan.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/reverse.hpp"
#include "costate/expr/simplify.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"
#include "costate/system/rhs.hpp"
#include "costate/solve/gradient.hpp"
#include "costate/solve/options.hpp"
#include "costate/solve/solve.hpp"
#include "costate/check/check_gradient.hpp"
