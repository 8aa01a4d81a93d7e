// The list of operations. Adding an operation: one new header in ops/ and one line here
// (and one line in the shared derivative test's list).
#pragma once

#include "costate/expr/ops/abs.hpp"
#include "costate/expr/ops/add.hpp"
#include "costate/expr/ops/cos.hpp"
#include "costate/expr/ops/div.hpp"
#include "costate/expr/ops/exp.hpp"
#include "costate/expr/ops/log.hpp"
#include "costate/expr/ops/mul.hpp"
#include "costate/expr/ops/neg.hpp"
#include "costate/expr/ops/pow.hpp"
#include "costate/expr/ops/pow_int.hpp"
#include "costate/expr/ops/sigmoid.hpp"
#include "costate/expr/ops/sign.hpp"
#include "costate/expr/ops/sin.hpp"
#include "costate/expr/ops/softplus.hpp"
#include "costate/expr/ops/sqrt.hpp"
#include "costate/expr/ops/sub.hpp"
#include "costate/expr/ops/tan.hpp"
#include "costate/expr/ops/tanh.hpp"
