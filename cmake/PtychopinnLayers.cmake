# The layers of src/ptychopinn/, lowest first (docs/architecture.md draws them). A folder may include
# and link only folders of lower layers and itself, plus the sibling edges listed in
# PTYCHOPINN_LAYER_SIBLINGS. Checked at configure time for links (pp_check_layer_links, called after
# the libraries are defined) and by the `layers.includes` test for #include lines
# (cmake/CheckLayerIncludes.cmake), so a lower layer that reaches up fails the build or the tests.
set(PTYCHOPINN_LAYERS
  "util;tensor"
  "io;config"
  "data;physics;render;execution;distributed"
  "nets;simulate;bundle;convert;eval"
  "model"
  "train;infer;iterative"
  "report"
  "workflow")
# "from>to": same-layer edges that are allowed (the iterative engine stitches onto infer's grid).
set(PTYCHOPINN_LAYER_SIBLINGS "iterative>infer")

# pp_layer_of(<folder> <out>): the folder's layer index (0 = lowest), or -1 when it has none.
function(pp_layer_of folder out)
  set(index 0)
  foreach(layer IN LISTS PTYCHOPINN_LAYERS)
    string(REPLACE ";" "|" members "${layer}")
    if(folder MATCHES "^(${members})$")
      set(${out} ${index} PARENT_SCOPE)
      return()
    endif()
    math(EXPR index "${index} + 1")
  endforeach()
  set(${out} -1 PARENT_SCOPE)
endfunction()

# pp_layer_edge_allowed(<from> <to> <out>): whether folder <from> may use folder <to>.
function(pp_layer_edge_allowed from to out)
  pp_layer_of(${from} a)
  pp_layer_of(${to} b)
  if(from STREQUAL to OR (a GREATER b AND b GREATER_EQUAL 0) OR "${from}>${to}" IN_LIST PTYCHOPINN_LAYER_SIBLINGS)
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()
