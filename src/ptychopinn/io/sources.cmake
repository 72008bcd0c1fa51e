# The torch-free sources of pp_io, relative to this folder. Shared by this folder's CMakeLists.txt
# and by the standalone fuzz build (fuzz/CMakeLists.txt), which compiles them without LibTorch.
set(PP_IO_SOURCES
  atomic_file.cpp
  dtype.cpp
  file_format.cpp
  mapped_file.cpp
  npy.cpp
  npy_array.cpp
  npy_header.cpp
  npz_reader.cpp
  npz_writer.cpp
  pickle_string.cpp
  utf.cpp
  zip_archive.cpp
  zip_directory.cpp)
