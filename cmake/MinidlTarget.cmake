# minidl_build_flags: the compile options of minidl's own build, given to every layer and, through
# the layers' build interface, to every in-tree program (tests, examples, bench, fuzz, the CLI).
# None of them reaches the installed package: -march=native describes the build machine, and a
# consumer chooses its own warnings. -fno-math-errno: minidl never reads errno, and without it
# GCC will not vectorise std::sqrt (Adam's update runs at half speed). -fno-trapping-math: minidl
# never reads the floating-point exception flags, and without it GCC will not vectorise a loop
# that chooses between values by comparing floats (sigmoid's sign, an exp's range). Neither
# changes a result: NaN and infinities behave as before.
add_library(minidl_build_flags INTERFACE)
target_compile_options(minidl_build_flags INTERFACE -Wall -Wextra -fno-math-errno -fno-trapping-math
                       $<$<BOOL:${MINIDL_NATIVE}>:-march=native>)

# minidl_add_layer(NAME DEPS...): one library per layer, headers in NAME/include,
# sources in NAME/src, exported as minidl::NAME and linked into the umbrella target.
function(minidl_add_layer name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cpp)
  if(NOT sources)
    message(FATAL_ERROR "minidl: layer '${name}' has no sources in ${CMAKE_CURRENT_SOURCE_DIR}/src")
  endif()
  set(target minidl_${name})
  add_library(${target} ${sources})
  add_library(minidl::${name} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${name} OUTPUT_NAME minidl_${name})
  target_include_directories(${target} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} $<BUILD_INTERFACE:minidl_build_flags>
                        PRIVATE ${ARG_PRIVATE_DEPS})
  target_link_libraries(minidl INTERFACE ${target})
  install(TARGETS ${target} EXPORT minidlTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  install(DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endfunction()

# minidl_add_test(NAME SOURCES... LIBS ...): one GoogleTest executable registered with ctest.
function(minidl_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest_main minidl_test_common minidl_build_flags)
  gtest_discover_tests(${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} DISCOVERY_TIMEOUT 60)
endfunction()
