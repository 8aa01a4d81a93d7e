# Installs costate into a fresh prefix, then configures, builds and runs the consumer project
# against that prefix only. Called by CTest with SOURCE_DIR, WORK_DIR, CXX and VERSION (the project's).
file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${WORK_DIR}/lib -DCMAKE_CXX_COMPILER=${CXX}
    -DCOSTATE_BUILD_TESTS=OFF -DCOSTATE_BUILD_EXAMPLES=OFF -DCOSTATE_BUILD_BENCHMARKS=OFF
    -DCMAKE_INSTALL_PREFIX=${prefix})
run(${CMAKE_COMMAND} --install ${WORK_DIR}/lib)
# The license goes with the headers.
file(READ ${SOURCE_DIR}/LICENSE license)
set(installed_license ${prefix}/share/doc/costate/LICENSE)
if(NOT EXISTS ${installed_license})
  message(FATAL_ERROR "the install has no share/doc/costate/LICENSE")
endif()
file(READ ${installed_license} installed)
if(NOT installed STREQUAL license)
  message(FATAL_ERROR "${installed_license} differs from ${SOURCE_DIR}/LICENSE")
endif()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR}/consumer -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_BUILD_TYPE=Release -DCOSTATE_EXPECTED_VERSION=${VERSION})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/consumer)
run(${WORK_DIR}/consumer/consumer)
run(${WORK_DIR}/consumer/use_generated)
message(STATUS "find_package(costate) from ${prefix}: ok")
