# SPDX-License-Identifier: Apache-2.0
# The translations as tests (label "translations"): every .ts file is complete for the strings in
# the code today, so that a new string cannot ship untranslated. A self-test runs the same check
# on a made-up source and .ts file that misses one string: it must fail and name that string.

set(translations_check "${CMAKE_CURRENT_LIST_DIR}/checktranslations.cmake")
set(translations_sources_file "${CMAKE_CURRENT_BINARY_DIR}/translations-sources.lst")
list(JOIN SANDBOX_TRANSLATED_SOURCES "\n" translations_sources_lines)
file(GENERATE OUTPUT "${translations_sources_file}" CONTENT "${translations_sources_lines}\n")

add_test(NAME translations/complete
         COMMAND ${CMAKE_COMMAND} "-DLUPDATE=$<TARGET_FILE:Qt6::lupdate>"
                 "-DSOURCES_FILE=${translations_sources_file}"
                 "-DTS_DIR=${PROJECT_SOURCE_DIR}/translations"
                 "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/translations-check"
                 -P "${translations_check}")
set_tests_properties(translations/complete PROPERTIES LABELS translations TIMEOUT 120)

set(translations_fixtures "${CMAKE_CURRENT_BINARY_DIR}/translations-fixtures")
file(WRITE "${translations_fixtures}/greeter.cpp"
     "#include <QCoreApplication>\n"
     "QString hello() { return QCoreApplication::translate(\"Greeter\", \"Hello\"); }\n"
     "QString goodbye() { return QCoreApplication::translate(\"Greeter\", \"Goodbye, said late\"); }\n")
file(WRITE "${translations_fixtures}/sources.lst" "${translations_fixtures}/greeter.cpp\n")
file(WRITE "${translations_fixtures}/fixture_de.ts"
     "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE TS>\n"
     "<TS version=\"2.1\" language=\"de\" sourcelanguage=\"en\">\n<context>\n    <name>Greeter</name>\n"
     "    <message>\n        <source>Hello</source>\n        <translation>Hallo</translation>\n    </message>\n"
     "</context>\n</TS>\n")
add_test(NAME translations/selftest_missing_string_found
         COMMAND ${CMAKE_COMMAND} "-DLUPDATE=$<TARGET_FILE:Qt6::lupdate>"
                 "-DSOURCES_FILE=${translations_fixtures}/sources.lst"
                 "-DTS_DIR=${translations_fixtures}"
                 "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/translations-selftest"
                 -P "${translations_check}")
set_tests_properties(translations/selftest_missing_string_found PROPERTIES
    LABELS translations TIMEOUT 60
    PASS_REGULAR_EXPRESSION "fixture_de.ts: not translated: Goodbye, said late.*1 translation file")
