# install_test.cmake - the ctest test `api.install` (label install): the installed
# package works without the source tree's headers.
#   1. cmake --install this build into a temporary prefix;
#   2. configure examples/ in a separate folder with CMAKE_PREFIX_PATH=prefix,
#      build the C++ (shared and static) and C examples;
#   3. run each on samples/sample.png, and the installed `upres upscale` on it;
#      the four PNG files must be equal byte for byte.
# Included from tests/CMakeLists.txt; the script part runs under `cmake -P`.
# Not in sanitizer builds: the installed libraries would need the sanitizer runtimes.
if(NOT CMAKE_SCRIPT_MODE_FILE)
  if(UPRES_SANITIZE)
    return()
  endif()
  add_test(NAME api.install
    COMMAND ${CMAKE_COMMAND} -DBUILD_DIR=${CMAKE_BINARY_DIR} -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
            -DWORK_DIR=${CMAKE_BINARY_DIR}/install_test -DGENERATOR=${CMAKE_GENERATOR}
            -DCXX=${CMAKE_CXX_COMPILER}
            -P ${CMAKE_CURRENT_LIST_DIR}/install_test.cmake)
  set_tests_properties(api.install PROPERTIES LABELS "install;api" TIMEOUT 600)
  return()
endif()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  message(STATUS "ok: ${ARGN}")
endfunction()

set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
foreach(f bin/upres include/upres/upres.hpp include/upres/upres.h lib/libupres.a lib/libupres.so
          lib/cmake/upres/upresConfig.cmake lib/pkgconfig/upres.pc share/upres/models/espcn_x2.safetensors)
  if(NOT EXISTS ${prefix}/${f})
    message(FATAL_ERROR "not installed: ${prefix}/${f}")
  endif()
endforeach()

# The examples see the install only: a copy outside the source tree, no other include path.
file(COPY ${SOURCE_DIR}/examples/ DESTINATION ${WORK_DIR}/examples)
set(gen_args)
if(GENERATOR)
  set(gen_args -G ${GENERATOR})
endif()
run(${CMAKE_COMMAND} -S ${WORK_DIR}/examples -B ${WORK_DIR}/build ${gen_args} -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX})
run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)

set(in ${SOURCE_DIR}/samples/sample.png)
run(${prefix}/bin/upres upscale -i ${in} -o ${WORK_DIR}/tool.png)
foreach(ex upscale_cpp upscale_c upscale_cpp_static)
  run(${WORK_DIR}/build/${ex} ${in} ${WORK_DIR}/${ex}.png)
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/tool.png ${WORK_DIR}/${ex}.png RESULT_VARIABLE diff)
  if(NOT diff EQUAL 0)
    message(FATAL_ERROR "${ex}'s output differs from `upres upscale`'s")
  endif()
endforeach()
file(REMOVE_RECURSE ${WORK_DIR})
message(STATUS "install test passed")
