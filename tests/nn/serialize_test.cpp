// nn::save / nn::load: module weights as safetensors files, including files written by PyTorch.
#include "minidl/nn/serialize.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "minidl/core/elementwise.hpp"
#include "minidl/nn/activation.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/sequential.hpp"
#include "../io/safetensors_test_util.hpp"

namespace minidl::nn {
namespace {

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Sequential mlp_64_128_10() { return Sequential{Linear(64, 128), ReLU(), Linear(128, 10)}; }

TEST(Serialize, PyTorchLinearLoadsIntoLinear) {
  Linear lin(2, 3);
  load(lin, "tests/reference/linear_2to3.safetensors");
  EXPECT_EQ(lin.weight().data().to_vector(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(lin.bias().data().to_vector(), (std::vector<float>{0.5f, -0.5f, 0.25f}));
  EXPECT_EQ(lin(Tensor::from({{1, 1}})).data().to_vector(), (std::vector<float>{3.5f, 6.5f, 11.25f}));
}

TEST(Serialize, PyTorchMlpLoadsIntoTheSameSequential) {
  Sequential net = mlp_64_128_10();
  load(net, "tests/reference/mlp_64_128_10_torch_init.safetensors");
  // First values from mlp_64_128_10_torch_init.json, as PyTorch printed them.
  EXPECT_EQ(net.at<Linear>(0).weight().data().at({0, 0}), -0.0009358525276184082f);
  EXPECT_EQ(net.at<Linear>(0).bias().data().at({3}), -0.0788111686706543f);
  EXPECT_EQ(net.at<Linear>(2).weight().data().at({0, 1}), -0.010364404879510403f);
  EXPECT_EQ(net.at<Linear>(2).bias().data().at({0}), 0.07760836184024811f);
  EXPECT_EQ(net(Tensor::zeros({1, 64})).shape(), (Shape{1, 10}));
}

TEST(Serialize, SaveThenLoadRestoresEveryParameter) {
  io::testing::ScratchDir dir;
  Generator a(1), b(2);
  Sequential trained{Linear(5, 4, true, a), Tanh(), Linear(4, 2, true, a)};
  Sequential fresh{Linear(5, 4, true, b), Tanh(), Linear(4, 2, true, b)};
  save(trained, dir / "model.safetensors");
  load(fresh, dir / "model.safetensors");
  for (const auto& [name, value] : trained.state_dict()) EXPECT_TRUE(equal(fresh.state_dict().at(name), value)) << name;
}

TEST(Serialize, ResavingALoadedModelGivesTheSameBytes) {
  io::testing::ScratchDir dir;
  Sequential net = mlp_64_128_10();
  save(net, dir / "a.safetensors", {{"format", "pt"}});
  Sequential other = mlp_64_128_10();
  load(other, dir / "a.safetensors");
  save(other, dir / "b.safetensors", {{"format", "pt"}});
  EXPECT_EQ(read_bytes(dir / "a.safetensors"), read_bytes(dir / "b.safetensors"));
}

TEST(Serialize, TheMlpFileFromPyTorchSurvivesARoundTripThroughMinidl) {
  io::testing::ScratchDir dir;
  Sequential net = mlp_64_128_10();
  load(net, "tests/reference/mlp_64_128_10_torch_init.safetensors");
  save(net, dir / "resaved.safetensors");
  const StateDict original = load_safetensors("tests/reference/mlp_64_128_10_torch_init.safetensors");
  const StateDict resaved = load_safetensors(dir / "resaved.safetensors");
  for (const auto& [name, value] : original) EXPECT_TRUE(equal(resaved.at(name), value)) << name;
}

TEST(Serialize, LoadingIntoTheWrongArchitectureNamesThePathAndTheEntries) {
  Linear lin(3, 2);
  try {
    load(lin, "tests/reference/linear_2to3.safetensors");
    FAIL() << "expected ValueError";
  } catch (const ValueError& e) {
    EXPECT_EQ(std::string(e.what()),
              "tests/reference/linear_2to3.safetensors: error(s) loading state_dict into Linear:\n"
              "  shape mismatch for \"weight\": dict has [3, 2], module has [2, 3]\n"
              "  shape mismatch for \"bias\": dict has [3], module has [2]");
  }
}

}  // namespace
}  // namespace minidl::nn
