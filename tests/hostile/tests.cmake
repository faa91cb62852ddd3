# SPDX-License-Identifier: Apache-2.0
# The HTTP-level fuzzer: the real executable on loopback against a seeded stream of malformed,
# truncated, oversized and random requests (no 5xx, no crash, no hang, memory flat).
find_package(Python3 COMPONENTS Interpreter)
if(Python3_Interpreter_FOUND)
    add_test(NAME hostile/http_fuzz
             COMMAND Python3::Interpreter "${CMAKE_CURRENT_SOURCE_DIR}/hostile/http_fuzz.py"
                     --binary "$<TARGET_FILE:smart-sandbox>" --seed 1 --requests 3000)
    set_tests_properties(hostile/http_fuzz PROPERTIES LABELS "server;hostile" TIMEOUT 600)
endif()
