# Compiles and runs the first ```cpp block after the heading HEADING in DOC (a Markdown file), so
# that the code a reader copies is code that builds warning-free and works. Fails unless the
# program's output matches every regular expression EXPECT0, EXPECT1, ... given.
# Called by CTest with DOC, HEADING, CXX, INCLUDE (costate's include directory), WORK, EXPECT<i> and
# optionally WITH_STD.
file(READ ${DOC} text)
string(FIND "${text}" "${HEADING}\n" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DOC} has no heading '${HEADING}'")
endif()
string(SUBSTRING "${text}" ${at} -1 text)
string(FIND "${text}" "```cpp\n" begin)
if(begin EQUAL -1)
  message(FATAL_ERROR "${DOC}: no ```cpp block after '${HEADING}'")
endif()
math(EXPR begin "${begin} + 7")
string(SUBSTRING "${text}" ${begin} -1 text)
string(FIND "${text}" "\n```" end)
string(SUBSTRING "${text}" 0 ${end} code)
file(MAKE_DIRECTORY ${WORK})
file(WRITE ${WORK}/snippet.cpp "${code}\n")
execute_process(COMMAND ${CXX} -std=c++20 -O1 -Wall -Wextra -Wpedantic -Werror -I${INCLUDE} ${WORK}/snippet.cpp
                        -o ${WORK}/snippet
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the code under '${HEADING}' in ${DOC} does not compile (${WORK}/snippet.cpp)")
endif()
# With WITH_STD, the snippet must also compile with `using namespace std;` beside its
# `using namespace costate::prelude;`, as a user's program often has it.
if(WITH_STD)
  string(FIND "${code}" "using namespace costate::prelude;" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the code under '${HEADING}' in ${DOC} does not say `using namespace costate::prelude;`")
  endif()
  string(REPLACE "using namespace costate::prelude;" "using namespace std;\nusing namespace costate::prelude;" with_std "${code}")
  file(WRITE ${WORK}/snippet_with_std.cpp "${with_std}\n")
  execute_process(COMMAND ${CXX} -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror -I${INCLUDE}
                          ${WORK}/snippet_with_std.cpp RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "the code under '${HEADING}' in ${DOC} does not compile after `using namespace std;` (${WORK}/snippet_with_std.cpp)")
  endif()
endif()
execute_process(COMMAND ${WORK}/snippet OUTPUT_VARIABLE out RESULT_VARIABLE rc)
message("${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the program under '${HEADING}' in ${DOC} failed (${rc})")
endif()
foreach(i RANGE 9)
  if(DEFINED EXPECT${i} AND NOT out MATCHES "${EXPECT${i}}")
    message(FATAL_ERROR "the output of the program under '${HEADING}' in ${DOC} does not match '${EXPECT${i}}'")
  endif()
endforeach()
