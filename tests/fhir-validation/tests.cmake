# SPDX-License-Identifier: Apache-2.0
# The FHIR sample records validated against the FHIR R4 specification (label "core"):
# tools/sampledata_dump writes them as NDJSON, tests/fhir-validation/validate.mjs checks every one
# with HL7's R4 JSON schema, FHIR.js's R4 StructureDefinitions and the invariants (README.md
# there), and names each invalid resource with the validator's message. A self-test first proves
# that the validator finds the defects planted in selftest.ndjson and passes the sound resources
# there, so that a broken validator cannot pass silently.
#
# They need Node.js 20 or later and tests/fhir-validation/node_modules, which
# scripts/install-deps.sh installs with `npm ci`. Without them the tests fail and say so; they
# are never skipped. When CMake found no node, the registered tests run this file as a script
# (cmake -P), which fails with the reason.
if(CMAKE_SCRIPT_MODE_FILE)
    message(FATAL_ERROR "fhir-validation: Node.js (node) was not found when CMake configured this build. "
                        "Run scripts/install-deps.sh, then configure again.")
endif()

qt_add_executable(sampledata_dump "${CMAKE_CURRENT_LIST_DIR}/../tools/sampledata_dump.cpp")
target_link_libraries(sampledata_dump PRIVATE sandbox_options sandbox_core)

find_program(SANDBOX_NODE_EXECUTABLE node DOC "Node.js 20 or later, for the tests in tests/e2e and tests/fhir-validation")
set(fhir_validation_dir "${CMAKE_CURRENT_LIST_DIR}")
function(sandbox_add_fhir_validation_test name)
    if(SANDBOX_NODE_EXECUTABLE)
        add_test(NAME core/${name}
                 COMMAND "${SANDBOX_NODE_EXECUTABLE}" "${fhir_validation_dir}/validate.mjs" ${ARGN}
                 WORKING_DIRECTORY "${fhir_validation_dir}")
    else()
        add_test(NAME core/${name} COMMAND "${CMAKE_COMMAND}" -P "${fhir_validation_dir}/tests.cmake")
    endif()
    set_tests_properties(core/${name} PROPERTIES
        LABELS core
        TIMEOUT 300
        ENVIRONMENT "LANG=C.UTF-8;TZ=UTC")
endfunction()

sandbox_add_fhir_validation_test(sampledata_validator_selftest
    --expect-invalid invalid- "${fhir_validation_dir}/selftest.ndjson")
sandbox_add_fhir_validation_test(sampledata_valid --dump $<TARGET_FILE:sampledata_dump>)
sandbox_add_fhir_validation_test(sampledata_valid_many_patients
    --dump $<TARGET_FILE:sampledata_dump> --seed 99 --extra-patients 100)
