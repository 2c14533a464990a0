// state_dict and load_state_dict: names, in-place copies, strict and non-strict loading.
#include "minidl/nn/state_dict.hpp"

#include <gtest/gtest.h>

#include "minidl/core/elementwise.hpp"
#include "minidl/nn/activation.hpp"
#include "minidl/nn/linear.hpp"
#include "minidl/nn/sequential.hpp"
#include "minidl_test/errors.hpp"

namespace minidl::nn {
namespace {

Sequential mlp() { return Sequential{Linear(4, 3), ReLU(), Linear(3, 2)}; }

template <class Fn>
std::string error_of(Fn&& fn) {
  return test::error_of<Error>(fn);
}

TEST(StateDict, KeepsInsertionOrderAndUniqueNames) {
  StateDict d{{"b", Tensor::ones({1})}, {"a", Tensor::zeros({2})}};
  EXPECT_EQ(d.names(), (std::vector<std::string>{"b", "a"}));
  EXPECT_TRUE(d.contains("a"));
  EXPECT_EQ(d.find("c"), nullptr);
  EXPECT_THROW(d.insert("a", Tensor::ones({1})), ValueError);
  EXPECT_EQ(error_of([&] { d.at("c"); }), "StateDict: no entry \"c\" (present: b, a)");
}

TEST(StateDict, ModuleStateSharesStorageWithTheParameters) {
  Sequential net = mlp();
  StateDict d = net.state_dict();
  EXPECT_TRUE(d.at("0.weight").shares_storage(net.at<Linear>(0).weight().data()));
}

TEST(StateDict, LoadCopiesValuesIntoTheExistingParameters) {
  Sequential source = mlp(), target = mlp();
  Variable w = target.at<Linear>(2).weight();
  const Tensor storage_before = w.data();
  LoadResult r = target.load_state_dict(source.state_dict());
  EXPECT_TRUE(r.missing_keys.empty());
  EXPECT_TRUE(r.unexpected_keys.empty());
  for (const auto& [name, value] : source.state_dict()) EXPECT_TRUE(equal(target.state_dict().at(name), value)) << name;
  EXPECT_TRUE(target.at<Linear>(2).weight().same(w));   // the same parameter (optimizers hold it)
  EXPECT_TRUE(w.data().shares_storage(storage_before));  // written in place
}

TEST(StateDict, StrictLoadNamesEveryProblemInOneError) {
  Sequential net = mlp();
  StateDict bad{{"0.weight", Tensor::zeros({3, 4})},
                {"0.bias", Tensor::zeros({4})},
                {"2.weight", Tensor::zeros({2, 3})},
                {"extra.weight", Tensor::zeros({1})}};
  const std::string msg = error_of([&] { net.load_state_dict(bad); });
  EXPECT_EQ(msg,
            "error(s) loading state_dict into Sequential:\n"
            "  missing: \"2.bias\"\n"
            "  unexpected: \"extra.weight\"\n"
            "  shape mismatch for \"0.bias\": dict has [4], module has [3]");
}

TEST(StateDict, AFailedLoadChangesNothing) {
  Sequential net = mlp();
  const Tensor before = net.state_dict().at("0.weight").clone();
  StateDict partial{{"0.weight", Tensor::zeros({3, 4})}, {"0.bias", Tensor::zeros({3})}};
  EXPECT_THROW(net.load_state_dict(partial), ValueError);
  EXPECT_TRUE(equal(net.state_dict().at("0.weight"), before));
}

TEST(StateDict, NonStrictLoadReturnsMissingAndUnexpectedNames) {
  Sequential net = mlp();
  StateDict partial{{"0.weight", Tensor::ones({3, 4})}, {"head.bias", Tensor::ones({2})}};
  LoadResult r = net.load_state_dict(partial, /*strict=*/false);
  EXPECT_EQ(r.missing_keys, (std::vector<std::string>{"0.bias", "2.weight", "2.bias"}));
  EXPECT_EQ(r.unexpected_keys, std::vector<std::string>{"head.bias"});
  EXPECT_TRUE(equal(net.state_dict().at("0.weight"), Tensor::ones({3, 4})));
}

TEST(StateDict, WrongShapesAndDtypesFailEvenWhenNotStrict) {
  Sequential net = mlp();
  EXPECT_EQ(error_of([&] { net.load_state_dict({{"2.bias", Tensor::zeros({3})}}, false); }),
            "error(s) loading state_dict into Sequential:\n"
            "  shape mismatch for \"2.bias\": dict has [3], module has [2]");
  EXPECT_EQ(error_of([&] { net.load_state_dict({{"2.bias", Tensor::from_int64({1, 2})}}, false); }),
            "error(s) loading state_dict into Sequential:\n"
            "  dtype mismatch for \"2.bias\": dict has int64, module has float32");
}

}  // namespace
}  // namespace minidl::nn
