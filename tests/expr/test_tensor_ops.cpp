// Every tensor operation's VJP rule (and elementwise operations on tensors, with broadcasting)
// against finite differences at random inputs, through the shared helper.
#include <catch2/catch.hpp>

#include "../numeric_derivative.hpp"
#include "costate/expr/constant.hpp"
#include "costate/expr/operators.hpp"
#include "costate/expr/symbol.hpp"

using namespace costate;
using costate::test::check_tensor_vjp;

namespace {
constexpr auto z = state_vector<4>;                               // z[0:4]
constexpr auto net = params(matrix<3, 4>, vector<3>, vector<4>, matrix<4, 2>, scalar);
constexpr auto W = net.get<0>();                                  // θ[0:12]
constexpr auto b = net.get<1>();                                  // θ[12:15]
constexpr auto v = net.get<2>();                                  // θ[15:19]
constexpr auto M = net.get<3>();                                  // θ[19:27]
constexpr auto a = net.get<4>();                                  // θ[27]
constexpr auto Z = symbol<symbol_kind::state, 0, shape<4, 2>>{};  // a batch of two states
}  // namespace

TEST_CASE("matrix-vector and matrix-matrix products", "[tensor]") {
  check_tensor_vjp(W * z, 1);
  check_tensor_vjp(W * z + b, 2);
  check_tensor_vjp(W * Z, 3);                    // matrix × matrix
  check_tensor_vjp(tanh(W * M) * 2_c, 4);        // matrix × matrix of parameters
  check_tensor_vjp(outer(b, z), 5);
}

TEST_CASE("elementwise operations on tensors, with scalar broadcasting", "[tensor]") {
  check_tensor_vjp(z + v, 11);
  check_tensor_vjp(z - v, 12);
  check_tensor_vjp(z * v, 13);                   // Hadamard product
  check_tensor_vjp(z / (v * v + 1_c), 14);
  check_tensor_vjp(a * z, 15);                   // scalar parameter broadcast
  check_tensor_vjp(2_c * z - a, 16);
  check_tensor_vjp(-z, 17);
  check_tensor_vjp(square(z) * v, 18);
}

TEST_CASE("elementwise functions on tensors", "[tensor]") {
  check_tensor_vjp(tanh(W * z + b), 21);
  check_tensor_vjp(sigmoid(z * v), 22);
  check_tensor_vjp(softplus(z - v), 23);
  check_tensor_vjp(relu(z + 2_c), 24);           // away from the kink: z + 2 > 0
  check_tensor_vjp(exp(z * a), 25);
  check_tensor_vjp(log(z * z + 1_c), 26);
  check_tensor_vjp(sin(z) * cos(v), 27);
}

TEST_CASE("reductions and plumbing", "[tensor]") {
  check_tensor_vjp(sum(z * v), 31);
  check_tensor_vjp(dot(z, v), 32);
  check_tensor_vjp(norm2(W * z), 33);
  check_tensor_vjp(concat(z, b), 34);
  check_tensor_vjp(concat(a, z) * 3_c, 35);      // a scalar joins as a vector of length 1
  check_tensor_vjp(component<2>(z) * sum(b), 36);
  check_tensor_vjp(slice<1, 2>(z) * slice<0, 2>(v), 37);
  check_tensor_vjp(tanh(Z + v) * 2_c, 38);       // a vector broadcast along a matrix's columns
}

TEST_CASE("tensor operations have the values of their definitions", "[tensor]") {
  const std::vector<double> zs{1, 2, 3, 4, 5, 6, 7, 8};
  std::vector<double> th(28);
  for (std::size_t i = 0; i < th.size(); ++i) th[i] = 0.5 * static_cast<double>(i);
  using costate::test::tensor_value;
  // W·z: row r of W is θ[4r .. 4r+3]
  const auto wz = tensor_value(W * z, zs, th);
  REQUIRE(wz.size() == 3);
  CHECK(wz[0] == 0 * 1 + 0.5 * 2 + 1.0 * 3 + 1.5 * 4);
  CHECK(wz[2] == 4.0 * 1 + 4.5 * 2 + 5.0 * 3 + 5.5 * 4);
  // W·Z: column c of Z holds z[c], z[2 + c], ...: Z(i, c) = zs[2i + c]
  const auto wZ = tensor_value(W * Z, zs, th);
  REQUIRE(wZ.size() == 6);
  CHECK(wZ[1] == 0 * 2 + 0.5 * 4 + 1.0 * 6 + 1.5 * 8);  // row 0, column 1
  CHECK(tensor_value(sum(z), zs, th)[0] == 10);
  CHECK(tensor_value(dot(z, v), zs, th)[0] == 1 * 7.5 + 2 * 8 + 3 * 8.5 + 4 * 9);
  CHECK(tensor_value(component<3>(z), zs, th)[0] == 4);
  const auto c = tensor_value(concat(b, z), zs, th);
  REQUIRE(c.size() == 7);
  CHECK(c[0] == 6.0);
  CHECK(c[3] == 1.0);
  const auto zb = tensor_value(Z + z, zs, th);  // Z(i, c) + z[i]
  CHECK(zb[3] == 4 + 2);                        // row 1, column 1
}

TEST_CASE("scalars joined into vectors by tensor operations get scalar adjoints", "[tensor]") {
  check_tensor_vjp(concat(sum(z), z) * 2_c, 41);
  check_tensor_vjp(concat(component<0>(z), W * z), 42);
  check_tensor_vjp(concat(dot(z, z), a), 43);
}

TEST_CASE("per-sample reductions of batched values", "[tensor]") {
  check_tensor_vjp(node<col_dot_op, std::remove_const_t<decltype(Z)>, std::remove_const_t<decltype(Z)>>{} * 1_c, 51);
  check_tensor_vjp(node<mul_op, node<col_sum_op, decltype(tanh(Z + v))>, std::remove_const_t<decltype(Z)>>{}, 52);  // matrix<1, 2> along rows
}
