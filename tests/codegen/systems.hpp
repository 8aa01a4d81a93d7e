// The systems of the generated-header tests, shared by the generator and the test.
#pragma once

#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/symbol.hpp"
#include "costate/system/loss.hpp"
#include "costate/system/ode.hpp"

namespace costate_test_systems {
using namespace costate;
inline constexpr auto x = state<0>;
inline constexpr auto y = state<1>;
inline constexpr auto a = param<0>;
inline constexpr auto b = param<1>;
inline constexpr auto c = param<2>;
inline constexpr auto d = param<3>;
inline constexpr auto lotka_volterra = ode(a * x - b * x * y, -c * y + d * x * y);
// A loss with a parameter of its own (θ4) beside the system's.
inline constexpr auto lv_loss = terminal_loss(0.5_c * (x * x + y * y) + param<4> * x * y);
inline constexpr auto pendulum =
    ode(y, -a * y - b * sin(x) + c * cos(d * t) + 0.1_c * softplus(x) * sigmoid(y) - pow(x, 3_c) / 7_c + x / (0.1_c * y * y + 1_c));

// The neural ODE dz/dt = W2·tanh(W1·z + b1) + b2, z ∈ R², hidden width 16: tensor operations.
inline constexpr auto zv = state_vector<2>;
inline constexpr auto net = params(matrix<16, 2>, vector<16>, matrix<2, 16>, vector<2>);
inline constexpr auto mlp = ode(net.get<2>() * tanh(net.get<0>() * zv + net.get<1>()) + net.get<3>());
inline constexpr auto mlp_loss = terminal_loss(0.5_c * dot(zv, zv));

// Cases the generator must handle as the template path does (each once failed or differed):
// inputs and t beside tensors, integer powers (binary powering, not std::pow), concat and slice,
// VJPs that simplify to a scalar zero for a vector (step() has derivative 0), tensor operations
// under scalar outputs, and a system without parameters.
inline constexpr auto z3 = state_vector<3>;
inline constexpr auto pk = params(vector<3>, vector<3>, matrix<3, 3>);
inline constexpr auto tensor_zoo =
    ode(pk.get<2>() * (z3 * sin(t)) + input_vector<3> * step(pk.get<0>()) + pow(z3, 3_c) * 0.25_c -
        concat(slice<0, 2>(z3) * input<3>, pow(component<2>(z3) + 3_c, -2_c)) + pk.get<1>());
inline constexpr auto zoo_loss = terminal_loss(0.5_c * dot(z3 - input_vector<3>, z3 - input_vector<3>) + sum(pk.get<1>() * z3));
inline constexpr auto scalar_outputs = ode(sum(zv * zv) * param<0> - cos(t), component<0>(zv) - component<1>(zv) * param<1>);
inline constexpr auto no_params = ode(-zv * t + pow(zv, 2_c) * -0.1_c);
// A grid: roll, shift and edge along both axes of a 3×4 state matrix (index maps and loops), a
// coefficient field given as an input matrix, value-by-value products.
inline constexpr auto grid = state_matrix<3, 4>;
inline constexpr auto grid_ops =
    ode(param<0> * (roll<1>(grid) + roll<-1, 1>(grid) + shift<1>(grid) + shift<-2, 1>(grid) + edge<1>(grid) + edge<-1, 1>(grid) -
                    6_c * grid) -
        hadamard(input_matrix<3, 4>, hadamard(grid, grid)) + param<1> * edge<5, 1>(grid));
inline constexpr auto grid_loss = terminal_loss(0.5_c * sum(hadamard(grid, grid)) + param<1> * sum(edge<-1>(grid)));
}  // namespace costate_test_systems
