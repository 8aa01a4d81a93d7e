// costate/codegen/cpp.hpp with the expression vocabulary: the C++ form of an expression.
#include <costate/codegen/cpp.hpp>
#include <costate/expr/operators.hpp>
#include <costate/expr/symbol.hpp>

using namespace costate::prelude;

int main() { return to_cpp(param<0> * state<0> - sigmoid(state<1>)).empty() ? 1 : 0; }
