# One compile-fail test: SRC must fail to compile, the first error line must be costate's own
# diagnostic (a static_assert naming the mistake, not a follow-on error from deep inside a
# template), and the whole output must contain REGEX.
execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -I${INC} ${SRC}
                RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(result EQUAL 0)
  message(FATAL_ERROR "${SRC} compiled, but must not")
endif()
string(REGEX MATCH "[^\n]*error:[^\n]*" first "${out}")
if(NOT first MATCHES "static assertion failed[^\n]*costate")
  message(FATAL_ERROR "the first error is not costate's diagnostic:\n${first}\n\n${out}")
endif()
if(NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "the diagnostic does not contain '${REGEX}':\n${out}")
endif()
