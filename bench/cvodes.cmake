# SUNDIALS CVODES peer (bench/cvodes.cpp): the gradients of the benchmark problems by CVODES's adjoint
# sensitivity analysis with hand-coded derivatives. Included from bench/CMakeLists.txt; builds
# bench_cvodes only when CVODES is found (Debian: libsundials-dev).
#
# SUNDIALS's CMake package (SUNDIALSConfig.cmake) provides imported targets; where it is missing or
# lacks one of them (older SUNDIALS, other packagings), the headers and libraries are looked up
# directly. libsundials_cvodes itself contains the serial N_Vector, the dense matrix and linear solver
# and the fixed-point nonlinear solver, but the modules are linked explicitly, as SUNDIALS documents,
# so that nothing depends on what a given build bundles.

set(_costate_cvodes_libs "")

find_package(SUNDIALS CONFIG QUIET)
set(_costate_cvodes_targets SUNDIALS::cvodes_shared SUNDIALS::nvecserial_shared SUNDIALS::sunmatrixdense_shared
    SUNDIALS::sunlinsoldense_shared SUNDIALS::sunnonlinsolfixedpoint_shared)
if(SUNDIALS_FOUND)
  set(_costate_cvodes_libs ${_costate_cvodes_targets})
  foreach(_t IN LISTS _costate_cvodes_targets)
    if(NOT TARGET ${_t})
      set(_costate_cvodes_libs "")
    endif()
  endforeach()
endif()

if(NOT _costate_cvodes_libs)
  find_path(COSTATE_CVODES_INCLUDE_DIR cvodes/cvodes.h)
  set(_costate_cvodes_found TRUE)
  foreach(_lib sundials_cvodes sundials_nvecserial sundials_sunmatrixdense sundials_sunlinsoldense
               sundials_sunnonlinsolfixedpoint)
    find_library(COSTATE_CVODES_LIB_${_lib} ${_lib})
    if(COSTATE_CVODES_LIB_${_lib})
      list(APPEND _costate_cvodes_libs ${COSTATE_CVODES_LIB_${_lib}})
    else()
      set(_costate_cvodes_found FALSE)
    endif()
  endforeach()
  if(NOT COSTATE_CVODES_INCLUDE_DIR OR NOT _costate_cvodes_found)
    set(_costate_cvodes_libs "")
  endif()
endif()

if(NOT _costate_cvodes_libs)
  message(STATUS "SUNDIALS CVODES not found: bench_cvodes is not built (Debian: apt-get install libsundials-dev)")
else()
  add_executable(bench_cvodes cvodes.cpp)
  target_link_libraries(bench_cvodes PRIVATE costate::costate benchmark::benchmark ${_costate_cvodes_libs})
  if(COSTATE_CVODES_INCLUDE_DIR)
    target_include_directories(bench_cvodes PRIVATE ${COSTATE_CVODES_INCLUDE_DIR})
  endif()
  target_compile_options(bench_cvodes PRIVATE -O2 -Wall -Wextra)

  # SUNDIALS' cvsAdvDiff_ASAi_bnd (bench/advection_diffusion.cpp) and the stiff reaction–diffusion
  # gradient (bench/stiff_pde.cpp) need CVODES' banded matrix and solver too.
  set(_costate_band_libs "")
  if(TARGET SUNDIALS::sunmatrixband_shared AND TARGET SUNDIALS::sunlinsolband_shared)
    set(_costate_band_libs SUNDIALS::sunmatrixband_shared SUNDIALS::sunlinsolband_shared)
  else()
    find_library(COSTATE_CVODES_LIB_sunmatrixband sundials_sunmatrixband)
    find_library(COSTATE_CVODES_LIB_sunlinsolband sundials_sunlinsolband)
    if(COSTATE_CVODES_LIB_sunmatrixband AND COSTATE_CVODES_LIB_sunlinsolband)
      set(_costate_band_libs ${COSTATE_CVODES_LIB_sunmatrixband} ${COSTATE_CVODES_LIB_sunlinsolband})
    endif()
  endif()
  if(_costate_band_libs)
    add_executable(bench_advection_diffusion advection_diffusion.cpp)
    target_link_libraries(bench_advection_diffusion PRIVATE costate::costate benchmark::benchmark ${_costate_cvodes_libs}
                                                            ${_costate_band_libs})
    if(COSTATE_CVODES_INCLUDE_DIR)
      target_include_directories(bench_advection_diffusion PRIVATE ${COSTATE_CVODES_INCLUDE_DIR})
    endif()
    target_compile_options(bench_advection_diffusion PRIVATE -O2 -Wall -Wextra)
  else()
    message(STATUS "SUNDIALS' banded solver not found: bench_advection_diffusion is not built")
  endif()
  find_package(Eigen3 3.3 QUIET NO_MODULE)
  if(_costate_band_libs AND TARGET Eigen3::Eigen)
    add_executable(bench_stiff_pde stiff_pde.cpp)
    target_link_libraries(bench_stiff_pde PRIVATE costate::costate Eigen3::Eigen ${_costate_cvodes_libs} ${_costate_band_libs})
    if(COSTATE_CVODES_INCLUDE_DIR)
      target_include_directories(bench_stiff_pde PRIVATE ${COSTATE_CVODES_INCLUDE_DIR})
    endif()
    target_compile_options(bench_stiff_pde PRIVATE -O2 -Wall -Wextra)
    # The 2-D one (bench/stiff_pde_2d.cpp): a 32×32 Brusselator written with the grid operations.
    add_executable(bench_stiff_pde_2d stiff_pde_2d.cpp)
    target_link_libraries(bench_stiff_pde_2d PRIVATE costate::costate Eigen3::Eigen ${_costate_cvodes_libs} ${_costate_band_libs})
    if(COSTATE_CVODES_INCLUDE_DIR)
      target_include_directories(bench_stiff_pde_2d PRIVATE ${COSTATE_CVODES_INCLUDE_DIR})
    endif()
    target_compile_options(bench_stiff_pde_2d PRIVATE -O2 -Wall -Wextra)
    # The same with costate's banded LU however wide its band (no SparseLU), for comparison.
    add_executable(bench_stiff_pde_2d_band stiff_pde_2d.cpp)
    target_link_libraries(bench_stiff_pde_2d_band PRIVATE costate::costate ${_costate_cvodes_libs} ${_costate_band_libs})
    if(COSTATE_CVODES_INCLUDE_DIR)
      target_include_directories(bench_stiff_pde_2d_band PRIVATE ${COSTATE_CVODES_INCLUDE_DIR})
    endif()
    target_compile_definitions(bench_stiff_pde_2d_band PRIVATE COSTATE_BENCH_BAND_ONLY)
    target_compile_options(bench_stiff_pde_2d_band PRIVATE -O2 -Wall -Wextra)
  else()
    message(STATUS "SUNDIALS' band solver or Eigen not found: bench_stiff_pde and bench_stiff_pde_2d are not built")
  endif()
  unset(_costate_band_libs)
endif()

unset(_costate_cvodes_libs)
unset(_costate_cvodes_targets)
unset(_costate_cvodes_found)
