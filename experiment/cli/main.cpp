// minidl: runs YAML experiments.
//   minidl train CONFIG [key=value ...] [--resume | --overwrite] [--quiet]
//   minidl check CONFIG [key=value ...]
//   minidl list [KIND] [--markdown]
// Exit status: 0 success, 1 runtime failure (files, a diverging loss), 2 a config or usage error.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <exception>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "minidl/experiment/config.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/host_report.hpp"
#include "minidl/experiment/reference_docs.hpp"
#include "minidl/experiment/replicas.hpp"
#include "minidl/experiment/trainer.hpp"

namespace {

using namespace minidl::experiment;

// Errors are printed on one line, whatever the message's own layout.
int fail(const std::exception& e, int status) {
  std::string message = e.what();
  std::replace(message.begin(), message.end(), '\n', ' ');
  std::cerr << "minidl: error: " << message << "\n";
  return status;
}

// Prints the exception being handled on one line; returns the exit status for it. `usage`: a
// ValueError is a usage error (an unknown kind for `minidl list`).
int report_failure(bool usage = false) {
  try {
    throw;
  } catch (const ConfigError& e) {
    return fail(e, 2);
  } catch (const minidl::ValueError& e) {
    return fail(e, usage ? 2 : 1);
  } catch (const std::bad_alloc&) {
    // Their own texts ("std::bad_alloc") say nothing a user can act on.
    return fail(std::runtime_error("out of memory: the run needs more memory than this machine can give "
                                   "(is a size in the config too large?)"), 1);
  } catch (const std::length_error&) {
    return fail(std::runtime_error("a size is too large to allocate (is a size in the config too large?)"), 1);
  } catch (const std::exception& e) {
    return fail(e, 1);
  }
}

int check_command(const std::string& file, const std::vector<std::string>& overrides) {
  Experiment run(load_config(file, overrides));
  std::cout << to_yaml_text(run.config()) << "\n" << run.model_summary() << "\n";
  return 0;
}

// Under mpirun, every process runs this; rank 0 alone prints (the others' streams are silenced)
// and writes the run's files. A failure every process knows of (the trainer's collectives
// share them) is printed once by rank 0; one the others cannot know of ends them all at once.
int train_command(const std::string& file, const std::vector<std::string>& overrides, bool resume, bool overwrite,
                  bool quiet) {
  const std::unique_ptr<Replicas> replicas = join_replicas();
  if (!replicas->is_main()) {
    std::cout.setstate(std::ios::badbit);
    std::cerr.setstate(std::ios::badbit);
  }
  try {
    warn_if_blas_slow(std::cerr);
    std::optional<Experiment> run;
    replicas->together([&] { run.emplace(load_config(file, overrides)); });
    TrainOptions options;
    options.resume = resume;
    options.overwrite = overwrite;
    options.display = quiet ? Display::Quiet : isatty(STDOUT_FILENO) ? Display::Progress : Display::Lines;
    options.replicas = replicas.get();
    train(*run, options, std::cout);
  } catch (const std::exception& e) {
    if (replicas->size() == 1) throw;
    if (!replicas->failure_shared()) {
      std::cerr.clear();
      fail(std::runtime_error("rank " + std::to_string(replicas->rank()) + ": " + e.what()), 1);
      replicas->abort(1);
    }
    // Rank 0 prints before any process exits: mpirun ends the rest of a job once one process
    // exits non-zero, which could otherwise cut rank 0 off before its message.
    const int status = report_failure();
    replicas->together([] {});
    return status;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"minidl: train the models YAML experiment files describe"};
  app.require_subcommand(1);
  app.set_version_flag("--version", version_report);

  std::string file;
  std::vector<std::string> overrides;
  bool resume = false, overwrite = false, quiet = false;
  CLI::App* train_cmd = app.add_subcommand("train", "train the experiment; outputs go to its `output` folder");
  train_cmd->add_option("config", file, "the experiment's YAML file")->required();
  train_cmd->add_option("overrides", overrides, "dotted overrides: optimizer.lr=0.01 train.epochs=5");
  CLI::Option* resume_flag =
      train_cmd->add_flag("--resume", resume,
                          "continue from output/checkpoint.safetensors (without an output: the newest "
                          "runs/<name>/version_<N>)");
  train_cmd->add_flag("--overwrite", overwrite, "replace the run the config's output folder already holds")
      ->excludes(resume_flag);
  train_cmd->add_flag("--quiet,-q", quiet, "print only the final line");

  CLI::App* check_cmd = app.add_subcommand("check", "validate without training: resolved config and model summary");
  check_cmd->add_option("config", file, "the experiment's YAML file")->required();
  check_cmd->add_option("overrides", overrides, "dotted overrides: model.0.out=256");

  std::string kind;
  bool markdown = false;
  CLI::App* list_cmd = app.add_subcommand(
      "list", "the components a config can name and the declared config sections, with every option");
  list_cmd->add_option("kind", kind, "only this kind: section, dataset, layer, initialiser, loss, optimizer, scheduler");
  list_cmd->add_flag("--markdown", markdown, "as the README's reference tables (every kind)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    if (*check_cmd) return check_command(file, overrides);
    if (*list_cmd) {
      std::cout << (markdown ? reference_markdown() : reference_text(kind));
      return 0;
    }
    return train_command(file, overrides, resume, overwrite, quiet);
  } catch (...) {
    return report_failure(static_cast<bool>(*list_cmd));
  }
}
