# minidl names yaml-cpp by its namespaced target, yaml-cpp::yaml-cpp. yaml-cpp before 0.8 (Debian's
# 0.7) exports only the plain `yaml-cpp`; give it the namespaced name. Used by the build and by the
# installed minidlConfig.cmake.
if(NOT TARGET yaml-cpp::yaml-cpp)
  add_library(yaml-cpp::yaml-cpp INTERFACE IMPORTED)
  target_link_libraries(yaml-cpp::yaml-cpp INTERFACE yaml-cpp)
endif()
