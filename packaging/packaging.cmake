# SPDX-License-Identifier: Apache-2.0
# Installation layout (`cmake --install`) and the Debian packages hostmon-agent and
# hostmon-collector (CPack DEB; scripts/package builds them into build/packages/, docs/install.md).
#
# CPack rather than debian/ + dpkg-buildpackage: the packages are built from the tree CMake
# already built (no second build in a clean chroot), with no debhelper on the build machine;
# dpkg-shlibdeps still computes Depends:, the dbgsym packages carry the debug info split off the
# stripped binaries, and the maintainer scripts are plain files in packaging/debian/.

# CPack (and `make install`) install what was built; they do not build every target first (CPack's
# "preinstall" would otherwise build the tests too before packaging).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# The units run /usr/bin/hostmon-*: install there unless a prefix was asked for.
if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()

set(HOSTMON_PACKAGE_MAINTAINER "hostmon maintainers <maintainers@hostmon.example.org>" CACHE STRING
    "Maintainer: field of the Debian packages")

find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Man pages from the binaries' own flag tables (packaging/manpage.py runs `--help`).
set(HOSTMON_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(HOSTMON_MAN_PAGES)
foreach(prog hostmon-agent hostmon-collector)
  add_custom_command(
    OUTPUT ${HOSTMON_MAN_DIR}/${prog}.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${HOSTMON_MAN_DIR}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/packaging/manpage.py
            --binary $<TARGET_FILE:${prog}> --version ${PROJECT_VERSION}
            --out ${HOSTMON_MAN_DIR}/${prog}.1
    COMMAND gzip -9nf ${HOSTMON_MAN_DIR}/${prog}.1
    DEPENDS ${prog} ${CMAKE_SOURCE_DIR}/packaging/manpage.py
    COMMENT "Man page ${prog}.1 from ${prog} --help"
    VERBATIM)
  list(APPEND HOSTMON_MAN_PAGES ${HOSTMON_MAN_DIR}/${prog}.1.gz)
endforeach()
add_custom_target(hostmon_man ALL DEPENDS ${HOSTMON_MAN_PAGES})

# Debian's changelog format, gzipped, as /usr/share/doc/<package>/changelog.gz (the packages are
# native: the version has no Debian revision). The project's CHANGELOG.md goes beside it.
string(TIMESTAMP _changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${CMAKE_BINARY_DIR}/packaging/changelog
  "hostmon (${PROJECT_VERSION}) unstable; urgency=medium\n\n"
  "  * hostmon ${PROJECT_VERSION}; changes: /usr/share/doc/<package>/CHANGELOG.md.gz.\n\n"
  " -- ${HOSTMON_PACKAGE_MAINTAINER}  ${_changelog_date}\n")
add_custom_command(
  OUTPUT ${CMAKE_BINARY_DIR}/packaging/changelog.gz ${CMAKE_BINARY_DIR}/packaging/CHANGELOG.md.gz
  COMMAND gzip -9nc ${CMAKE_BINARY_DIR}/packaging/changelog > ${CMAKE_BINARY_DIR}/packaging/changelog.gz
  COMMAND gzip -9nc ${CMAKE_SOURCE_DIR}/CHANGELOG.md > ${CMAKE_BINARY_DIR}/packaging/CHANGELOG.md.gz
  DEPENDS ${CMAKE_SOURCE_DIR}/CHANGELOG.md)
add_custom_target(hostmon_package_docs ALL DEPENDS ${CMAKE_BINARY_DIR}/packaging/changelog.gz)

# A config file in /etc/hostmon: installed when absent, never over the admin's (`cmake --install`
# on a configured host); in a package it is a conffile (packaging/debian/*/conffiles) and dpkg
# asks before replacing a changed one.
function(hostmon_install_config src name comp)
  install(CODE "
    if(EXISTS \"\$ENV{DESTDIR}/etc/hostmon/${name}\")
      message(STATUS \"Keeping existing: \$ENV{DESTDIR}/etc/hostmon/${name}\")
    else()
      file(INSTALL DESTINATION /etc/hostmon TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE
           GROUP_READ WORLD_READ RENAME ${name} FILES \"${src}\")
    endif()" COMPONENT ${comp})
endfunction()

foreach(comp agent collector)
  set(pkg hostmon-${comp})
  install(TARGETS ${pkg} RUNTIME DESTINATION bin COMPONENT ${comp})
  install(FILES ${HOSTMON_MAN_DIR}/${pkg}.1.gz DESTINATION share/man/man1 COMPONENT ${comp})
  install(FILES ${CMAKE_SOURCE_DIR}/deploy/systemd/${pkg}.service
          DESTINATION /lib/systemd/system COMPONENT ${comp})
  hostmon_install_config(${CMAKE_SOURCE_DIR}/deploy/config/${comp}.example.yml ${comp}.yml ${comp})
  install(FILES ${CMAKE_SOURCE_DIR}/packaging/copyright
                ${CMAKE_BINARY_DIR}/packaging/changelog.gz
                ${CMAKE_BINARY_DIR}/packaging/CHANGELOG.md.gz
          DESTINATION share/doc/${pkg} COMPONENT ${comp})
endforeach()
# Agent extras: the opt-in drop-ins (IPMI, SMART) and the udev rule for /dev/ipmi0, and the
# targets file examples; none is active until the admin copies it (docs/hardware.md).
install(DIRECTORY ${CMAKE_SOURCE_DIR}/deploy/systemd/hostmon-agent.service.d/
        DESTINATION share/hostmon-agent/systemd/hostmon-agent.service.d COMPONENT agent)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/udev/60-hostmon-ipmi.rules
        DESTINATION share/hostmon-agent/udev COMPONENT agent)
install(FILES ${CMAKE_SOURCE_DIR}/deploy/config/ipmi-targets.example.yml
              ${CMAKE_SOURCE_DIR}/deploy/config/redfish-targets.example.yml
        DESTINATION share/doc/hostmon-agent/examples COMPONENT agent)
# Collector extras: the default alerting rules (a conffile), Prometheus config and rules, and
# the Grafana dashboards with their provisioning files.
hostmon_install_config(${CMAKE_SOURCE_DIR}/deploy/config/rules.yml rules.yml collector)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/deploy/prometheus ${CMAKE_SOURCE_DIR}/deploy/grafana
        DESTINATION share/hostmon-collector COMPONENT collector
        PATTERN "*.py" EXCLUDE PATTERN "__pycache__" EXCLUDE)

# CPack: one .deb per component, plus its -dbgsym .ddeb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hostmon)
set(CPACK_PACKAGE_VENDOR hostmon)
set(CPACK_PACKAGE_CONTACT "${HOSTMON_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_BINARY_DIR}/packages)
set(CPACK_COMPONENTS_ALL agent collector)
set(CPACK_DEB_COMPONENT_INSTALL ON)
# /etc and /lib/systemd are absolute destinations: stage with DESTDIR so they land in the package.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)  # whatever CMAKE_INSTALL_PREFIX a build dir has
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_DEBUGINFO_PACKAGE ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "")
set(CPACK_DEBIAN_AGENT_PACKAGE_NAME hostmon-agent)
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_NAME hostmon-collector)
# adduser: the postinst creates the hostmon system user.
set(CPACK_DEBIAN_AGENT_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_DEPENDS "adduser")
# dlopen()ed or run only when a hardware source is switched on (dpkg-shlibdeps cannot see them).
set(CPACK_DEBIAN_AGENT_PACKAGE_SUGGESTS "libipmimonitoring6, libfreeipmi17, smartmontools")
set(CPACK_DEBIAN_COLLECTOR_PACKAGE_SUGGESTS "prometheus, prometheus-alertmanager")
# Synopsis line, then the extended description (lines of at most 80 characters).
set(CPACK_COMPONENT_AGENT_DESCRIPTION "host monitoring agent streaming node_exporter-compatible metrics
hostmon-agent reads /proc and /sys (optionally IPMI, Redfish and SMART) and
streams node_exporter-compatible metrics to a hostmon collector over gRPC,
with TLS/mTLS and an on-disk spool for collector outages.")
set(CPACK_COMPONENT_COLLECTOR_DESCRIPTION "collector for hostmon agents, serving their metrics to Prometheus
hostmon-collector receives the streams of hostmon agents, serves them to
Prometheus, evaluates alerting rules with Alertmanager output and forwards
samples with Prometheus remote write.")
foreach(comp agent collector)
  string(TOUPPER ${comp} COMP)
  set(_dir ${CMAKE_SOURCE_DIR}/packaging/debian/${comp})
  set(CPACK_DEBIAN_${COMP}_PACKAGE_CONTROL_EXTRA
      "${_dir}/conffiles;${_dir}/postinst;${_dir}/prerm;${_dir}/postrm")
endforeach()
include(CPack)
