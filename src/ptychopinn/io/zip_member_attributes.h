#pragma once
// The fixed timestamp and attributes of every member of the zip archives we write (model archives,
// their weights.npz), so that the same content always gives the same bytes: NumPy and libzip stamp
// the current time. io::NpzWriter applies the same values (npz_writer.cpp).
#include <zip.h>

namespace ptychopinn::io {

// MS-DOS time and date of 1980-01-01 00:00:00, the zip epoch (date bits: (year - 1980) << 9,
// month << 5, day).
inline constexpr zip_uint16_t kZipDosTime = 0;
inline constexpr zip_uint16_t kZipDosDate = (1 << 5) | 1;
// A regular file, rw-r--r--, in the high 16 bits of the external attributes.
inline constexpr zip_uint32_t kZipUnixAttributes = 0100644u << 16;

// Sets member `index`'s compression `method` (ZIP_CM_STORE / ZIP_CM_DEFLATE), the fixed timestamp
// and the attributes. Returns false when libzip refuses (zip_strerror(archive) says why).
inline bool set_member_attributes(zip_t* archive, zip_uint64_t index, zip_int32_t method) {
  return zip_set_file_compression(archive, index, method, 0) == 0 &&
         zip_file_set_dostime(archive, index, kZipDosTime, kZipDosDate, 0) == 0 &&
         zip_file_set_external_attributes(archive, index, 0, ZIP_OPSYS_UNIX, kZipUnixAttributes) == 0;
}

}  // namespace ptychopinn::io
