# costate_generate(TARGET t GENERATOR g OUTPUT file.hpp): runs the executable target g at build time
# as `g file.hpp` (a program that writes costate::generate_header(...) there) and lets t include
# the header by its file name. The generated header needs nothing but the standard library.
function(costate_generate)
  cmake_parse_arguments(G "" "TARGET;GENERATOR;OUTPUT" "" ${ARGN})
  if(NOT G_TARGET OR NOT G_GENERATOR OR NOT G_OUTPUT)
    message(FATAL_ERROR "costate_generate: TARGET, GENERATOR and OUTPUT are required")
  endif()
  add_custom_command(OUTPUT ${G_OUTPUT} COMMAND ${G_GENERATOR} ${G_OUTPUT} DEPENDS ${G_GENERATOR}
                     COMMENT "costate: generating ${G_OUTPUT}" VERBATIM)
  target_sources(${G_TARGET} PRIVATE ${G_OUTPUT})
  get_filename_component(dir ${G_OUTPUT} DIRECTORY)
  file(MAKE_DIRECTORY ${dir})
  target_include_directories(${G_TARGET} PRIVATE ${dir})
endfunction()
