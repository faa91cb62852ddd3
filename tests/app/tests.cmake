# SPDX-License-Identifier: Apache-2.0
sandbox_add_test(tst_commandline app SOURCES "${PROJECT_SOURCE_DIR}/app/commandline.cpp")
target_include_directories(tst_commandline PRIVATE "${PROJECT_SOURCE_DIR}/app")

# Runs the real executable as a user would: exit codes, stderr lines, signals, restarts.
sandbox_add_test(tst_executable app)
target_compile_definitions(tst_executable PRIVATE SANDBOX_EXECUTABLE="$<TARGET_FILE:smart-sandbox>")
add_dependencies(tst_executable smart-sandbox)

# "CI runs it": the built executable checks a sandbox of its own and must pass every check.
add_test(NAME app/self-check COMMAND smart-sandbox --self-check)
set_tests_properties(app/self-check PROPERTIES LABELS app TIMEOUT 120
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LANG=C.UTF-8;TZ=UTC")
