include(CMakePackageConfigHelpers)
install(TARGETS minidl EXPORT minidlTargets)
install(EXPORT minidlTargets NAMESPACE minidl:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/minidl)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/minidlConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/minidlConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/minidl)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/minidlConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/minidlConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/minidlConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/yaml-cpp-target.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/minidl)
