# ADOL-C peer (bench_adolc, bench/adolc.cpp), included from bench/CMakeLists.txt: built only when
# pkg-config finds ADOL-C (Debian: libadolc-dev).
#
# The target links libadolc itself rather than pkg-config's Libs line or the PkgConfig::ADOLC target:
# Debian's adolc.pc also lists -lboost_system, which libadolc.so does not depend on (ldd: no Boost;
# its Boost.Pool use is header-only, in the tapeless adtl.h this benchmark does not include) and which
# libadolc-dev does not install, so linking it would fail for nothing.
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(ADOLC QUIET IMPORTED_TARGET adolc)
endif()
if(NOT ADOLC_FOUND)
  message(STATUS "ADOL-C not found (pkg-config adolc): bench_adolc is not built")
  return()
endif()

find_library(COSTATE_ADOLC_LIBRARY NAMES adolc HINTS ${ADOLC_LIBRARY_DIRS})
if(NOT COSTATE_ADOLC_LIBRARY)
  message(STATUS "ADOL-C ${ADOLC_VERSION} found by pkg-config, but not libadolc itself: bench_adolc is not built")
  return()
endif()

# ADOL-C against costate: taped VJPs in the continuous adjoint, and the whole RK4 solve on a tape.
# `bench_adolc --memory N` prints the peak memory of one taped RK4 gradient with N steps.
add_executable(bench_adolc adolc.cpp)
target_include_directories(bench_adolc SYSTEM PRIVATE ${ADOLC_INCLUDE_DIRS})
target_link_libraries(bench_adolc PRIVATE costate::costate benchmark::benchmark ${COSTATE_ADOLC_LIBRARY})
target_compile_options(bench_adolc PRIVATE -O2 -Wall -Wextra)
