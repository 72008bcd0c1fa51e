#include "ptychopinn/config/field_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <random>

#include "config_test_util.h"
#include "ptychopinn/config/training_config.h"

namespace ptychopinn::config {
namespace {

using testing::throws_config_error;

FieldValue parse(const std::string& text, FieldType type, bool optional = false) {
  return parse_raw_value(RawValue::plain(text), type, optional, {}, "key");
}

TEST(FieldTable, ScientificNotationIsANumberInEverySpelling) {
  for (const char* s : {"1e6", "1E6", "1e+6", "1.0e6", "1.0e+6", "1000000", "+1e6"}) {
    EXPECT_EQ(std::get<double>(parse(s, FieldType::kFloat)), 1e6) << s;
  }
  EXPECT_EQ(std::get<double>(parse(".5", FieldType::kFloat)), 0.5);
  EXPECT_EQ(std::get<double>(parse("-2.5e-3", FieldType::kFloat)), -2.5e-3);
}

TEST(FieldTable, NonNumbersAndNonFiniteNumbersAreNotFloats) {
  for (const char* s : {"1e", "e6", "1.2.3", "0x10", ".inf", "nan", "inf", "1e999", "ten", "1,5"}) {
    EXPECT_TRUE(
        throws_config_error([&] { parse(s, FieldType::kFloat); }, {"key = ", "expected a finite number"}))
        << s;
  }
}

TEST(FieldTable, IntegersRejectFractionsExponentsAndWords) {
  EXPECT_EQ(std::get<std::int64_t>(parse("16", FieldType::kInt)), 16);
  EXPECT_EQ(std::get<std::int64_t>(parse("-3", FieldType::kInt)), -3);
  EXPECT_TRUE(throws_config_error([] { parse("1.5", FieldType::kInt); }, {"key = 1.5; expected an integer"}));
  EXPECT_TRUE(throws_config_error([] { parse("1e3", FieldType::kInt); }, {"expected an integer"}));
  EXPECT_TRUE(throws_config_error([] { parse("ten", FieldType::kInt); }, {"key = ten; expected an integer"}));
}

TEST(FieldTable, BooleansAcceptYaml11SpellingsInAnyCase) {
  for (const char* s : {"true", "True", "TRUE", "yes", "Yes", "on", "ON"}) {
    EXPECT_TRUE(std::get<bool>(parse(s, FieldType::kBool))) << s;
  }
  for (const char* s : {"false", "False", "FALSE", "no", "No", "off", "Off"}) {
    EXPECT_FALSE(std::get<bool>(parse(s, FieldType::kBool))) << s;
  }
}

TEST(FieldTable, AQuotedFalseIsFalseNotATruthyString) {
  const FieldValue v =
      parse_raw_value(RawValue::quoted_text("False"), FieldType::kBool, false, {}, "object_big");
  EXPECT_EQ(v, FieldValue(false));
}

TEST(FieldTable, NumbersAreNotBooleans) {
  EXPECT_TRUE(throws_config_error([] { parse("1", FieldType::kBool); },
                                  {"key = 1; expected a boolean (true/false)"}));
}

TEST(FieldTable, NullSpellingsGiveNullForOptionalFieldsOnly) {
  for (const char* s : {"null", "Null", "NULL", "~", "", "none", "None"}) {
    EXPECT_TRUE(std::holds_alternative<std::monostate>(parse(s, FieldType::kInt, true))) << s;
  }
  EXPECT_TRUE(std::holds_alternative<std::monostate>(
      parse_raw_value(RawValue::null(), FieldType::kPath, true, {}, "k")));
  EXPECT_TRUE(
      throws_config_error([] { parse("null", FieldType::kInt); }, {"key = null; expected an integer"}));
}

TEST(FieldTable, NoneIsAnOrdinarySpellingForNonOptionalEnums) {
  const FieldValue v = parse_raw_value(RawValue::plain("none"), FieldType::kEnum, false, {"none", "sqrt"},
                                       "fno_input_transform");
  EXPECT_EQ(v, FieldValue(std::string("none")));
}

TEST(FieldTable, QuotedNullIsText) {
  const FieldValue v =
      parse_raw_value(RawValue::quoted_text("null"), FieldType::kPath, true, {}, "output_dir");
  EXPECT_EQ(v, FieldValue(std::string("null")));
}

TEST(FieldTable, ListsAndMappingsAreNeverScalars) {
  const RawValue list{RawValue::Kind::kSequence, "[1, 2]"};
  EXPECT_TRUE(throws_config_error([&] { parse_raw_value(list, FieldType::kInt, false, {}, "nepochs"); },
                                  {"nepochs = [1, 2]; expected an integer"}));
}

TEST(FieldTable, FormatDoubleRoundTripsAndAlwaysLooksLikeAFloat) {
  EXPECT_EQ(format_double(1e9), "1.0e+09");
  EXPECT_EQ(format_double(4.0), "4.0");
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(5e-5), "5.0e-05");
  EXPECT_EQ(format_double(0.999), "0.999");
  EXPECT_EQ(format_double(0.0), "0.0");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> exponent(-30, 30);
  for (int i = 0; i < 1000; ++i) {
    const double x = std::pow(10.0, exponent(rng)) * (i % 2 ? -1 : 1);
    const std::string s = format_double(x);
    EXPECT_EQ(std::get<double>(parse(s, FieldType::kFloat)), x) << s;
  }
}

TEST(FieldTable, JsonKeepsFloatsFloatAndIntsInt) {
  EXPECT_EQ(value_to_json(FieldValue(2.0)).dump(), "2.0");
  EXPECT_TRUE(value_to_json(FieldValue(2.0)).is_number_float());
  EXPECT_TRUE(value_to_json(FieldValue(std::int64_t{2})).is_number_integer());
  EXPECT_TRUE(value_to_json(FieldValue{}).is_null());
}

TEST(FieldTable, JsonStringsAreQuotedTextAndNumbersPlainText) {
  EXPECT_EQ(raw_from_json(nlohmann::json("x")).kind, RawValue::Kind::kQuotedText);
  EXPECT_EQ(raw_from_json(nlohmann::json(5e8)).text, "500000000.0");
  EXPECT_EQ(raw_from_json(nlohmann::json(true)).text, "true");
  EXPECT_EQ(raw_from_json(nlohmann::json::array({1})).kind, RawValue::Kind::kSequence);
  EXPECT_EQ(raw_from_json(nlohmann::json()).kind, RawValue::Kind::kNull);
}

TEST(FieldTable, FindFieldAcceptsBareAndGroupQualifiedKeys) {
  const auto& fields = training_fields();
  ASSERT_NE(find_field(fields, "N"), nullptr);
  EXPECT_EQ(find_field(fields, "N"), find_field(fields, "model.N"));
  EXPECT_EQ(find_field(fields, "seed"), find_field(fields, "runtime.seed"));
  EXPECT_EQ(find_field(fields, "model.seed"), nullptr);
  EXPECT_EQ(find_field(fields, "nepoch"), nullptr);
  EXPECT_EQ(find_legacy_field(fields, "object.big"), find_field(fields, "object_big"));
}

TEST(FieldTable, RowsSetAndRenderValuesAsText) {
  TrainingConfig c;
  const auto* nphotons = find_field(training_fields(), "nphotons");
  nphotons->set_from_string(c, "1e6");
  EXPECT_EQ(c.nphotons, 1e6);
  EXPECT_EQ(nphotons->value_string(c), "1.0e+06");
  const auto* clip = find_field(training_fields(), "gradient_clip_val");
  EXPECT_EQ(clip->value_string(c), "null");
  clip->set_from_string(c, "0.5");
  EXPECT_EQ(c.gradient_clip_val, 0.5);
  const auto* sched = find_field(training_fields(), "scheduler");
  sched->set_from_string(c, "Exponential");
  EXPECT_EQ(c.scheduler, Scheduler::kExponential);
  EXPECT_EQ(sched->value_string(c), "Exponential");
}

TEST(FieldTable, IntFieldsRejectValuesBeyondInt) {
  TrainingConfig c;
  EXPECT_TRUE(
      throws_config_error([&] { find_field(training_fields(), "nepochs")->set_from_string(c, "3000000000"); },
                          {"nepochs = 3000000000; expected an integer in [-2147483648, 2147483647]"}));
}

TEST(FieldTable, TypeNamesReadAsHelpText) {
  EXPECT_EQ(find_field(training_fields(), "model_type")->type_name(), "one of pinn, supervised");
  EXPECT_EQ(find_field(training_fields(), "n_subsample")->type_name(), "int or null");
  EXPECT_EQ(find_field(training_fields(), "nphotons")->type_name(), "float");
  EXPECT_EQ(find_field(training_fields(), "output_dir")->type_name(), "path");
  EXPECT_EQ(find_field(training_fields(), "probe_big")->type_name(), "bool");
}

TEST(FieldTable, EveryRowHasADocString) {
  for (const auto& f : training_fields()) EXPECT_FALSE(f.doc.empty()) << f.key;
}

}  // namespace
}  // namespace ptychopinn::config
