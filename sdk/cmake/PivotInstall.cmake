# What `cmake --install` puts under the prefix:
#
#   bin/pivotd
#   lib/pivot/*.so                       bundled plugins (installed by pivot_add_plugin)
#   include/pivot/*.h                    the public SDK headers
#   share/pkgconfig/pivot-sdk.pc         for `cc $(pkg-config --cflags pivot-sdk) ...`
#                                        (headers only: the same on every architecture)
#   lib/cmake/PivotSDK/                  for find_package(PivotSDK)
#   share/pivot/sdk-examples/            the example plugins, to copy from
#
# The plugin directory is lib/pivot whatever the platform's libdir: pivotd
# finds it as ../lib/pivot next to its executable.
include(CMakePackageConfigHelpers)

# PIVOT_INSTALL_BINDIR and PIVOT_INSTALL_PLUGINDIR come from the top-level
# CMakeLists.txt, which compiles the path between them into pivotd.
set(PIVOT_INSTALL_INCLUDEDIR include)
set(PIVOT_INSTALL_CMAKEDIR lib/cmake/PivotSDK)

# The ABI major comes from the header, so that they cannot disagree; a new
# number in the header re-runs the configure step.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${CMAKE_CURRENT_LIST_DIR}/../include/pivot/common.h)
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/../include/pivot/common.h _pivot_abi
     REGEX "^#define PIVOT_ABI_MAJOR [0-9]+")
string(REGEX REPLACE ".*PIVOT_ABI_MAJOR ([0-9]+).*" "\\1" PIVOT_ABI_MAJOR "${_pivot_abi}")

if(TARGET pivotd)
  install(TARGETS pivotd RUNTIME DESTINATION ${PIVOT_INSTALL_BINDIR})
endif()

set_target_properties(pivot_sdk PROPERTIES EXPORT_NAME sdk)
install(TARGETS pivot_sdk EXPORT PivotSDKTargets COMPONENT sdk)
install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/../include/pivot DESTINATION ${PIVOT_INSTALL_INCLUDEDIR}
        COMPONENT sdk FILES_MATCHING PATTERN "*.h")
install(EXPORT PivotSDKTargets NAMESPACE Pivot:: DESTINATION ${PIVOT_INSTALL_CMAKEDIR}
        COMPONENT sdk)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/PivotSDKConfig.cmake.in
  ${CMAKE_BINARY_DIR}/sdk/PivotSDKConfig.cmake
  INSTALL_DESTINATION ${PIVOT_INSTALL_CMAKEDIR}
  PATH_VARS PIVOT_INSTALL_INCLUDEDIR PIVOT_INSTALL_PLUGINDIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/sdk/PivotSDKConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/sdk/PivotSDKConfig.cmake
              ${CMAKE_BINARY_DIR}/sdk/PivotSDKConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/PivotPlugin.cmake
        DESTINATION ${PIVOT_INSTALL_CMAKEDIR} COMPONENT sdk)

configure_file(${CMAKE_CURRENT_LIST_DIR}/pivot-sdk.pc.in ${CMAKE_BINARY_DIR}/sdk/pivot-sdk.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/sdk/pivot-sdk.pc DESTINATION share/pkgconfig COMPONENT sdk)

install(DIRECTORY ${CMAKE_CURRENT_LIST_DIR}/../examples/ DESTINATION share/pivot/sdk-examples
        COMPONENT sdk)
