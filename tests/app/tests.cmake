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
# Team mode: two real processes on one PostgreSQL database (skipped without
# SANDBOX_TEST_POSTGRES_URL, which scripts/test.sh and CI always set).
sandbox_add_test(tst_teammode app)
target_compile_definitions(tst_teammode PRIVATE SANDBOX_EXECUTABLE="$<TARGET_FILE:smart-sandbox>")
add_dependencies(tst_teammode smart-sandbox)
set_tests_properties(app/tst_teammode PROPERTIES LABELS "app;postgres")

# Crash safety: kill -9 under load, restart, every 2xx answer still true (SQLite and PostgreSQL).
sandbox_add_test(tst_crashsafety app)
target_compile_definitions(tst_crashsafety PRIVATE SANDBOX_EXECUTABLE="$<TARGET_FILE:smart-sandbox>")
add_dependencies(tst_crashsafety smart-sandbox)
set_tests_properties(app/tst_crashsafety PROPERTIES LABELS "app;postgres")

# A read-only database file and a full disk: reads answered, writes refused with 503, no crash.
sandbox_add_test(tst_storagefaults app)
target_compile_definitions(tst_storagefaults PRIVATE SANDBOX_EXECUTABLE="$<TARGET_FILE:smart-sandbox>")
add_dependencies(tst_storagefaults smart-sandbox)

# --tls: HTTPS with a kept self-signed certificate or the user's own, checked with a pinned client.
sandbox_add_test(tst_https app)
target_compile_definitions(tst_https PRIVATE SANDBOX_EXECUTABLE="$<TARGET_FILE:smart-sandbox>")
add_dependencies(tst_https smart-sandbox)
