# The Debian packages (`make package`, or `cpack -G DEB` in the build
# directory; docs/operations.md, "Installing the Debian package"):
#
#   pivotd         /usr/bin/pivotd, the plugins in /usr/lib/pivot, the
#                  systemd unit, /etc/pivot/pivot.yaml (a conffile), the
#                  docs; its maintainer scripts (packaging/debian) create
#                  the system user "pivot" and /var/lib/pivot
#   pivot-sdk-dev  the plugin SDK: /usr/include/pivot, pivot-sdk.pc, the
#                  PivotSDK CMake package, the plugin guide and examples
#
# The packages are laid out for the prefix /usr whatever the build's
# CMAKE_INSTALL_PREFIX: nothing installed embeds the prefix (pivotd finds its
# plugins relative to itself, pivot-sdk.pc and PivotSDKConfig.cmake are
# relocatable), and the unit names /usr/bin/pivotd.
#
# The unit, the configuration and the Debian files are installed only into
# the packages (EXCLUDE_FROM_ALL): `cmake --install` to a prefix never writes
# to /lib/systemd or /etc.

set(PIVOT_DEB_MAINTAINER "SpeedData Pivot maintainers <pivot@speeddata.example>"
    CACHE STRING "Maintainer of the Debian packages (name <address>)")

set(_pv_deb ${CMAKE_CURRENT_LIST_DIR}/debian)
set(_pv_deb_out ${CMAKE_BINARY_DIR}/packaging)

# changelog.gz, gzip -9n as dh_compress makes it (no name, no time stamp:
# the same bytes every build).
configure_file(${_pv_deb}/changelog.in ${_pv_deb_out}/changelog @ONLY)
execute_process(COMMAND gzip -9n -c INPUT_FILE ${_pv_deb_out}/changelog
                OUTPUT_FILE ${_pv_deb_out}/changelog.gz RESULT_VARIABLE _pv_gzip)
if(NOT _pv_gzip EQUAL 0)
  message(FATAL_ERROR "gzip of the Debian changelog failed: ${_pv_gzip}")
endif()

# The manual page, gzip -9n as well.
execute_process(COMMAND gzip -9n -c INPUT_FILE ${PROJECT_SOURCE_DIR}/docs/pivotd.8
                OUTPUT_FILE ${_pv_deb_out}/pivotd.8.gz RESULT_VARIABLE _pv_gzip)
if(NOT _pv_gzip EQUAL 0)
  message(FATAL_ERROR "gzip of docs/pivotd.8 failed: ${_pv_gzip}")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${_pv_deb}/changelog.in ${PROJECT_SOURCE_DIR}/docs/pivotd.8)
install(FILES ${_pv_deb_out}/pivotd.8.gz DESTINATION share/man/man8 COMPONENT pivotd)

# pivotd: the docs an operator needs beside the binary.
install(FILES ${PROJECT_SOURCE_DIR}/README.md
              ${PROJECT_SOURCE_DIR}/docs/operations.md
              ${PROJECT_SOURCE_DIR}/docs/api.md
              ${PROJECT_SOURCE_DIR}/docs/security.md
              ${PROJECT_SOURCE_DIR}/docs/openapi.yaml
              ${PROJECT_SOURCE_DIR}/docs/config.example.yaml
        DESTINATION share/doc/pivotd COMPONENT pivotd)
install(FILES ${PROJECT_SOURCE_DIR}/docs/plugin-guide.md
        DESTINATION share/doc/pivot-sdk-dev COMPONENT sdk)

# Package-only files.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/pivotd.service
        DESTINATION /lib/systemd/system COMPONENT pivotd EXCLUDE_FROM_ALL)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/pivot.yaml
        DESTINATION /etc/pivot COMPONENT pivotd EXCLUDE_FROM_ALL)
# pkg-config-bad-directive for -fvisibility=hidden in pivot-sdk.pc, with the reason.
install(FILES ${_pv_deb}/pivot-sdk-dev.lintian-overrides DESTINATION share/lintian/overrides
        RENAME pivot-sdk-dev COMPONENT sdk EXCLUDE_FROM_ALL)
foreach(_pv_pkg pivotd pivot-sdk-dev)
  if(_pv_pkg STREQUAL "pivotd")
    set(_pv_comp pivotd)
  else()
    set(_pv_comp sdk)
  endif()
  install(FILES ${_pv_deb}/copyright ${_pv_deb_out}/changelog.gz
          DESTINATION share/doc/${_pv_pkg} COMPONENT ${_pv_comp} EXCLUDE_FROM_ALL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME pivot)
set(CPACK_PACKAGE_VENDOR SpeedData)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT ${PIVOT_DEB_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL pivotd sdk)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${PIVOT_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_PIVOTD_PACKAGE_NAME pivotd)
set(CPACK_DEBIAN_PIVOTD_PACKAGE_SECTION science)
# Library dependencies from dpkg-shlibdeps on pivotd and the plugins.
set(CPACK_DEBIAN_PIVOTD_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PIVOTD_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PIVOTD_PACKAGE_CONTROL_EXTRA
    ${_pv_deb}/postinst ${_pv_deb}/prerm ${_pv_deb}/postrm ${_pv_deb}/conffiles)
set(CPACK_DEBIAN_PIVOTD_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_COMPONENT_PIVOTD_DESCRIPTION
"SpeedData Pivot export service
pivotd turns a time range of SpeedData's row-oriented Avro telemetry cache
into column-oriented files (HDF5, NetCDF, CSV, MATLAB). It is an
asynchronous job service: it accepts export jobs over HTTP, runs each in a
worker process, reports progress and serves the finished file.
.
This package holds pivotd, its bundled plugins, a systemd unit that runs
it as the system user pivot with its state in /var/lib/pivot, and a
default configuration in /etc/pivot/pivot.yaml.")

set(CPACK_DEBIAN_SDK_PACKAGE_NAME pivot-sdk-dev)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SDK_PACKAGE_SUGGESTS "pivotd")
set(CPACK_COMPONENT_SDK_DESCRIPTION
"SpeedData Pivot plugin SDK
The public headers, pkg-config file (pivot-sdk) and CMake package
(find_package(PivotSDK)) for building plugins of pivotd: data sources,
exporters, time range grammars and authentication backends. Plugins never
link against pivotd; they are loaded from its plugin directory.
.
This package also holds the plugin guide and example plugins.")

include(CPack)
