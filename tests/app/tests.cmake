# SPDX-License-Identifier: Apache-2.0
sandbox_add_test(tst_commandline app SOURCES "${PROJECT_SOURCE_DIR}/app/commandline.cpp")
target_include_directories(tst_commandline PRIVATE "${PROJECT_SOURCE_DIR}/app")

# Runs the real executable as a user would: exit codes, stderr lines, signals, restarts.
sandbox_add_test(tst_executable app)
target_compile_definitions(tst_executable PRIVATE SANDBOX_EXECUTABLE="$<TARGET_FILE:smart-sandbox>")
add_dependencies(tst_executable smart-sandbox)
