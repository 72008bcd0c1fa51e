# Every dependency comes from a Debian 12 package (scripts/setup-deps.sh installs them). LibTorch may
# instead come from any LibTorch >= 1.13 found through CMAKE_PREFIX_PATH (a CUDA build, or the CMake
# package bundled with a pip torch: python3 -c 'import torch; print(torch.utils.cmake_prefix_path)').
find_package(Torch REQUIRED)
if(Torch_VERSION AND Torch_VERSION VERSION_LESS 1.13)
  message(FATAL_ERROR "LibTorch ${Torch_VERSION} found at ${Torch_DIR}; ptychopinn needs >= 1.13")
endif()
message(STATUS "ptychopinn: LibTorch ${Torch_VERSION} from ${Torch_DIR}")
# Newer LibTorch headers need C++20 (they use concepts), and its package says so on the torch
# target; the code is C++17 and also compiles as C++20.
if(TARGET torch)
  get_target_property(_pp_torch_standard torch CXX_STANDARD)
  if(_pp_torch_standard AND _pp_torch_standard GREATER CMAKE_CXX_STANDARD)
    set(CMAKE_CXX_STANDARD ${_pp_torch_standard})
  endif()
endif()
message(STATUS "ptychopinn: C++${CMAKE_CXX_STANDARD}")

# Debian's libzip CMake package insists on the zip tools (package zipcmp) being installed; its
# pkg-config file does not.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip>=1.7)
add_library(pp_libzip INTERFACE)
target_link_libraries(pp_libzip INTERFACE PkgConfig::LIBZIP)
# xxHash: content hashes of scan coordinates for the grouping cache.
pkg_check_modules(LIBXXHASH REQUIRED IMPORTED_TARGET libxxhash>=0.8)
add_library(pp_xxhash INTERFACE)
target_link_libraries(pp_xxhash INTERFACE PkgConfig::LIBXXHASH)
# libpng: PNG objects for the simulator and pictures of results (io/png.h).
pkg_check_modules(LIBPNG REQUIRED IMPORTED_TARGET libpng>=1.6)
add_library(pp_libpng INTERFACE)
target_link_libraries(pp_libpng INTERFACE PkgConfig::LIBPNG)

# FFTW (libfftw3-dev), single precision: the iterative engine's FFTs on the CPU
# (iterative/far_field.h); fftw3f_threads only for its thread-safe planner switch.
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f>=3.3.5)
find_library(PP_FFTW3F_THREADS fftw3f_threads HINTS ${FFTW3F_LIBRARY_DIRS} REQUIRED)
add_library(pp_fftw INTERFACE)
target_link_libraries(pp_fftw INTERFACE ${PP_FFTW3F_THREADS} PkgConfig::FFTW3F)

find_package(nanoflann REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(Threads REQUIRED)

# LibTorch's imported target carries its compile flags (ABI, definitions) in TORCH_CXX_FLAGS; a pip
# torch needs them, Debian's sets none. Wrap torch once so every consumer gets the same flags, which
# also keeps the one precompiled header reusable.
#
# Debian's LibTorch parallelises through OpenMP, and at::parallel_for is a header template: it is
# compiled into OUR translation units and runs serially unless they are built with -fopenmp. So
# OpenMP is part of using torch here, not an option (GCC's libgomp is the runtime torch links).
find_package(OpenMP REQUIRED COMPONENTS CXX)
add_library(pp_torch INTERFACE)
target_link_libraries(pp_torch INTERFACE ${TORCH_LIBRARIES} OpenMP::OpenMP_CXX)
if(TORCH_CXX_FLAGS)
  separate_arguments(_pp_torch_flags UNIX_COMMAND "${TORCH_CXX_FLAGS}")
  target_compile_options(pp_torch INTERFACE ${_pp_torch_flags})
endif()

# Gloo's headers (libgloo-dev), which LibTorch's ProcessGroupGloo.hpp includes (distributed/):
# Debian's LibTorch has Gloo built in and ships its headers apart, in /usr/include; a LibTorch that
# brings its own headers is searched first, so that they match its Gloo.
find_path(PTYCHOPINN_GLOO_INCLUDE_DIR gloo/rendezvous/store.h HINTS ${TORCH_INCLUDE_DIRS})
if(NOT PTYCHOPINN_GLOO_INCLUDE_DIR)
  message(FATAL_ERROR "Gloo's headers (gloo/rendezvous/store.h), which LibTorch's distributed "
                      "headers include, were not found: install libgloo-dev")
endif()
add_library(pp_gloo INTERFACE)
target_include_directories(pp_gloo SYSTEM INTERFACE ${PTYCHOPINN_GLOO_INCLUDE_DIR})

# oneDNN (libdnnl-dev), optional: the generator's inference runs its wide 3 x 3 convolutions with
# oneDNN's Winograd algorithm, which LibTorch never selects (nets/winograd_conv3x3.h). Debian's
# LibTorch itself runs on this shared libdnnl. Without the headers those layers run LibTorch's
# convolution, as everywhere oneDNN has no Winograd kernel (CPUs without AVX-512).
find_path(PTYCHOPINN_DNNL_INCLUDE_DIR dnnl.hpp)
find_library(PTYCHOPINN_DNNL_LIBRARY NAMES dnnl)
add_library(pp_onednn INTERFACE)
if(PTYCHOPINN_DNNL_INCLUDE_DIR AND PTYCHOPINN_DNNL_LIBRARY)
  target_include_directories(pp_onednn SYSTEM INTERFACE ${PTYCHOPINN_DNNL_INCLUDE_DIR})
  target_link_libraries(pp_onednn INTERFACE ${PTYCHOPINN_DNNL_LIBRARY})
  target_compile_definitions(pp_onednn INTERFACE PTYCHOPINN_HAVE_ONEDNN=1)
  set(PTYCHOPINN_HAVE_ONEDNN ON)
  message(STATUS "ptychopinn: oneDNN from ${PTYCHOPINN_DNNL_LIBRARY} (Winograd inference)")
else()
  set(PTYCHOPINN_HAVE_ONEDNN OFF)
  message(STATUS "ptychopinn: oneDNN headers not found (libdnnl-dev): inference without Winograd")
endif()

# yaml-cpp 0.7 exports the target "yaml-cpp"; newer releases "yaml-cpp::yaml-cpp".
if(TARGET yaml-cpp::yaml-cpp)
  set(PP_YAML_TARGET yaml-cpp::yaml-cpp)
else()
  set(PP_YAML_TARGET yaml-cpp)
endif()

# FreeType renders the labels of pictures (colour bars, titles, plot axes).
pkg_check_modules(FREETYPE REQUIRED IMPORTED_TARGET freetype2)
add_library(pp_freetype INTERFACE)
target_link_libraries(pp_freetype INTERFACE PkgConfig::FREETYPE)

# HDF5 (C API, libhdf5-dev): the ptychodus product file (io/ptychodus_product.h). Only pp_product
# links it; the fuzz build has no HDF5. FindHDF5 try-compiles a C file to find the C bindings, so
# the C language must be enabled (the project has no C sources).
enable_language(C)
find_package(HDF5 REQUIRED COMPONENTS C)
add_library(pp_hdf5 INTERFACE)
if(TARGET HDF5::HDF5)
  target_link_libraries(pp_hdf5 INTERFACE HDF5::HDF5)
else()
  target_include_directories(pp_hdf5 INTERFACE ${HDF5_INCLUDE_DIRS})
  target_compile_definitions(pp_hdf5 INTERFACE ${HDF5_DEFINITIONS})
  target_link_libraries(pp_hdf5 INTERFACE ${HDF5_LIBRARIES})
endif()

# liblzf (liblzf-dev): the LZF filter of ptychodus' diffraction files (io/lzf_filter.h).
pkg_check_modules(LZF REQUIRED IMPORTED_TARGET liblzf)
add_library(pp_lzf INTERFACE)
target_link_libraries(pp_lzf INTERFACE PkgConfig::LZF)

# libbz2 (libbz2-dev): reading bzip2-compressed NPZ scans such as tike's test data (io/bzip2.h).
find_package(BZip2 REQUIRED)
add_library(pp_bzip2 INTERFACE)
target_link_libraries(pp_bzip2 INTERFACE BZip2::BZip2)

# The Python module (python/): Debian's python3 (python3-dev) and pybind11 (pybind11-dev). The
# interpreter is /usr/bin/python3 unless Python3_EXECUTABLE says otherwise: another python3 may come
# first on PATH, and the module must match the interpreter that imports it.
if(PTYCHOPINN_BUILD_PYTHON)
  if(NOT Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
    set(Python3_EXECUTABLE /usr/bin/python3)
  endif()
  find_package(Python3 REQUIRED COMPONENTS Interpreter Development.Module)
  set(PYBIND11_FINDPYTHON ON)
  find_package(pybind11 2.6 REQUIRED CONFIG)
endif()
