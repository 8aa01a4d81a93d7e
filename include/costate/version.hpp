// costate's version, the same as its CMake package's (find_package(costate 0.1)); CMakeLists.txt
// stops with an error when the two differ. (library_version rather than version: a user's own
// `version` stays unambiguous under `using namespace costate`.)
#pragma once

#define COSTATE_VERSION_MAJOR 0
#define COSTATE_VERSION_MINOR 1
#define COSTATE_VERSION_PATCH 0
// major·10000 + minor·100 + patch, for #if COSTATE_VERSION >= 100
#define COSTATE_VERSION (COSTATE_VERSION_MAJOR * 10000 + COSTATE_VERSION_MINOR * 100 + COSTATE_VERSION_PATCH)

namespace costate {
struct version_number {
  int major, minor, patch;
};
inline constexpr version_number library_version{COSTATE_VERSION_MAJOR, COSTATE_VERSION_MINOR, COSTATE_VERSION_PATCH};
}  // namespace costate
