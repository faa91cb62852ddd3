# SPDX-License-Identifier: Apache-2.0
# Programs built with the tests that are not tests themselves:
#   sandbox-screenshots   the window's tabs, the Scenarios menu and every dialog as PNGs
#                         (scripts/screenshots.sh)
#   bench-ui              UI event-loop stalls under client traffic and the Traffic filter's speed
#                         on a full request log (bench/ui.sh, bench/RESULTS.md)
qt_add_executable(sandbox-screenshots tools/screenshots.cpp)
target_link_libraries(sandbox-screenshots PRIVATE sandbox_options sandbox_ui sandbox_test_support Qt6::Test)

qt_add_executable(bench-ui "${PROJECT_SOURCE_DIR}/bench/ui/uibench.cpp")
target_link_libraries(bench-ui PRIVATE sandbox_options sandbox_ui Qt6::Network)
