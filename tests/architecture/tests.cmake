# SPDX-License-Identifier: Apache-2.0
# The layering rules as tests (label "architecture"): core never includes a widget header, ui
# never includes QtSql, QtHttpServer, QTcpServer or QNetworkAccessManager. Self-tests run the same
# check on made-up files: it must find exactly the violations planted there and nothing in clean
# code, so that a broken check cannot pass silently.

set(widgets_dir "")
get_target_property(widgets_include_dirs Qt6::Widgets INTERFACE_INCLUDE_DIRECTORIES)
foreach(dir IN LISTS widgets_include_dirs)
    if(dir MATCHES "/QtWidgets$" AND IS_DIRECTORY "${dir}")
        set(widgets_dir "${dir}")
        break()
    endif()
endforeach()

set(architecture_check "${CMAKE_CURRENT_LIST_DIR}/checkincludes.cmake")
set(architecture_fixtures "${CMAKE_CURRENT_BINARY_DIR}/architecture-fixtures")
file(WRITE "${architecture_fixtures}/bad-core/widget.cpp" "#include \"sandbox.h\"\n#include <QtWidgets/QPushButton>\n")
file(WRITE "${architecture_fixtures}/bad-core/dialog.h" "#  include <QDialog>\n")
file(WRITE "${architecture_fixtures}/bad-ui/model.cpp" "#include <QSqlQuery>\n#include <QStringView>\n")
file(WRITE "${architecture_fixtures}/bad-ui/server.h" "#include <QtNetwork/QTcpServer>\n")
file(WRITE "${architecture_fixtures}/good/plain.cpp"
     "#include <QByteArrayView>\n#include <QStringView>\n#include <QNetworkRequest>\n#include \"server/http.h\"\n")

function(sandbox_add_architecture_test name rule root)
    add_test(NAME architecture/${name}
             COMMAND ${CMAKE_COMMAND} -DRULE=${rule} -DROOT=${root} -DWIDGETS_DIR=${widgets_dir}
                     -P ${architecture_check})
    set_tests_properties(architecture/${name} PROPERTIES LABELS architecture TIMEOUT 60 ${ARGN})
endfunction()

sandbox_add_architecture_test(core_has_no_widgets core "${PROJECT_SOURCE_DIR}/core")
sandbox_add_architecture_test(ui_has_no_sql_or_http ui "${PROJECT_SOURCE_DIR}/ui")
sandbox_add_architecture_test(selftest_core_violations_found core "${architecture_fixtures}/bad-core"
                               PASS_REGULAR_EXPRESSION "2 forbidden include")
sandbox_add_architecture_test(selftest_ui_violations_found ui "${architecture_fixtures}/bad-ui"
                               PASS_REGULAR_EXPRESSION "2 forbidden include")
sandbox_add_architecture_test(selftest_clean_core_passes core "${architecture_fixtures}/good")
sandbox_add_architecture_test(selftest_clean_ui_passes ui "${architecture_fixtures}/good")
