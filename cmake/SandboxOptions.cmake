# SPDX-License-Identifier: Apache-2.0
# One INTERFACE target carries the language standard, warnings, Qt hygiene defines and sanitizers;
# every target of the project links it.
add_library(sandbox_options INTERFACE)
target_compile_features(sandbox_options INTERFACE cxx_std_20)
target_compile_options(sandbox_options INTERFACE
    -Wall -Wextra -pedantic -Wold-style-cast -Wnon-virtual-dtor -Woverloaded-virtual)
if(SANDBOX_WERROR)
    target_compile_options(sandbox_options INTERFACE -Werror)
endif()
target_compile_definitions(sandbox_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_URL_CAST_FROM_STRING
    QT_USE_QSTRINGBUILDER
    QT_NO_FOREACH
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    SANDBOX_VERSION="${PROJECT_VERSION}")
if(SANDBOX_SANITIZE)
    target_compile_options(sandbox_options INTERFACE -fsanitize=${SANDBOX_SANITIZE} -fno-omit-frame-pointer)
    target_link_options(sandbox_options INTERFACE -fsanitize=${SANDBOX_SANITIZE})
endif()
if(SANDBOX_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "SANDBOX_FUZZ needs clang (-DCMAKE_CXX_COMPILER=clang++)")
    endif()
    # Coverage for libFuzzer in every object; the fuzz executables add -fsanitize=fuzzer (main).
    # -fsanitize=function would flag Qt's own slot calls through casted function pointers.
    target_compile_options(sandbox_options INTERFACE -fsanitize=fuzzer-no-link,address,undefined
                                                     -fno-sanitize=function -fno-omit-frame-pointer)
    target_link_options(sandbox_options INTERFACE -fsanitize=address,undefined)
endif()
