# Dependencies.cmake - Eigen, stb, OpenMP, GoogleTest and Google Benchmark.
#
# On Debian they come from packages (libeigen3-dev, libstb-dev, libgtest-dev,
# libbenchmark-dev; scripts/setup-debian.sh installs them). A machine without
# them (the GPU machine) passes -DUPRES_DEPS_DIR=folder holding eigen/, stb/ and
# googletest/ source trees (scripts/vendor-deps.sh fills one from this machine).
# Every dependency is folded into the interface target `upres_deps`.

add_library(upres_deps INTERFACE)

# Eigen (header only): the CPU GEMM behind convolutions.
find_package(Eigen3 3.3 QUIET NO_MODULE)
if(TARGET Eigen3::Eigen)
  target_link_libraries(upres_deps INTERFACE Eigen3::Eigen)
elseif(UPRES_DEPS_DIR AND EXISTS ${UPRES_DEPS_DIR}/eigen/Eigen/Core)
  target_include_directories(upres_deps SYSTEM INTERFACE ${UPRES_DEPS_DIR}/eigen)
else()
  message(FATAL_ERROR "Eigen not found: install libeigen3-dev (scripts/setup-debian.sh) "
                      "or pass -DUPRES_DEPS_DIR=<folder with eigen/>")
endif()

# stb (header only): image files.
find_path(UPRES_STB_INCLUDE stb_image.h PATHS ${UPRES_DEPS_DIR}/stb /usr/include/stb NO_DEFAULT_PATH)
if(NOT UPRES_STB_INCLUDE)
  message(FATAL_ERROR "stb_image.h not found: install libstb-dev or pass -DUPRES_DEPS_DIR=<folder with stb/>")
endif()
target_include_directories(upres_deps SYSTEM INTERFACE ${UPRES_STB_INCLUDE})

# OpenMP: threads for the CPU kernels (optional; without it they run on one thread).
find_package(OpenMP)
if(OpenMP_CXX_FOUND)
  target_link_libraries(upres_deps INTERFACE OpenMP::OpenMP_CXX)
endif()

# Threads: the training loader thread.
find_package(Threads REQUIRED)
target_link_libraries(upres_deps INTERFACE Threads::Threads)

if(UPRES_BUILD_TESTS)
  find_package(GTest QUIET)
  if(NOT TARGET GTest::gtest_main)
    set(_gtest_src "")
    foreach(d ${UPRES_DEPS_DIR}/googletest /usr/src/googletest)
      if(EXISTS ${d}/CMakeLists.txt AND NOT _gtest_src)
        set(_gtest_src ${d})
      endif()
    endforeach()
    if(NOT _gtest_src)
      message(FATAL_ERROR "GoogleTest not found: install libgtest-dev or pass -DUPRES_DEPS_DIR")
    endif()
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    add_subdirectory(${_gtest_src} ${CMAKE_BINARY_DIR}/_deps/googletest EXCLUDE_FROM_ALL)
    add_library(GTest::gtest_main ALIAS gtest_main)
    add_library(GTest::gtest ALIAS gtest)
  endif()
endif()

if(UPRES_BUILD_BENCH)
  find_package(benchmark QUIET)
  if(NOT TARGET benchmark::benchmark)
    message(STATUS "Google Benchmark not found: bench/ is skipped (install libbenchmark-dev)")
    set(UPRES_BUILD_BENCH OFF)
  endif()
endif()
