#pragma once
// A minimal, non-executing unpickler for the one pickle the Python PtychoPINN puts in npz files:
// `np.savez_compressed(f, _metadata=np.array(json_str, dtype=object))` stores a 0-d object array,
// which NumPy writes as the pickle of the whole ndarray:
//   numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b')     (REDUCE)
//   .__setstate__((1, (), numpy.dtype('O8', False, True), False, [json_str]))   (BUILD)
#include <cstddef>
#include <string>

namespace ptychopinn::io {

// Returns the Python string held by a pickled 0-d numpy object array, as UTF-8.
//
// The pickle is interpreted by a small opcode loop over a whitelist (PROTO, FRAME, STOP, MARK, the
// int / string / bytes / tuple / list / None / bool opcodes, the memo opcodes, GLOBAL and
// STACK_GLOBAL, REDUCE and BUILD). GLOBAL names are limited to numpy.core.multiarray._reconstruct
// (also numpy._core.multiarray), numpy.ndarray, numpy.dtype and _codecs.encode (protocol 2 spells
// bytes that way); REDUCE and BUILD are recorded as symbolic nodes and never executed. The result
// must have exactly the structure above, with an empty shape and a list of one str (or, for
// Python 2 pickles, one byte string holding UTF-8). Protocols 2 to 5 are accepted.
//
// Throws IoError("<where>: ...") for anything else: other globals, other opcodes, other object
// arrays (several elements, non-string elements), truncated or malformed pickles. Nothing is run.
std::string unpickle_numpy_object_string(const void* bytes, std::size_t size, const std::string& where);

}  // namespace ptychopinn::io
