// An ODE system dz/dt = f(z, θ, t) made of expressions: `ode(a*x - b*x*y, -c*y + d*x*y)`.
//
// The system is an empty type like its expressions. From it the library derives, at compile time:
//   rhs            f_i                                  (n outputs)
//   vjp_state      λᵀ∂f/∂z_j   by one reverse sweep      (n outputs)
//   vjp_param      λᵀ∂f/∂θ_k                             (p outputs)
//   vjp_time       λᵀ∂f/∂t                               (1 output; 0 for autonomous systems)
//   jacobian       ∂f_i/∂z_j                             (n×n, for stiff steppers)
// and the sizes: states (n), params (p: largest param index + 1), inputs.
#pragma once

#include <array>
#include <cstddef>
#include <ostream>
#include <tuple>
#include <utility>

#include "costate/expr/dag.hpp"
#include "costate/expr/derivative.hpp"
#include "costate/expr/node.hpp"
#include "costate/expr/ops.hpp"
#include "costate/expr/print.hpp"
#include "costate/expr/reverse.hpp"
#include "costate/expr/shape_of.hpp"
#include "costate/expr/simplify.hpp"

namespace costate {

namespace detail {
// Diagnostics whose names carry the numbers: the compiler prints them with the error.
template <std::size_t StateIndex, std::size_t NumberOfStates>
struct ode_uses_a_state_index_beyond_the_system {
  static_assert(StateIndex < NumberOfStates,
                "costate::ode: an expression uses state<i> with i >= the number of equations "
                "(see the template arguments: <state index + 1, number of states>)");
  static constexpr bool value = true;
};
template <bool Ok>
struct ode_expression_contains_adjoint_symbols {
  static_assert(Ok, "costate::ode: adjoint<i> (λ) symbols belong to derived expressions, not to f");
  static constexpr bool value = true;
};

template <symbol_kind K, class Seq> struct symbols_of;
template <symbol_kind K, std::size_t... I>
struct symbols_of<K, std::index_sequence<I...>> { using type = tlist<symbol<K, I>...>; };
template <symbol_kind K, std::size_t N>
using symbols_t = typename symbols_of<K, std::make_index_sequence<N>>::type;

template <class Roots, class Seeds, class Vars> struct vjp_list;
template <class Roots, class Seeds, class... X>
struct vjp_list<Roots, Seeds, tlist<X...>> {
  using sweep = reverse_sweep<Roots, Seeds>;
  using warm = typename adjoints_parents_first<sweep, std::make_index_sequence<sweep::nodes::size>>::type;
  using type = tlist<vjp_t<Roots, Seeds, X>...>;
};

template <class Row, class Vars> struct jacobian_row;
template <class F, class... X>
struct jacobian_row<F, tlist<X...>> { using type = tlist<derivative_t<F, X>...>; };

using time_symbol = symbol<symbol_kind::time, 0>;

// f as costate evaluates it: simplified (simplification keeps every expression's shape).
template <class F> using simplified_output = simplify_t<F>;
}  // namespace detail

// A list of derived expressions, printable one per line with a label.
/// Derived expressions for printing, one per line with a label (`f0 = ...`): what `rhs(sys)` returns.
template <class Label, class... E>
struct expression_list {
  /// The number of expressions.
  static constexpr std::size_t size = sizeof...(E);
  /// One line per expression: label, index, " = ", expression.
  friend std::ostream& operator<<(std::ostream& os, expression_list) {
    std::size_t i = 0;
    ((os << (i == 0 ? "" : "\n") << Label::text << i << " = " << E{}, ++i), ...);
    return os;
  }
};

// Derived expressions with the variable each is taken with respect to: "λᵀ∂f/∂θ0 = z0*λ0".
/// Derived expressions with the variable each is taken with respect to (`λᵀ∂f/∂θ0 = z0*λ0`): what
/// `vjp_states(sys)` and `vjp_params(sys)` return, for printing.
template <class Label, class Vars, class Exprs> struct vjp_listing;
template <class Label, class... X, class... E>
struct vjp_listing<Label, detail::tlist<X...>, detail::tlist<E...>> {
  static constexpr std::size_t size = sizeof...(E);
  friend std::ostream& operator<<(std::ostream& os, vjp_listing) {
    bool first = true;
    ((os << (first ? "" : "\n") << Label::text << X{} << " = " << E{}, first = false), ...);
    return os;
  }
};

namespace detail {
// Offsets of the outputs f_0, f_1, ... in the state vector (each takes its shape's size).
template <class... F>
constexpr auto output_offsets() {
  std::array<std::size_t, sizeof...(F) + 1> off{};
  constexpr std::size_t sizes[] = {shape_of_t<F>::size..., 0};
  for (std::size_t i = 0; i < sizeof...(F); ++i) off[i + 1] = off[i] + sizes[i];
  return off;
}
template <class Seq, class... F> struct output_adjoints;
template <std::size_t... I, class... F>
struct output_adjoints<std::index_sequence<I...>, F...> {
  static constexpr auto off = output_offsets<F...>();
  using type = tlist<symbol<symbol_kind::adjoint, off[I], shape_of_t<F>>...>;
};
}  // namespace detail

template <class Sys, std::size_t K> struct bound_system;

/// An ODE system dz/dt = f(z, θ, t), made by `ode(f0, f1, ...)`.
///
/// An empty type, like its expressions: everything below is derived from the expressions' types at
/// compile time. Pass it to `solve`, `gradient` and `check_gradient`; bind runtime values of its
/// `input<k>` symbols with `with_inputs`.
template <class... F>
struct system {
  // f in simplified form: derived expressions are simplified, and the right-hand side must be made of
  // the very same node types for the evaluation plan to share them (tanh(u) in f and in its VJP).
  /// f, each output simplified (the form every derived expression shares nodes with).
  using rhs = detail::tlist<detail::simplified_output<F>...>;
  // The shapes of the outputs.
  /// The shape of each output f_i.
  using output_shapes = detail::tlist<shape_of_t<F>...>;
  // Where each output f_i goes in the state vector (f_i may be a tensor of several states).
  /// Where output f_i starts in the state vector (a tensor output takes several states).
  static constexpr auto output_offsets = detail::output_offsets<F...>();
  /// n, the number of states.
  static constexpr std::size_t states = output_offsets[sizeof...(F)];
  /// p, the size of θ: the largest parameter index f uses, plus one.
  static constexpr std::size_t params = detail::symbol_extent_v<symbol_kind::param, F...>;
  /// The number of `input<k>` values f reads (largest index plus one).
  static constexpr std::size_t inputs = detail::symbol_extent_v<symbol_kind::input, F...>;
  /// Whether f does not depend on t (then λᵀ∂f/∂t is 0 and g_t is not integrated).
  static constexpr bool autonomous = !(detail::occurs<detail::time_symbol, F>::value || ...);
  /// Whether every output is a scalar.
  static constexpr bool scalar = ((shape_of_t<F>::rank == 0) && ...);

  static_assert(detail::ode_uses_a_state_index_beyond_the_system<
                detail::symbol_extent_v<symbol_kind::state, F...> == 0 ? 0 : detail::symbol_extent_v<symbol_kind::state, F...> - 1,
                states>::value);
  static_assert(detail::ode_expression_contains_adjoint_symbols<
                detail::symbol_extent_v<symbol_kind::adjoint, F...> == 0>::value);

  // λ_i for output i: an adjoint symbol of f_i's shape at f_i's offset.
  /// λ_i for each output, with the output's shape and offset.
  using adjoint_symbols = typename detail::output_adjoints<std::index_sequence_for<F...>, F...>::type;
  // The state and parameter symbols f uses (scalar or blocks), sorted by offset: VJPs are taken with
  // respect to each and added into λ and g_θ at its offset.
  /// The state symbols (scalars or blocks) f uses, by offset.
  using state_leaves = detail::leaves_t<symbol_kind::state, detail::simplified_output<F>...>;
  /// The parameter symbols (scalars or blocks) f uses, by offset.
  using param_leaves = detail::leaves_t<symbol_kind::param, detail::simplified_output<F>...>;

  /// λᵀ∂f/∂z, one derived expression per entry of state_leaves.
  using vjp_state = typename detail::vjp_list<rhs, adjoint_symbols, state_leaves>::type;
  /// λᵀ∂f/∂θ, one derived expression per entry of param_leaves.
  using vjp_param = typename detail::vjp_list<rhs, adjoint_symbols, param_leaves>::type;
  /// λᵀ∂f/∂t (the constant 0 for an autonomous system).
  using vjp_time = vjp_t<rhs, adjoint_symbols, detail::time_symbol>;
  // ∂f_i/∂z_j for scalar systems (for stiff steppers).
  /// `state<0>` ... `state<n-1>`, the variables of the Jacobian's columns.
  using state_symbols = detail::symbols_t<symbol_kind::state, states>;
  /// Row I of the Jacobian, ∂f_I/∂z_j for every j (scalar systems; used by the stiff steppers).
  template <std::size_t I>
  using jacobian_row = typename detail::jacobian_row<typename detail::at<I, rhs>::type, state_symbols>::type;

  // Binds runtime values to the system's input<k> symbols (data, forcing, fixed coefficients).
  // (More values than f uses are allowed: a loss may use inputs f does not, such as targets.)
  /// The system with runtime values for its `input<k>` symbols (data, forcing, fixed coefficients).
  /// At least one value per input f uses; more are allowed (a loss may read inputs f does not).
  template <std::size_t K>
  constexpr bound_system<system, K> with_inputs(const std::array<double, K>& values) const;
};

// A system together with the values of its inputs; solve/gradient accept it wherever a system goes.
/// A system together with the values of its `input<k>` symbols; solve, gradient and check_gradient take it wherever a system goes.
template <class Sys, std::size_t K>
struct bound_system {
  /// The number of values bound.
  static constexpr std::size_t inputs_bound = K;
  /// The values, `input<k>` reading `inputs[k]`.
  std::array<double, K> inputs{};
};

/// A compile error names the mistake when fewer values than inputs are given.
template <class... F>
template <std::size_t K>
constexpr bound_system<system<F...>, K> system<F...>::with_inputs(const std::array<double, K>& values) const {
  static_assert(K >= inputs, "costate::system::with_inputs: give a value for every input<k> symbol of the system");
  return {values};
}

namespace detail {
template <class T> struct is_system : std::false_type {};
template <class... F> struct is_system<system<F...>> : std::true_type {};
}  // namespace detail

/// A system made by `ode(...)`.
template <class S>
concept System = detail::is_system<std::remove_cvref_t<S>>::value;

namespace detail {
template <class S> struct is_bound : std::false_type {};
template <class S, std::size_t K> struct is_bound<bound_system<S, K>> : std::true_type {};
template <class S> struct system_type { using type = S; };
template <class S, std::size_t K> struct system_type<bound_system<S, K>> { using type = S; };
template <class S> inline constexpr std::size_t inputs_bound_v = 0;
template <class S, std::size_t K> inline constexpr std::size_t inputs_bound_v<bound_system<S, K>> = K;
}  // namespace detail

// A system from a generated header (system/generated.hpp).
/// A system from a generated header (system/generated.hpp).
template <class G> struct generated_system;
namespace detail {
template <class T> struct is_generated_system : std::false_type {};
template <class G> struct is_generated_system<generated_system<G>> : std::true_type {};
}  // namespace detail

// A system, a system with its inputs bound, or a generated one: what solve, gradient and
// check_gradient take.
/// What solve, gradient and check_gradient take: a system, a system with its inputs bound, or a generated system.
template <class S>
concept SystemLike = System<S> || detail::is_bound<std::remove_cvref_t<S>>::value ||
                     detail::is_generated_system<std::remove_cvref_t<S>>::value;

/// The system type behind a system, a bound system or a generated one.
template <class S> using system_of_t = typename detail::system_type<std::remove_cvref_t<S>>::type;

namespace detail {
template <class S>
const double* input_values(const S& s) {
  using Sys = system_of_t<S>;
  if constexpr (is_bound<S>::value) {
    return s.inputs.empty() ? nullptr : s.inputs.data();
  } else {
    static_assert(Sys::inputs == 0,
                  "costate: this system uses input<k> symbols: bind their values with sys.with_inputs(std::array{...})");
    return nullptr;
  }
}
}  // namespace detail

// The system dz_i/dt = f_i: one expression per state, in state order.
/// The system dz_i/dt = f_i: one expression per output, in state order.
///
///     constexpr auto lotka_volterra = ode(a*x - b*x*y, -c*y + d*x*y);
///
/// A tensor expression (a `state_vector<n>` in, a vector out) is n outputs at once. The sizes of z and θ
/// follow from the largest state and parameter indices. Mistakes stop the compilation with a
/// diagnostic that names them: a state index beyond the system, λ symbols in f, a plain double.
template <Expr... F>
constexpr system<std::remove_cvref_t<F>...> ode(F...) {
  static_assert(sizeof...(F) > 0, "costate::ode: a system needs at least one equation");
  return {};
}

namespace detail {
// Position (from 1) of the first argument that is not an expression, for the diagnostic's name.
template <class... F>
constexpr std::size_t first_non_expression() {
  std::size_t i = 0;
  (void)((++i, !Expr<std::remove_cvref_t<F>>) || ...);
  return i;
}
template <std::size_t Argument, class Type>
constexpr void ode_argument_is_not_an_expression() {
  static_assert(dependent_false<Type>,
                "costate::ode: every argument must be an expression (of state<i>, param<k>, t, literals such "
                "as 0.5_c, and operations); a plain number such as 0.5 is not one: write 0.5_c "
                "(see the template arguments: <argument position from 1, its type>)");
}
}  // namespace detail

/// Rejects an argument that is not an expression at compile time, naming its position and type
/// (`ode(x, 0.5)`: a plain number is not an expression; write `0.5_c`).
// Without this overload, ode(x, 0.5) would only say that the constraints of ode are not satisfied.
// The deduced return type puts the static_assert at the call, as the first error.
template <class... F>
  requires(!(Expr<std::remove_cvref_t<F>> && ...))
constexpr auto ode(F...) {
  detail::ode_argument_is_not_an_expression<detail::first_non_expression<F...>(),
                                            std::tuple_element_t<detail::first_non_expression<F...>() - 1, std::tuple<F...>>>();
  return 0;
}

namespace detail {
struct label_vjp { static constexpr const char* text = "λᵀ∂f/∂"; };
struct label_rhs { static constexpr const char* text = "f"; };
template <class Label, class List> struct to_expression_list;
template <class Label, class... E>
struct to_expression_list<Label, tlist<E...>> { using type = expression_list<Label, E...>; };
}  // namespace detail

// The formulas as costate evaluates them (f simplified; its VJPs derived), for printing: `std::cout << vjp_params(sys)`.
/// f as costate evaluates it (simplified), printable: `std::cout << rhs(sys)`.
template <class... F> constexpr auto rhs(system<F...>) {
  return typename detail::to_expression_list<detail::label_rhs, typename system<F...>::rhs>::type{};
}
/// The derived λᵀ∂f/∂z, printable: `std::cout << vjp_states(sys)`.
template <class... F> constexpr auto vjp_states(system<F...>) {
  using S = system<F...>;
  return vjp_listing<detail::label_vjp, typename S::state_leaves, typename S::vjp_state>{};
}
/// The derived λᵀ∂f/∂θ, printable: `std::cout << vjp_params(sys)` prints `λᵀ∂f/∂θ0 = z0*λ0` ...
template <class... F> constexpr auto vjp_params(system<F...>) {
  using S = system<F...>;
  return vjp_listing<detail::label_vjp, typename S::param_leaves, typename S::vjp_param>{};
}
/// The derived λᵀ∂f/∂t, an expression (0 for an autonomous system).
template <class... F> constexpr auto vjp_time(system<F...>) { return typename system<F...>::vjp_time{}; }

// For `using namespace costate::prelude` (costate/prelude.hpp).
namespace prelude {
using costate::ode;
using costate::rhs;
using costate::vjp_params;
using costate::vjp_states;
using costate::vjp_time;
}  // namespace prelude
}  // namespace costate
