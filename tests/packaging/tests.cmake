# SPDX-License-Identifier: Apache-2.0
# The Linux packaging as tests (label "packaging"): the AppStream metainfo and the desktop file are
# valid and name the same app id, and the .deb that CPack makes from this build installs a
# smart-sandbox that answers --version, also when started through the desktop file's Exec line.
find_program(SANDBOX_APPSTREAMCLI appstreamcli)
find_program(SANDBOX_DESKTOP_FILE_VALIDATE desktop-file-validate)
set(packaging_dir "${PROJECT_SOURCE_DIR}/packaging")

if(SANDBOX_APPSTREAMCLI)
    add_test(NAME packaging/metainfo_valid
             COMMAND ${SANDBOX_APPSTREAMCLI} validate --no-net --pedantic
                     "${packaging_dir}/io.github.smart_sandbox.metainfo.xml")
    set_tests_properties(packaging/metainfo_valid PROPERTIES LABELS packaging TIMEOUT 60)
else()
    message(WARNING "appstreamcli not found (Debian: appstream); packaging/metainfo_valid is not registered")
endif()
if(SANDBOX_DESKTOP_FILE_VALIDATE)
    add_test(NAME packaging/desktop_file_valid
             COMMAND ${SANDBOX_DESKTOP_FILE_VALIDATE} "${packaging_dir}/io.github.smart_sandbox.desktop")
    # It exits 0 on warnings and hints; they count as failures here.
    set_tests_properties(packaging/desktop_file_valid PROPERTIES LABELS packaging TIMEOUT 60
                         FAIL_REGULAR_EXPRESSION "error:|warning:|hint:")
else()
    message(WARNING "desktop-file-validate not found (Debian: desktop-file-utils); "
                    "packaging/desktop_file_valid is not registered")
endif()

add_test(NAME packaging/deb
         COMMAND "${PROJECT_SOURCE_DIR}/scripts/check-package.sh" "${CMAKE_BINARY_DIR}")
set_tests_properties(packaging/deb PROPERTIES LABELS packaging TIMEOUT 600 RUN_SERIAL TRUE)
