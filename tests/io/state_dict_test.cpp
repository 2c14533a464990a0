// io::StateDict: named tensors in order plus metadata, combined and split by name prefix.
#include "minidl/io/state_dict.hpp"

#include <gtest/gtest.h>

#include "minidl/core/elementwise.hpp"
#include "minidl/core/error.hpp"

namespace minidl::io {
namespace {

TEST(IoStateDict, KeepsInsertionOrderAndUniqueNames) {
  StateDict d{{"b", Tensor::ones({1})}, {"a", Tensor::zeros({2})}};
  EXPECT_EQ(d.names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(d.contains("a"));
  EXPECT_EQ(d.find("c"), nullptr);
  EXPECT_THROW(d.insert("a", Tensor::ones({1})), ValueError);
  EXPECT_THROW(d.at("c"), ValueError);
  EXPECT_EQ(d.size(), 2u) << "metadata is not counted";
}

TEST(IoStateDict, MergeAndExtractRoundTripUnderAPrefix) {
  StateDict optimizer{{"state.w.step", Tensor::from_int64({3})}};
  optimizer.metadata["optimizer"] = "Adam";
  StateDict all{{"model.w", Tensor::ones({2})}};
  all.metadata["minidl.epoch"] = "1";
  all.merge(optimizer, "optimizer.");

  EXPECT_EQ(all.names(), (std::vector<std::string>{"model.w", "optimizer.state.w.step"}));
  EXPECT_EQ(all.metadata.at("optimizer.optimizer"), "Adam");
  const StateDict back = all.extract("optimizer.");
  EXPECT_EQ(back.names(), std::vector<std::string>{"state.w.step"});
  EXPECT_EQ(back.metadata, (Metadata{{"optimizer", "Adam"}}));
  EXPECT_TRUE(all.extract("model.").metadata.empty());
}

TEST(IoStateDict, AMergeWithADuplicateChangesNothing) {
  StateDict a{{"x", Tensor::ones({1})}};
  a.metadata["k"] = "1";
  StateDict clash_tensor{{"y", Tensor::ones({1})}, {"x", Tensor::ones({1})}};
  EXPECT_THROW(a.merge(clash_tensor), ValueError);
  StateDict clash_key{{"y", Tensor::ones({1})}};
  clash_key.metadata["k"] = "2";
  EXPECT_THROW(a.merge(clash_key), ValueError);
  EXPECT_EQ(a.names(), std::vector<std::string>{"x"});
  EXPECT_EQ(a.metadata.at("k"), "1");
}

TEST(IoStateDict, CloneIsASnapshot) {
  Tensor w = Tensor::ones({2});
  StateDict live{{"w", w}};
  live.metadata["k"] = "v";
  const StateDict snapshot = live.clone();
  w.fill_(5.0f);
  EXPECT_TRUE(equal(snapshot.at("w"), Tensor::ones({2})));
  EXPECT_EQ(snapshot.metadata, live.metadata);
}

}  // namespace
}  // namespace minidl::io
