// The trainer's Replicas hooks, seen from one process: what a data-parallel run relies on is
// called at the right points (each step's gradients, each epoch's buffers, rank 0's files).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "minidl/experiment/replicas.hpp"
#include "run_helpers.hpp"
#include "train_helpers.hpp"

namespace minidl::test {
constexpr bool kBuiltWithMpi = MINIDL_TEST_WITH_MPI;
}

namespace {

using namespace minidl;
using namespace minidl::experiment;
using minidl::test::scratch;
using minidl::test::train_linreg;

// One process that records what the trainer asks of it (rank 0's files and lines are checked
// under mpirun in tests/distributed).
struct RecordingReplicas : Replicas {
  int steps = 0, buffer_averages = 0, attached = 0;
  double weights = 0.0;
  void attach(nn::Module&) override { ++attached; }
  double combine_gradients(double weight, double loss, std::exception_ptr failure) override {
    ++steps;
    weights += weight;
    return Replicas::combine_gradients(weight, loss, failure);
  }
  void average_buffers() override { ++buffer_averages; }
};

TEST(Replicas, TheTrainerCombinesEveryStepAndAveragesBuffersEveryEpoch) {
  RecordingReplicas replicas;
  TrainOptions options;
  options.replicas = &replicas;
  const TrainResult r = train_linreg(scratch("replicas_hooks"), {"train.epochs=2"}, options);
  // linreg: 1000 samples in batches of 10, 2 epochs; one process holds each whole batch.
  EXPECT_EQ(replicas.attached, 1);
  EXPECT_EQ(replicas.steps, 200);
  EXPECT_DOUBLE_EQ(replicas.weights, 200.0);
  EXPECT_EQ(replicas.buffer_averages, 2);
  EXPECT_TRUE(std::filesystem::exists(r.output / "summary.json"));
}

TEST(Replicas, AStepsFailureIsThrownWhereItHappened) {
  Replicas alone;
  EXPECT_THROW(alone.combine_gradients(1.0, 0.0, std::make_exception_ptr(IOError("x"))), IOError);
  EXPECT_DOUBLE_EQ(alone.combine_gradients(0.5, 2.0, nullptr), 2.0);
}

}  // namespace

namespace {

// The refusal's decision, in every build: several processes need MPI built in.
TEST(Replicas, SeveralProcessesWithoutMpiAreRefusedClearly) {
  try {
    check_mpi_available(/*built_with_mpi=*/false, 2);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("distributed training is not available"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("mpirun started 2 processes"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("built without MPI"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(check_mpi_available(/*built_with_mpi=*/false, 1));  // one process, as without mpirun
  EXPECT_NO_THROW(check_mpi_available(/*built_with_mpi=*/true, 2));
}

TEST(Replicas, TheLaunchersProcessCountComesFromItsEnvironment) {
  auto environment = [](std::map<std::string, std::string> vars) {
    return [vars](const char* name) -> const char* {
      const auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  };
  EXPECT_EQ(launcher_world_size(environment({})), 1);
  EXPECT_EQ(launcher_world_size(environment({{"OMPI_COMM_WORLD_SIZE", "4"}})), 4);  // OpenMPI
  EXPECT_EQ(launcher_world_size(environment({{"PMI_SIZE", "3"}})), 3);              // MPICH
}

// Only a build without MPI can pretend to be under mpirun (a build with MPI would start MPI).
TEST(Replicas, ABuildWithoutMpiRefusesSeveralProcessesClearly) {
  if (minidl::test::kBuiltWithMpi) GTEST_SKIP() << "this build has MPI: tests/distributed runs mpirun";
  ::setenv("OMPI_COMM_WORLD_SIZE", "2", 1);
  try {
    join_replicas();
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("distributed training is not available"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("built without MPI"), std::string::npos) << e.what();
  }
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
  EXPECT_EQ(join_replicas()->size(), 1);  // one process, as without mpirun
}

}  // namespace
