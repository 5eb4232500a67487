# Writes OUT, the git description of the sources in SRC (`git describe --always --dirty
# --tags`), "unknown" when SRC is not a git checkout or git is missing. Run at every build
# (the ddpg_build_info target); configure_file rewrites OUT only when the text changes, so
# only src/version.c recompiles, and only after a commit or a change of the tree's state.
find_package(Git QUIET)
set(DDPG_GIT_DESCRIBE "unknown")
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SRC} describe --always --dirty --tags
                  OUTPUT_VARIABLE _desc RESULT_VARIABLE _rc ERROR_QUIET
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(_rc EQUAL 0 AND NOT _desc STREQUAL "")
    set(DDPG_GIT_DESCRIBE "${_desc}")
  endif()
endif()
file(WRITE ${OUT}.tmp "/* generated at build time by cmake/build_info.cmake: do not edit */\n"
     "#define DDPG_GIT_DESCRIBE \"${DDPG_GIT_DESCRIBE}\"\n")
configure_file(${OUT}.tmp ${OUT} COPYONLY)
