# SPDX-License-Identifier: Apache-2.0
# Fails when a .ts file is not complete for the strings in the code today: it runs lupdate on a
# copy of each file (the same options as the update_translations target) and fails when the copy
# then holds an unfinished message (a string added since), or differs from the file in anything
# but line numbers (a string removed or changed since). Prints the strings to translate. Every
# .ts file in TS_DIR is checked, so a new language is checked as soon as its file exists.
#
#   cmake -DLUPDATE=<lupdate> -DSOURCES_FILE=<file listing sources> -DTS_DIR=<folder of .ts files>
#         -DWORK_DIR=<scratch folder> -P checktranslations.cmake
#
# Files named *_en.ts hold only the plural forms (lupdate -pluralonly): English is the source.
cmake_minimum_required(VERSION 3.21)

foreach(variable IN ITEMS LUPDATE SOURCES_FILE TS_DIR WORK_DIR)
    if(NOT ${variable})
        message(FATAL_ERROR "checktranslations: ${variable} is not set")
    endif()
endforeach()
file(GLOB TS_FILES LIST_DIRECTORIES false "${TS_DIR}/*.ts")
list(SORT TS_FILES)
if(NOT TS_FILES)
    message(FATAL_ERROR "checktranslations: no .ts file in ${TS_DIR}")
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(problems 0)
foreach(ts IN LISTS TS_FILES)
    get_filename_component(name "${ts}" NAME)
    set(copy "${WORK_DIR}/${name}")
    file(COPY_FILE "${ts}" "${copy}")
    set(options -source-language en -no-obsolete -locations absolute)
    if(name MATCHES "_en\\.ts$")
        list(PREPEND options -pluralonly)
    endif()
    execute_process(COMMAND "${LUPDATE}" ${options} "@${SOURCES_FILE}" -ts "${copy}"
                    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "checktranslations: lupdate failed on ${name}:\n${output}")
    endif()

    file(READ "${copy}" updated)
    string(REGEX MATCHALL "<source>[^<]*</source>[ \t\r\n]*(<comment>[^<]*</comment>[ \t\r\n]*)?<translation type=\"unfinished\""
           unfinished "${updated}")
    list(LENGTH unfinished unfinished_count)
    foreach(message IN LISTS unfinished)
        string(REGEX REPLACE "^<source>([^<]*)</source>.*$" "\\1" source "${message}")
        message("${name}: not translated: ${source}")
    endforeach()
    string(REGEX MATCHALL "<translation type=\"(vanished|obsolete)\"" stale "${updated}")
    list(LENGTH stale stale_count)
    string(REGEX MATCHALL "<(translation|numerusform)></(translation|numerusform)>" empty "${updated}")
    list(LENGTH empty empty_count)
    if(unfinished_count GREATER 0 OR stale_count GREATER 0 OR empty_count GREATER 0)
        message("${name}: ${unfinished_count} unfinished, ${stale_count} obsolete, ${empty_count} empty translation(s)")
        math(EXPR problems "${problems} + 1")
        continue()
    endif()

    file(READ "${ts}" original)
    string(REGEX REPLACE "[ \t]*<location[^>]*/>\r?\n" "" original "${original}")
    string(REGEX REPLACE "[ \t]*<location[^>]*/>\r?\n" "" updated "${updated}")
    if(NOT original STREQUAL updated)
        message("${name}: out of date: the code's strings changed since it was last updated")
        math(EXPR problems "${problems} + 1")
        continue()
    endif()
    message(STATUS "${name}: complete")
endforeach()

if(problems GREATER 0)
    message(FATAL_ERROR "${problems} translation file(s) incomplete or out of date. Run\n"
                        "  cmake --build build/debug --target update_translations\n"
                        "and translate what it marks unfinished (translations/README.md).")
endif()
