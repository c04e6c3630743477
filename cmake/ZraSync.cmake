# Helpers that give every target of ours the same warnings, sanitizers and include root.

# maybe-uninitialized: GCC 12 at -O2 reports it inside date.h's inlined parsing (a known false positive).
set(ZRA_WARNINGS -Wall -Wextra -Werror -Wno-error=deprecated-declarations -Wno-error=maybe-uninitialized)
# Every UBSan report is fatal (tests/sanitizers/ubsan.supp is empty: docs/fuzzing.md). No vptr check: cpprest's stream buffers are instantiated in libcpprest.so, which is built without it, and the
# check misreads every one of them as "not an object of type basic_streambuf".
set(ZRA_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer
                        -fno-sanitize-recover=undefined)

function(zra_target_defaults target)
  target_compile_options(${target} PRIVATE ${ZRA_WARNINGS})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
  if(ZRA_SANITIZE)
    target_compile_options(${target} PRIVATE ${ZRA_SANITIZER_FLAGS})
    target_link_options(${target} PRIVATE ${ZRA_SANITIZER_FLAGS})
  endif()
endfunction()

# zra_add_library(name SOURCES a.cpp ... [PUBLIC_DEPS ...] [PRIVATE_DEPS ...])
function(zra_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  add_library(zra_sync::${name} ALIAS ${name})
  zra_target_defaults(${name})
  target_link_libraries(${name} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
endfunction()

# zra_add_source_plugin(name SOURCES ... [LIBS ...]) builds lib<name>.so into the built-in plugin directory.
# Built-in plugins go through the same C ABI as anybody's: they link only the SDK header target.
function(zra_add_source_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target zra_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  zra_target_defaults(${target})
  target_link_libraries(${target} PRIVATE zra_sync::plugin_sdk ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME ${name}
    PREFIX lib
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${ZRA_PLUGIN_OUTPUT_DIR})
  install(TARGETS ${target} LIBRARY DESTINATION ${ZRA_PLUGIN_INSTALL_DIR})
endfunction()

# zra_add_test(name SOURCES ... LIBS ... [LABELS ...]) : one GoogleTest binary, tests discovered at run time.
function(zra_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  zra_target_defaults(${name})
  # Test code is compiled unoptimised: it is most of the build, and its speed does not matter (the
  # libraries it tests keep the build type's optimisation).
  target_compile_options(${name} PRIVATE -O0 -g0)
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main Threads::Threads)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/test-bin)
  target_compile_definitions(${name} PRIVATE
    ZRA_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    ZRA_BINARY_DIR="${CMAKE_BINARY_DIR}"
    ZRA_SYNC_EXE="${CMAKE_BINARY_DIR}/bin/zra-sync"
    ZRA_PLUGIN_DIR="${ZRA_PLUGIN_OUTPUT_DIR}")
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 300)
endfunction()
