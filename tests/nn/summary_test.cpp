// summary(): layers, output shapes and parameter counts, without side effects on the model.
#include "minidl/nn/summary.hpp"

#include <gtest/gtest.h>

#include "minidl/nn/activation.hpp"
#include "minidl/nn/dropout.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/sequential.hpp"

namespace minidl::nn {
namespace {

TEST(Summary, ListsEachLayerWithItsOutputShapeAndParameters) {
  Sequential net{Linear(64, 128), ReLU(), Linear(128, 10)};
  Summary s = summarize(net, Shape{1, 64});
  ASSERT_EQ(s.rows.size(), 3u);
  EXPECT_EQ(s.rows[0].name, "0");
  EXPECT_EQ(s.rows[0].layer, "Linear(in_features=64, out_features=128, bias=True)");
  EXPECT_EQ(s.rows[0].output_shape, (Shape{1, 128}));
  EXPECT_EQ(s.rows[0].num_parameters, 8320);
  EXPECT_EQ(s.rows[1].output_shape, (Shape{1, 128}));
  EXPECT_EQ(s.rows[1].num_parameters, 0);
  EXPECT_EQ(s.rows[2].output_shape, (Shape{1, 10}));
  EXPECT_EQ(s.rows[2].num_parameters, 1290);
  EXPECT_EQ(s.total_parameters, 9610);
  EXPECT_EQ(s.trainable_parameters, 9610);

  const std::string text = s.to_string();
  EXPECT_NE(text.find("[1, 128]"), std::string::npos) << text;
  EXPECT_NE(text.find("8,320"), std::string::npos) << text;
  EXPECT_NE(text.find("Total params: 9,610"), std::string::npos) << text;
}

TEST(Summary, WithoutAnInputShapeOutputShapesAreUnknown) {
  Sequential net{Linear(4, 2), Sigmoid()};
  Summary s = summarize(net);
  for (const auto& row : s.rows) EXPECT_FALSE(row.output_shape.has_value());
  EXPECT_NE(s.to_string().find("Sigmoid()"), std::string::npos);
}

TEST(Summary, NestedSequentialsAreIndented) {
  Sequential net{Linear(4, 3), std::make_shared<Sequential>(Linear(3, 2), ReLU())};
  Summary s = summarize(net, Shape{5, 4});
  ASSERT_EQ(s.rows.size(), 4u);
  EXPECT_EQ(s.rows[1].name, "1");
  EXPECT_EQ(s.rows[1].output_shape, (Shape{5, 2}));
  EXPECT_EQ(s.rows[1].num_parameters, 8);
  EXPECT_EQ(s.rows[2].name, "1.0");
  EXPECT_EQ(s.rows[2].depth, 1);
}

TEST(Summary, LeavesTrainingModeAndRandomStateAsTheyWere) {
  Sequential net{Linear(4, 4), Dropout(0.5f, Generator(1))};
  const Generator::State before = net.at<Dropout>(1).generator().state();
  summarize(net, Shape{2, 4});
  EXPECT_TRUE(net.is_training());
  EXPECT_TRUE(net[1].is_training());
  EXPECT_EQ(net.at<Dropout>(1).generator().state().state, before.state);
  net.eval();
  summarize(net, Shape{2, 4});
  EXPECT_FALSE(net[0].is_training());
}

}  // namespace
}  // namespace minidl::nn
