// Buffers (state that is not trained, in state_dict under PyTorch's names) and extra state
// (non-tensor state such as a Dropout's generator, saved by checkpoints only).
#include <gtest/gtest.h>

#include "minidl/autograd/ops.hpp"
#include "minidl/core/elementwise.hpp"
#include "minidl/core/error.hpp"
#include "minidl/nn/dropout.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/random.hpp"
#include "minidl/nn/sequential.hpp"
#include "minidl/nn/serialize.hpp"

namespace minidl::nn {
namespace {

// A BatchNorm-like layer: a trained scale, and running statistics updated in place.
class RunningNorm : public Module {
 public:
  explicit RunningNorm(int64_t features) {
    weight = register_parameter("weight", Variable(Tensor::ones({features}), true));
    running_mean = register_buffer("running_mean", Tensor::zeros({features}));
    num_batches_tracked = register_buffer("num_batches_tracked", Tensor::from_int64({0}));
  }
  Variable forward(const Variable& x) override {
    running_mean.copy_(x.data().reshape(running_mean.shape()));  // enough of an update to see it saved
    return mul(x, weight);
  }

  Variable weight;
  Tensor running_mean, num_batches_tracked;
};

// A module whose extra state is text: how many batches it has seen.
class Counter : public Module {
 public:
  Variable forward(const Variable& x) override {
    ++seen;
    return x;
  }
  StateDict get_extra_state() const override {
    StateDict s;
    s.metadata["seen"] = std::to_string(seen);
    return s;
  }
  void set_extra_state(const StateDict& state) override {
    const std::string& text = state.metadata.at("seen");
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      throw ValueError("Counter: \"seen\" must be a count, got '" + text + "'");
    seen = std::stoi(text);
  }
  int seen = 0;
};

Sequential norm_net() { return Sequential{Linear(2, 3), RunningNorm(3)}; }

TEST(Buffers, AreInTheStateDictUnderPyTorchsNamesAfterTheParameters) {
  Sequential net = norm_net();
  EXPECT_EQ(net.state_dict().names(), (std::vector<std::string>{"0.weight", "0.bias", "1.weight",
                                                                "1.running_mean", "1.num_batches_tracked"}));
  std::vector<std::string> buffers;
  for (const auto& [name, tensor] : net.named_buffers()) buffers.push_back(name);
  EXPECT_EQ(buffers, (std::vector<std::string>{"1.running_mean", "1.num_batches_tracked"}));
}

TEST(Buffers, AreNotParameters) {
  Sequential net = norm_net();
  std::vector<std::string> params;
  for (const auto& [name, p] : net.named_parameters()) params.push_back(name);
  EXPECT_EQ(params, (std::vector<std::string>{"0.weight", "0.bias", "1.weight"}));
  EXPECT_EQ(net.num_parameters(), 2 * 3 + 3 + 3);
}

TEST(Buffers, LoadByNameIntoTheModulesOwnTensor) {
  Sequential trained = norm_net(), fresh = norm_net();
  trained(Variable(Tensor::from({{1, 2}})));
  ASSERT_FALSE(equal(trained.at<RunningNorm>(1).running_mean, Tensor::zeros({3})));
  const Tensor handle = fresh.at<RunningNorm>(1).running_mean;
  fresh.load_state_dict(trained.state_dict());
  EXPECT_TRUE(equal(handle, trained.at<RunningNorm>(1).running_mean)) << "copied in place";
  EXPECT_TRUE(fresh.at<RunningNorm>(1).running_mean.shares_storage(handle));
}

TEST(Buffers, AMissingOrMisshapenBufferIsNamed) {
  Sequential net = norm_net();
  StateDict without;
  for (const auto& [name, t] : net.state_dict())
    if (name != "1.running_mean") without.insert(name, t);
  try {
    net.load_state_dict(without);
    FAIL() << "no ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("missing: \"1.running_mean\""), std::string::npos) << e.what();
  }
  StateDict wrong;
  for (const auto& [name, t] : net.state_dict()) wrong.insert(name, name == "1.running_mean" ? Tensor::zeros({4}) : t);
  EXPECT_THROW(net.load_state_dict(wrong), ValueError);
}

TEST(Buffers, SaveAndLoadThroughAWeightsFile) {
  Sequential trained = norm_net(), fresh = norm_net();
  trained(Variable(Tensor::from({{3, 4}})));
  const auto path = std::filesystem::temp_directory_path() / "minidl_buffers_test.safetensors";
  save(trained, path);
  load(fresh, path);
  std::filesystem::remove(path);
  EXPECT_TRUE(equal(fresh.at<RunningNorm>(1).running_mean, trained.at<RunningNorm>(1).running_mean));
}

TEST(Buffers, ShareOneNamespaceWithParametersAndChildren) {
  RunningNorm norm(2);
  EXPECT_THROW(norm.register_buffer("weight", Tensor::zeros({2})), ValueError);
  EXPECT_THROW(norm.register_buffer("running_mean", Tensor::zeros({2})), ValueError);
  EXPECT_THROW(norm.register_parameter("running_mean", Variable(Tensor::zeros({2}), true)), ValueError);
  EXPECT_THROW(norm.register_buffer("a.b", Tensor::zeros({2})), ValueError);
  EXPECT_THROW(norm.register_buffer("empty", Tensor()), ValueError);
}

TEST(ExtraState, DropoutHasNoStateDictEntriesAsInPyTorch) {
  Sequential net{Linear(2, 2), Dropout(0.5f, Generator(1))};
  EXPECT_EQ(net.state_dict().names(), (std::vector<std::string>{"0.weight", "0.bias"}));
  EXPECT_EQ(net.extra_state_dict().names(), std::vector<std::string>{"1.generator"});
}

TEST(ExtraState, ADropoutsGeneratorRoundTripsSoItsMasksContinue) {
  Sequential original{Dropout(0.5f, Generator(1))}, restored{Dropout(0.5f, Generator(2))};
  original(Variable(Tensor::ones({7})));
  restored.load_extra_state_dict(original.extra_state_dict());
  EXPECT_TRUE(equal(original(Variable(Tensor::ones({100}))).data(), restored(Variable(Tensor::ones({100}))).data()));
}

TEST(ExtraState, MetadataStateRoundTripsUnderTheModulesName) {
  Sequential counted{Linear(1, 1), Counter()}, other{Linear(1, 1), Counter()};
  counted(Variable(Tensor::ones({1, 1})));
  counted(Variable(Tensor::ones({1, 1})));
  const StateDict extra = counted.extra_state_dict();
  EXPECT_EQ(extra.metadata, (io::Metadata{{"1.seen", "2"}}));
  other.load_extra_state_dict(extra);
  EXPECT_EQ(other.at<Counter>(1).seen, 2);
}

TEST(ExtraState, MissingUnexpectedOrRefusedStateIsAValueErrorThatChangesNothing) {
  Sequential net{Dropout(0.5f, Generator(1)), Counter(), Dropout(0.5f, Generator(2))};
  const StateDict before = net.extra_state_dict().clone();
  StateDict missing = net.extra_state_dict().extract("1.");
  EXPECT_THROW(net.load_extra_state_dict(missing), ValueError);

  StateDict extra = net.extra_state_dict();
  extra.insert("5.generator", Tensor::zeros({4}));
  try {
    net.load_extra_state_dict(extra);
    FAIL() << "no ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("unexpected: \"5.generator\""), std::string::npos) << e.what();
  }

  // Module 0 takes its state, then module 1 refuses its own: module 0 is put back.
  StateDict refused;
  refused.insert("0.generator", generator_state(Generator(99)));
  refused.insert("2.generator", before.at("2.generator"));
  refused.metadata["1.seen"] = "many";
  try {
    net.load_extra_state_dict(refused);
    FAIL() << "no ValueError";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("\"1\""), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("seen"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(equal(net.extra_state_dict().at("0.generator"), before.at("0.generator")));
}

TEST(ExtraState, AGeneratorStateOfTheWrongFormIsRefused) {
  Dropout drop(0.5f, Generator(1));
  const Tensor good = drop.get_extra_state().at("generator");
  EXPECT_THROW(drop.set_extra_state({{"generator", Tensor::from_int64({1, 2, 3})}}), ValueError);
  EXPECT_THROW(drop.set_extra_state({{"generator", Tensor::zeros({4})}}), ValueError);
  EXPECT_THROW(drop.set_extra_state({{"generator", Tensor::from_int64({1, 3, 2, 0})}}), ValueError) << "has_spare";
  EXPECT_THROW(drop.set_extra_state({{"generator", Tensor::from_int64({1, 3, 0, 1LL << 40})}}), ValueError);
  EXPECT_TRUE(equal(drop.get_extra_state().at("generator"), good)) << "a refused state changes nothing";
}

}  // namespace
}  // namespace minidl::nn
