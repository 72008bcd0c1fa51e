// Manifest: JSON round trip and the checks a reader makes before trusting the rest of an archive.
#include "ptychopinn/bundle/manifest.h"

#include <gtest/gtest.h>

#include "ptychopinn/util/errors.h"

namespace ptychopinn::bundle {
namespace {

Manifest sample() {
  Manifest m;
  m.software_version = "0.1.0";
  m.created_utc = "2025-01-31T12:00:00Z";
  m.model_type = "supervised";
  m.merge_denominator = "co_masked";
  m.trainable_parameters = 2331772;
  return m;
}

std::string load_error(const nlohmann::json& j) {
  try {
    Manifest::from_json(j, "run/wts.h5.zip, member 'manifest.json'");
  } catch (const IoError& e) {
    return e.what();
  }
  return "";
}

TEST(Manifest, RoundTripsThroughJson) {
  const Manifest m = sample();
  const nlohmann::json j = m.to_json();
  EXPECT_EQ(j["format"], "ptychopinn-model");
  EXPECT_EQ(j["format_version"], 1);
  EXPECT_EQ(j["backend"], "libtorch");
  EXPECT_EQ(j["trainable_parameters"], 2331772);
  const Manifest back = Manifest::from_json(j, "test");
  EXPECT_EQ(back.to_json(), j);
}

TEST(Manifest, NewerFormatVersionSaysToUpdate) {
  nlohmann::json j = sample().to_json();
  j["format_version"] = kFormatVersion + 1;
  const std::string e = load_error(j);
  EXPECT_NE(e.find("run/wts.h5.zip, member 'manifest.json'"), std::string::npos) << e;
  EXPECT_NE(e.find("format_version = 2"), std::string::npos) << e;
  EXPECT_NE(e.find("newer ptychopinn"), std::string::npos) << e;
}

TEST(Manifest, UnknownFormatBackendAndSpellingsAreRefused) {
  nlohmann::json j = sample().to_json();
  j["format"] = "keras";
  EXPECT_NE(load_error(j).find("format = 'keras'; expected 'ptychopinn-model'"), std::string::npos);
  j = sample().to_json();
  j["backend"] = "pytorch";
  EXPECT_NE(load_error(j).find("backend = 'pytorch'"), std::string::npos);
  j = sample().to_json();
  j["merge_denominator"] = "comasked";
  EXPECT_NE(load_error(j).find("merge_denominator = 'comasked'"), std::string::npos) << load_error(j);
  j = sample().to_json();
  j["model_type"] = "pinnn";
  EXPECT_NE(load_error(j).find("model_type = 'pinnn'"), std::string::npos) << load_error(j);
}

TEST(Manifest, MissingKeysAndWrongTypesNameTheKey) {
  nlohmann::json j = sample().to_json();
  j.erase("created_utc");
  EXPECT_NE(load_error(j).find("key 'created_utc' is missing"), std::string::npos);
  j = sample().to_json();
  j["format_version"] = "1";
  EXPECT_NE(load_error(j).find("format_version = \"1\"; expected an integer"), std::string::npos);
  EXPECT_NE(load_error(nlohmann::json::array()).find("expected a JSON object"), std::string::npos);
}

TEST(Manifest, UnknownKeysAreIgnored) {
  nlohmann::json j = sample().to_json();
  j["note"] = "added by a later minor version";
  EXPECT_EQ(load_error(j), "");
}

TEST(Manifest, TimestampIsIso8601Utc) {
  const std::string t = utc_now_iso8601();
  ASSERT_EQ(t.size(), 20u) << t;
  EXPECT_EQ(t[4], '-');
  EXPECT_EQ(t[10], 'T');
  EXPECT_EQ(t.back(), 'Z');
}

}  // namespace
}  // namespace ptychopinn::bundle
