# Configures, builds and runs the consumer project with costate's source tree as a subdirectory
# (add_subdirectory), as the README shows. Called by CTest with SOURCE_DIR, WORK_DIR and CXX.
file(REMOVE_RECURSE ${WORK_DIR})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/consumer -B ${WORK_DIR} -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=Release -DCOSTATE_SOURCE_DIR=${SOURCE_DIR})
# Below the top level, costate builds none of its own tests, examples or benchmarks.
file(STRINGS ${WORK_DIR}/CMakeCache.txt options REGEX "^COSTATE_BUILD_(TESTS|EXAMPLES|BENCHMARKS):BOOL=ON")
if(options)
  message(FATAL_ERROR "add_subdirectory(costate) turned on: ${options}")
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR})
run(${WORK_DIR}/consumer)
run(${WORK_DIR}/use_generated)
message(STATUS "add_subdirectory(costate): ok")
