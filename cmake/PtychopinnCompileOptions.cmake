# Warning flags and sanitizers shared by every target of the project.
add_library(pp_compile_options INTERFACE)
target_compile_options(pp_compile_options INTERFACE
  -fPIC $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wno-unused-parameter>
  $<$<BOOL:${PTYCHOPINN_WERROR}>:-Werror>)
if(PTYCHOPINN_SANITIZE_ADDRESS)
  target_compile_options(pp_compile_options INTERFACE -fsanitize=address -fno-omit-frame-pointer)
  target_link_options(pp_compile_options INTERFACE -fsanitize=address)
endif()
if(PTYCHOPINN_SANITIZE_UNDEFINED)
  target_compile_options(pp_compile_options INTERFACE -fsanitize=undefined -fno-sanitize-recover=undefined)
  target_link_options(pp_compile_options INTERFACE -fsanitize=undefined)
endif()

# Release builds keep assertions (PTYCHOPINN_DCHECK and assert) unless PTYCHOPINN_NDEBUG is asked for:
# the test script builds "Release with assertions on".
option(PTYCHOPINN_KEEP_ASSERTS "Keep assertions in Release builds" ON)
if(PTYCHOPINN_KEEP_ASSERTS)
  foreach(cfg RELEASE RELWITHDEBINFO MINSIZEREL)
    string(REPLACE "-DNDEBUG" "" CMAKE_CXX_FLAGS_${cfg} "${CMAKE_CXX_FLAGS_${cfg}}")
  endforeach()
endif()
