// An optimizer written outside minidl (examples/custom_optimizer/lion.hpp), registered with
// one line, is usable from YAML: its options are read, checked and located like built-ins'.
#include <gtest/gtest.h>

#include <sstream>

#include "../../examples/custom_optimizer/lion.hpp"
#include "run_helpers.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/trainer.hpp"
#include "minidl/optim/registry.hpp"

using namespace minidl;
using namespace minidl::experiment;

class CustomOptimizer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { optim::register_optimizer<Lion>("lion"); }
};

TEST_F(CustomOptimizer, TrainsFromAConfig) {
  const std::string out = minidl::test::scratch("lion");
  Experiment run(load_config("configs/linreg.yaml", {{"output=" + out, "train.epochs=10",
                                                      "optimizer={type: lion, lr: 0.03, betas: [0.9, 0.99]}",
                                                      "scheduler={type: cosine, T_max: 10}"}}));
  EXPECT_EQ(run.optimizer().name(), "Lion");
  std::ostringstream log;
  const TrainResult r = train(run, {}, log);
  EXPECT_LT(r.last.train_loss, 1e-3);
}

TEST_F(CustomOptimizer, OptionsAreCheckedLikeBuiltIns) {
  try {
    load_config("configs/linreg.yaml", {{"optimizer={type: lion, betaz: [0.9, 0.99]}"}});
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "override 'optimizer={type: lion, betaz: [0.9, 0.99]}': unknown key 'betaz' in 'optimizer' "
                  "(did you mean 'betas'?)", 0), 0u) << e.what();
  }
}
