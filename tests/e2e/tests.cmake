# SPDX-License-Identifier: Apache-2.0
# End-to-end tests: SMART's JavaScript client (fhirclient) in headless Chromium, and openid-client
# in Node, against the smart-sandbox binary, under Node's test runner (tests/e2e/run.mjs). They
# need Node.js 20 or later, Chromium (/usr/bin/chromium, or $CHROMIUM) and tests/e2e/node_modules,
# which scripts/install-deps.sh installs with `npm ci`. Without node_modules the test fails and
# says so; it is never skipped.
#
# Included from tests/CMakeLists.txt. When CMake found no node, the registered test runs this
# file as a script (cmake -P), which fails with the reason.
if(CMAKE_SCRIPT_MODE_FILE)
    message(FATAL_ERROR "e2e: Node.js (node) was not found when CMake configured this build. "
                        "Run scripts/install-deps.sh, then configure again.")
endif()

find_program(SANDBOX_NODE_EXECUTABLE node DOC "Node.js 20 or later, for the end-to-end tests in tests/e2e")
if(SANDBOX_NODE_EXECUTABLE)
    add_test(NAME e2e/clients
             COMMAND "${SANDBOX_NODE_EXECUTABLE}" "${CMAKE_CURRENT_LIST_DIR}/run.mjs"
             WORKING_DIRECTORY "${CMAKE_CURRENT_LIST_DIR}")
else()
    add_test(NAME e2e/clients COMMAND "${CMAKE_COMMAND}" -P "${CMAKE_CURRENT_LIST_FILE}")
endif()
set_tests_properties(e2e/clients PROPERTIES
    LABELS e2e
    TIMEOUT 600
    ENVIRONMENT "SMART_SANDBOX_BIN=$<TARGET_FILE:smart-sandbox>;LANG=C.UTF-8;TZ=UTC")
