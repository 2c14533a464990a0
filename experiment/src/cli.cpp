// The minidl command line (see cli.hpp):
//   minidl train CONFIG [key=value ...] [--resume | --overwrite] [--quiet]
//   minidl check CONFIG [key=value ...]
//   minidl evaluate RUN_DIR [key=value ...] [--weights FILE] [--json FILE]
//   minidl predict RUN_DIR --input FILE.csv [--output FILE.csv] [--weights FILE]
//   minidl plot RUN_DIR... [-o FILE.png]
//   minidl list [KIND] [--markdown]
// Exit status: 0 success, 1 runtime failure (files, a diverging loss), 2 a config or usage error.
#include "minidl/experiment/cli.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "evaluation_json.hpp"
#include "interrupt.hpp"
#include "minidl/core/suggest.hpp"
#include "minidl/experiment/config.hpp"
#include "minidl/experiment/curves.hpp"
#include "minidl/experiment/experiment.hpp"
#include "minidl/experiment/host_report.hpp"
#include "minidl/experiment/reference_docs.hpp"
#include "minidl/experiment/replicas.hpp"
#include "minidl/experiment/run_folder.hpp"
#include "minidl/experiment/trained_run.hpp"
#include "minidl/experiment/trainer.hpp"
#include "minidl/io/file_io.hpp"

namespace minidl::experiment {

namespace {

// `message` on one line: each line break and the indentation after it become "; " between
// items, or a space after a colon that introduces them ("into Sequential: missing: ...; shape
// mismatch ..."), where a plain replacement left runs of spaces.
std::string one_line(const std::string& message) {
  std::string out;
  for (size_t i = 0; i < message.size(); ++i) {
    if (message[i] != '\n') {
      out += message[i];
      continue;
    }
    while (i + 1 < message.size() && (message[i + 1] == ' ' || message[i + 1] == '\t' || message[i + 1] == '\n')) ++i;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (i + 1 < message.size() && !out.empty()) out += out.back() == ':' || out.back() == ';' ? " " : "; ";
  }
  return out;
}

// Errors are printed on one line, whatever the message's own layout.
int fail(const std::exception& e, int status) {
  std::cerr << "minidl: error: " << one_line(e.what()) << "\n";
  return status;
}

// Prints the exception being handled on one line; returns the exit status for it. `usage`: a
// ValueError is a usage error (an unknown kind for `minidl list`).
// Flushes what the command printed; throws IOError when it could not all be written (a full
// disk under `> file`, /dev/full): predictions on stdout must not vanish with exit status 0.
void flush_standard_output() {
  std::cout.flush();
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    throw IOError(std::string("cannot write the standard output: ") + std::strerror(errno));
}

// What is wrong with the first word when it names no command, or "": CLI11 reads such a word as
// a stray argument and says only "A subcommand is required", where a typo ("trian") deserves its
// name and the closest command.
std::string unknown_command(CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return "";
  std::vector<std::string> commands;
  for (const CLI::App* command : app.get_subcommands([](CLI::App*) { return true; }))
    commands.push_back(command->get_name());
  const std::string word = argv[1];
  if (std::find(commands.begin(), commands.end(), word) != commands.end()) return "";
  return "unknown command '" + word + "'" + did_you_mean(word, commands) + "; the commands are " + join_names(commands);
}

int report_failure(bool usage = false) {
  try {
    throw;
  } catch (const ConfigError& e) {
    return fail(e, 2);
  } catch (const InterruptedError& e) {
    return fail(e, 130);  // as a shell reports a process that SIGINT ended
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

void print_warnings(const Experiment& run, std::ostream& err) {
  for (const ConfigWarning& warning : run.warnings()) err << "minidl: warning: " << warning.to_string() << "\n";
}

int check_command(const std::string& file, const std::vector<std::string>& overrides) {
  Experiment run(load_config(file, overrides));
  print_warnings(run, std::cerr);
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
    print_warnings(*run, std::cerr);
    TrainOptions options;
    options.resume = resume;
    options.overwrite = overwrite;
    options.display = quiet ? Display::Quiet : isatty(STDOUT_FILENO) ? Display::Progress : Display::Lines;
    options.replicas = replicas.get();
    // Under mpirun every process gets the signal at its own step; there the default stays.
    std::optional<InterruptRequest> interrupt;
    if (replicas->size() == 1) {
      interrupt.emplace();
      options.stop_requested = [&] { return interrupt->requested(); };
    }
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

// A file a command reads, and what it is to the user: "the --input file", "the run's config.yaml".
struct Source {
  std::filesystem::path file;
  std::string role;
};

// Refuses an output (`option`) that already is a file the command reads (`sources`, or one of
// the run's own files): writing it would destroy what the output is computed from.
void refuse_to_overwrite_a_source(const std::filesystem::path& output, const std::string& option, const std::string& dir,
                                  std::vector<Source> sources) {
  std::error_code ec;
  if (!std::filesystem::exists(output, ec)) return;
  for (const std::filesystem::path& file : RunFiles(dir).all())
    sources.push_back({file, "the run's " + file.filename().string()});
  for (const Source& source : sources)
    if (!source.file.empty() && std::filesystem::equivalent(output, source.file, ec))
      throw IOError(option + " '" + output.string() + "' is " + source.role +
                    ": writing there would destroy it; choose another file");
}

// Prints the metrics, one per line, and writes them as JSON to `json` (default RUN_DIR/evaluation.json).
int evaluate_command(const std::string& dir, const std::vector<std::string>& overrides, const std::string& weights,
                     std::string json) {
  if (json.empty()) json = (std::filesystem::path(dir) / "evaluation.json").string();
  refuse_to_overwrite_a_source(json, "--json", dir, {{weights, "the --weights file"}});
  TrainedRun run(dir, overrides, weights);
  const Evaluation e = run.evaluate();
  std::cout << fmt::format("{}: {} validation samples\n", run.experiment().config().name, e.samples);
  for (const auto& [name, value] : scalar_metrics(e)) std::cout << fmt::format("{:<10} {:.6g}\n", name, value);
  nlohmann::json out = evaluation_json(e);
  out["run"] = dir;
  out["weights"] = weights.empty() ? RunFiles(dir).model().string() : weights;
  io::write_file_atomically(json, out.dump(2) + "\n");
  std::cout << "-> " << json << "\n";
  return 0;
}

// Writes one prediction per row of `input` to `output`, or to stdout when it is "".
int predict_command(const std::string& dir, const std::string& input, const std::string& output,
                    const std::string& weights) {
  if (!output.empty()) refuse_to_overwrite_a_source(output, "--output", dir,
                                                     {{input, "the --input file"}, {weights, "the --weights file"}});
  TrainedRun run(dir, {}, weights, RunUse::Predict);
  const std::string csv = predictions_csv(predict(run, input));
  if (output.empty()) {
    std::cout << csv;
  } else {
    io::write_file_atomically(output, csv);
  }
  return 0;
}

// Overlays the curves of `runs` in one picture.
int plot_command(const std::vector<std::string>& runs, const std::string& output) {
  std::vector<RunCurves> curves;
  for (const std::string& dir : runs) curves.push_back(read_run_curves(dir));
  plot_curves(curves, output);
  std::cout << "-> " << output << "\n";
  return 0;
}

}  // namespace

int run_cli(int argc, char** argv) {
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

  std::string run_dir, weights, json_file, input_file, output_file;
  CLI::App* evaluate_cmd = app.add_subcommand(
      "evaluate", "the metrics of a trained run on its validation data (or data given by override), also as JSON");
  evaluate_cmd->add_option("run", run_dir, "the run's folder (holds config.yaml and model.safetensors)")->required();
  evaluate_cmd->add_option("overrides", overrides, "dotted overrides: data.validation={type: csv, path: test.csv}");
  evaluate_cmd->add_option("--weights", weights, "another weights file, e.g. RUN/model_best.safetensors");
  evaluate_cmd->add_option("--json", json_file, "where the JSON goes (default RUN/evaluation.json)");

  CLI::App* predict_cmd = app.add_subcommand(
      "predict", "one prediction per row of a CSV file of features: the class and its probabilities, or the value");
  predict_cmd->add_option("run", run_dir, "the run's folder (holds config.yaml and model.safetensors)")->required();
  predict_cmd->add_option("--input,-i", input_file, "CSV file with the training features' columns (target optional)")
      ->required();
  predict_cmd->add_option("--output,-o", output_file, "CSV file to write (default: standard output)");
  predict_cmd->add_option("--weights", weights, "another weights file, e.g. RUN/model_best.safetensors");

  std::vector<std::string> plot_runs;
  std::string plot_file = "curves.png";
  CLI::App* plot_cmd =
      app.add_subcommand("plot", "the loss, accuracy and learning-rate curves of one or more runs in one PNG");
  plot_cmd->add_option("runs", plot_runs, "run folders (each holds a metrics.csv)")->required();
  plot_cmd->add_option("-o,--output", plot_file, "the PNG file to write")
      ->capture_default_str()
      ->check(
          [](const std::string& name) -> std::string {
            std::string extension = std::filesystem::path(name).extension().string();
            for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return extension == ".png" ? "" : "the picture is a PNG: its file name must end in .png, got '" + name + "'";
          },
          "FILE.png");

  std::string kind;
  bool markdown = false;
  CLI::App* list_cmd = app.add_subcommand(
      "list", "the components a config can name and the declared config sections, with every option");
  list_cmd->add_option("kind", kind, "only this kind: section, dataset, layer, initialiser, loss, optimizer, scheduler");
  list_cmd->add_flag("--markdown", markdown, "as the README's reference tables (every kind)");

  if (const std::string problem = unknown_command(app, argc, argv); !problem.empty())
    return fail(std::runtime_error(problem), 2);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  try {
    const int status = [&] {
      if (*check_cmd) return check_command(file, overrides);
      if (*evaluate_cmd) return evaluate_command(run_dir, overrides, weights, json_file);
      if (*predict_cmd) return predict_command(run_dir, input_file, output_file, weights);
      if (*plot_cmd) return plot_command(plot_runs, plot_file);
      if (*list_cmd) {
        std::cout << (markdown ? reference_markdown() : reference_text(kind));
        return 0;
      }
      return train_command(file, overrides, resume, overwrite, quiet);
    }();
    flush_standard_output();
    return status;
  } catch (...) {
    return report_failure(static_cast<bool>(*list_cmd));
  }
}

}  // namespace minidl::experiment
