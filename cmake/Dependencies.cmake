# Dependencies.cmake - Eigen, stb, OpenMP, GoogleTest and Google Benchmark.
#
# On Debian they come from packages (libeigen3-dev, libstb-dev, libgtest-dev,
# libbenchmark-dev; scripts/setup-debian.sh installs them). A machine without
# them (the GPU machine) passes -DUPRES_DEPS_DIR=folder holding eigen/, stb/ and
# googletest/ source trees, and benchmark/ (Debian's shared library and headers);
# scripts/vendor-deps.sh fills .deps/ from this machine.
# -DUPRES_DEPS_ONLY=ON ignores the system packages altogether, so a Debian
# machine can check that a build from UPRES_DEPS_DIR alone works.
# Every dependency is folded into the interface target `upres_deps`.

option(UPRES_DEPS_ONLY "Take Eigen, stb and GoogleTest only from UPRES_DEPS_DIR" OFF)
option(UPRES_OPENMP "Use OpenMP threads in the CPU kernels (turn off for ThreadSanitizer)" ON)
if(UPRES_DEPS_ONLY AND NOT UPRES_DEPS_DIR)
  message(FATAL_ERROR "UPRES_DEPS_ONLY=ON needs -DUPRES_DEPS_DIR=<folder> (scripts/vendor-deps.sh)")
endif()
if(UPRES_DEPS_DIR)
  get_filename_component(UPRES_DEPS_DIR "${UPRES_DEPS_DIR}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
endif()

add_library(upres_deps INTERFACE)

# Eigen (header only): the CPU GEMM behind convolutions.
if(NOT UPRES_DEPS_ONLY)
  find_package(Eigen3 3.3 QUIET NO_MODULE)
endif()
if(TARGET Eigen3::Eigen)
  target_link_libraries(upres_deps INTERFACE Eigen3::Eigen)
  message(STATUS "upres: Eigen ${Eigen3_VERSION} from the system")
elseif(UPRES_DEPS_DIR AND EXISTS ${UPRES_DEPS_DIR}/eigen/Eigen/Core)
  target_include_directories(upres_deps SYSTEM INTERFACE ${UPRES_DEPS_DIR}/eigen)
  message(STATUS "upres: Eigen from ${UPRES_DEPS_DIR}/eigen")
else()
  message(FATAL_ERROR "Eigen not found: install libeigen3-dev (scripts/setup-debian.sh) "
                      "or pass -DUPRES_DEPS_DIR=<folder with eigen/>")
endif()

# stb (header only): image files.
set(_stb_paths ${UPRES_DEPS_DIR}/stb)
if(NOT UPRES_DEPS_ONLY)
  list(APPEND _stb_paths /usr/include/stb)
endif()
find_path(UPRES_STB_INCLUDE stb_image.h PATHS ${_stb_paths} NO_DEFAULT_PATH)
if(NOT UPRES_STB_INCLUDE)
  message(FATAL_ERROR "stb_image.h not found: install libstb-dev or pass -DUPRES_DEPS_DIR=<folder with stb/>")
endif()
target_include_directories(upres_deps SYSTEM INTERFACE ${UPRES_STB_INCLUDE})
message(STATUS "upres: stb from ${UPRES_STB_INCLUDE}")

# OpenMP: threads for the CPU kernels (optional; without it they run on one thread).
if(UPRES_OPENMP)
  find_package(OpenMP)
  if(OpenMP_CXX_FOUND)
    target_link_libraries(upres_deps INTERFACE OpenMP::OpenMP_CXX)
  endif()
endif()

# Threads: the training loader thread.
find_package(Threads REQUIRED)
target_link_libraries(upres_deps INTERFACE Threads::Threads)

if(UPRES_BUILD_TESTS)
  if(NOT UPRES_DEPS_ONLY)
    find_package(GTest QUIET)
  endif()
  if(NOT TARGET GTest::gtest_main)
    set(_gtest_src "")
    set(_gtest_candidates ${UPRES_DEPS_DIR}/googletest)
    if(NOT UPRES_DEPS_ONLY)
      list(APPEND _gtest_candidates /usr/src/googletest)
    endif()
    foreach(d ${_gtest_candidates})
      if(EXISTS ${d}/CMakeLists.txt AND NOT _gtest_src)
        set(_gtest_src ${d})
      endif()
    endforeach()
    if(NOT _gtest_src)
      message(FATAL_ERROR "GoogleTest not found: install libgtest-dev or pass -DUPRES_DEPS_DIR")
    endif()
    message(STATUS "upres: GoogleTest built from ${_gtest_src}")
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    add_subdirectory(${_gtest_src} ${CMAKE_BINARY_DIR}/_deps/googletest EXCLUDE_FROM_ALL)
    if(NOT TARGET GTest::gtest_main)  # GoogleTest >= 1.11 defines these aliases itself
      add_library(GTest::gtest_main ALIAS gtest_main)
      add_library(GTest::gtest ALIAS gtest)
    endif()
  endif()
endif()

if(UPRES_BUILD_BENCH)
  if(NOT UPRES_DEPS_ONLY)
    find_package(benchmark QUIET)
  endif()
  # No source package exists, so vendor-deps.sh copies Debian's shared library and
  # headers: benchmark/include and benchmark/lib/libbenchmark.so.<soname>.
  file(GLOB _bench_libs ${UPRES_DEPS_DIR}/benchmark/lib/libbenchmark.so*)
  if(NOT TARGET benchmark::benchmark AND UPRES_DEPS_DIR AND _bench_libs)
    list(GET _bench_libs 0 _bench_lib)
    add_library(benchmark::benchmark SHARED IMPORTED)
    set_target_properties(benchmark::benchmark PROPERTIES
      IMPORTED_LOCATION ${_bench_lib}
      INTERFACE_INCLUDE_DIRECTORIES ${UPRES_DEPS_DIR}/benchmark/include
      INTERFACE_LINK_LIBRARIES Threads::Threads)
    message(STATUS "upres: Google Benchmark from ${_bench_lib}")
  endif()
  if(NOT TARGET benchmark::benchmark)
    message(STATUS "Google Benchmark not found: bench/ is skipped (install libbenchmark-dev)")
    set(UPRES_BUILD_BENCH OFF)
  endif()
endif()
