// Learning-rate schedulers: stepped once per epoch, built from typed options or by name,
// saved and restored with their epoch.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "minidl/optim.hpp"

namespace minidl::optim {
namespace {

std::vector<double> lrs_over(Optimizer& optimizer, Scheduler& scheduler, int epochs) {
  std::vector<double> lrs;
  for (int e = 0; e < epochs; ++e) {
    lrs.push_back(optimizer.lr());
    scheduler.step();
  }
  return lrs;
}

TEST(Scheduler, StepLRDecaysEveryStepSizeEpochs) {
  SGD sgd({Variable(Tensor::zeros({1}), true)}, {.lr = 1.0});
  StepLR scheduler(sgd, {.step_size = 2, .gamma = 0.5});
  EXPECT_EQ(lrs_over(sgd, scheduler, 5), (std::vector<double>{1, 1, 0.5, 0.5, 0.25}));
  EXPECT_EQ(scheduler.last_epoch(), 5);
  EXPECT_EQ(scheduler.to_string(), "StepLR(step_size=2, gamma=0.5)");
}

TEST(Scheduler, LinearWarmupSetsItsFirstLrAtConstruction) {
  SGD sgd({Variable(Tensor::zeros({1}), true)}, {.lr = 0.4});
  LinearLR warmup(sgd, {.start_factor = 0.25, .total_iters = 3});
  EXPECT_EQ(sgd.lr(), 0.1);
  EXPECT_EQ(warmup.base_lrs(), std::vector<double>{0.4});
}

TEST(Scheduler, EachGroupIsScheduledFromItsOwnBaseLr) {
  SGD sgd({ParamGroup({Variable(Tensor::zeros({1}), true)}),
           ParamGroup({Variable(Tensor::zeros({1}), true)}, {{"lr", 0.2}})},
          {.lr = 1.0});
  auto scheduler = make_scheduler("exponential", sgd, {{"gamma", 0.5}});
  scheduler->step();
  EXPECT_EQ(scheduler->get_last_lr(), (std::vector<double>{0.5, 0.1}));
}

TEST(Scheduler, ResumesFromItsStateDict) {
  SGD sgd({Variable(Tensor::zeros({1}), true)}, {.lr = 0.1});
  auto cosine = make_scheduler("cosine", sgd, {{"T_max", 10}, {"eta_min", 0.001}});
  lrs_over(sgd, *cosine, 4);
  const StateDict saved = cosine->state_dict();
  EXPECT_EQ(saved.metadata.at("scheduler.last_epoch"), "4");
  EXPECT_EQ(saved.metadata.at("scheduler.options.T_max"), "10");
  const std::vector<double> expected = lrs_over(sgd, *cosine, 3);

  SGD fresh({Variable(Tensor::zeros({1}), true)}, {.lr = 0.1});
  auto resumed = make_scheduler("cosine", fresh, {{"T_max", 99}});
  resumed->load_state_dict(saved);
  EXPECT_EQ(lrs_over(fresh, *resumed, 3), expected);
}

TEST(Scheduler, StepPastTheLargestEpochIsAnErrorNotAnOverflow) {
  SGD sgd({Variable(Tensor::zeros({1}), true)}, {.lr = 0.1});
  auto exponential = make_scheduler("exponential", sgd, {{"gamma", 0.5}});
  StateDict saved = exponential->state_dict();
  saved.metadata["scheduler.last_epoch"] = std::to_string(std::numeric_limits<int64_t>::max());
  exponential->load_state_dict(saved);
  EXPECT_THROW(exponential->step(), ValueError);
  EXPECT_TRUE(std::isfinite(sgd.lr()));
}

TEST(Scheduler, UnknownNamesSuggestTheClosest) {
  SGD sgd({Variable(Tensor::zeros({1}), true)});
  try {
    make_scheduler("cosin", sgd, {{"T_max", 3}});
    FAIL() << "no error";
  } catch (const ValueError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'cosine'?"), std::string::npos) << e.what();
  }
  EXPECT_EQ(scheduler_names(), (std::vector<std::string>{"cosine", "exponential", "linear_warmup",
                                                         "multistep", "step"}));
}

TEST(Scheduler, MilestonesMustIncrease) {
  SGD sgd({Variable(Tensor::zeros({1}), true)});
  EXPECT_THROW(make_scheduler("multistep", sgd, {{"milestones", {5, 2}}}), ValueError);
}

}  // namespace
}  // namespace minidl::optim
