// Recognising the Python PtychoPINN's archive layouts from member names.
#include "ptychopinn/bundle/foreign_archive.h"

#include <gtest/gtest.h>

#include "bundle_test_support.h"

namespace ptychopinn::bundle {
namespace {

using ptychopinn::testing::TempDir;
using testing::write_fake_zip;

TEST(ForeignArchive, LayoutIsRecognisedFromNames) {
  EXPECT_TRUE(has_foreign_layout({"manifest.dill"}));
  EXPECT_TRUE(has_foreign_layout({"diffraction_to_obj/model.keras"}));
  EXPECT_TRUE(has_foreign_layout({"autoencoder/model.pth"}));
  EXPECT_FALSE(has_foreign_layout({"diff3d.npy", "xcoords.npy"}));
  EXPECT_FALSE(has_foreign_layout({}));
  // Our own archive stays ours, whatever its extra members are called.
  EXPECT_FALSE(has_foreign_layout({"manifest.json", "autoencoder/notes.txt"}));
}

TEST(ForeignArchive, BackendIsIdentified) {
  TempDir dir;
  const std::string path = dir.file("wts.h5.zip");
  write_fake_zip(path, {"manifest.dill", "diffraction_to_obj/model.keras"}, "version 1.0");
  EXPECT_EQ(identify_foreign_backend(io::ZipReader(path)), ForeignBackend::kTensorFlow);
  write_fake_zip(path, {"manifest.dill", "diffraction_to_obj/model.pth"}, "version 1.0");
  EXPECT_EQ(identify_foreign_backend(io::ZipReader(path)), ForeignBackend::kPyTorch);
  write_fake_zip(path, {"manifest.dill"}, "backend pytorch");
  EXPECT_EQ(identify_foreign_backend(io::ZipReader(path)), ForeignBackend::kPyTorch);
  write_fake_zip(path, {"manifest.json"});
  EXPECT_EQ(identify_foreign_backend(io::ZipReader(path)), std::nullopt);
}

TEST(ForeignArchive, GuessesAnNpzAmongOtherZips) {
  EXPECT_NE(guess_zip_content({"a.npy", "b.npy"}).find(".npz"), std::string::npos);
  EXPECT_EQ(guess_zip_content({"a.npy", "b.txt"}), "");
  EXPECT_EQ(guess_zip_content({}), "");
}

}  // namespace
}  // namespace ptychopinn::bundle
