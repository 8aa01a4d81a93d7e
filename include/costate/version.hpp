// costate's version, the same as its CMake package's (find_package(costate 0.1)); CMakeLists.txt
// stops with an error when the two differ. (library_version rather than version: a user's own
// `version` stays unambiguous under `using namespace costate`.)
/// \file
/// The library's version, the same as its CMake package's (`find_package(costate 0.1)`).
#pragma once

/// Major version: incompatible changes.
#define COSTATE_VERSION_MAJOR 0
/// Minor version: additions (the CMake package is compatible within one minor version).
#define COSTATE_VERSION_MINOR 1
/// Patch version: fixes.
#define COSTATE_VERSION_PATCH 0
// major·10000 + minor·100 + patch, for #if COSTATE_VERSION >= 100
/// The version as one number, major·10000 + minor·100 + patch: `#if COSTATE_VERSION >= 100`.
#define COSTATE_VERSION (COSTATE_VERSION_MAJOR * 10000 + COSTATE_VERSION_MINOR * 100 + COSTATE_VERSION_PATCH)

/// Everything costate offers: symbols and expressions, `ode`, losses, `solve`, `gradient`,
/// `check_gradient`, `generate_header`. Internals live in `costate::detail`.
namespace costate {
/// A version: major, minor, patch.
struct version_number {
  /// \var costate::version_number::major
  /// Major version.
  ///
  /// \var costate::version_number::minor
  /// Minor version.
  ///
  /// \var costate::version_number::patch
  /// Patch version.
  int major, minor, patch;
};
/// The version of the headers in use, for run-time checks and reports.
inline constexpr version_number library_version{COSTATE_VERSION_MAJOR, COSTATE_VERSION_MINOR, COSTATE_VERSION_PATCH};
}  // namespace costate
