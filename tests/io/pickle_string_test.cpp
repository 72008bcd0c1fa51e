#include "ptychopinn/io/pickle_string.h"

#include <gtest/gtest.h>

#include "io_test_support.h"
#include "ptychopinn/util/errors.h"

namespace ptychopinn::io {
namespace {

const std::string kSeeds = std::string(PTYCHOPINN_SOURCE_DIR) + "/fuzz/seeds/pickle/";
const std::string kJson = "{\"a\": 1, \"b\": \"\xc3\xa9\"}";

TEST(PickleString, ReadsNumpyObjectArraysAtProtocols2To5) {
  // fuzz/make_seeds.py: pickle.dumps(np.array(json, dtype=object), protocol=p).
  for (int p = 2; p <= 5; ++p) {
    SCOPED_TRACE(p);
    const std::string bytes = testing::read_bytes(kSeeds + "p" + std::to_string(p) + ".pickle");
    ASSERT_FALSE(bytes.empty());
    EXPECT_EQ(unpickle_numpy_object_string(bytes.data(), bytes.size(), "m"), kJson);
  }
}

TEST(PickleString, RefusesOtherPicklesWithoutRunningThem) {
  // pickle.dumps of a __reduce__ to os.system('echo pwned'), protocol 3.
  const std::string evil =
      "\x80\x03"
      "cposix\nsystem\nq\x00X\x0a\x00\x00\x00echo pwnedq\x01\x85q\x02Rq\x03.";
  try {
    unpickle_numpy_object_string(evil.data(), evil.size(), "evil.npz, member 'm.npy'");
    FAIL() << "no exception";
  } catch (const IoError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("evil.npz, member 'm.npy'"), std::string::npos) << m;
    EXPECT_NE(m.find("global = 'posix.system'"), std::string::npos) << m;
  }
  const std::string just_a_string = "\x80\x03X\x01\x00\x00\x00a.";
  EXPECT_THROW(unpickle_numpy_object_string(just_a_string.data(), just_a_string.size(), "s"), IoError);
  EXPECT_THROW(unpickle_numpy_object_string("", 0, "e"), IoError);
  const std::string underflow = "\x80\x03R.";
  EXPECT_THROW(unpickle_numpy_object_string(underflow.data(), underflow.size(), "u"), IoError);
  const std::string bad_memo = "\x80\x03h\x05.";
  EXPECT_THROW(unpickle_numpy_object_string(bad_memo.data(), bad_memo.size(), "g"), IoError);
}

TEST(PickleString, EveryTruncationFailsCleanly) {
  const std::string bytes = testing::read_bytes(kSeeds + "p3.pickle");
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::unique_ptr<char[]> copy(new char[n + 1]);
    std::memcpy(copy.get(), bytes.data(), n);
    EXPECT_THROW(unpickle_numpy_object_string(copy.get(), n, "t"), IoError) << n;
  }
}

}  // namespace
}  // namespace ptychopinn::io
