// End-to-end timings for `make bench`: the shipped workloads run as a user runs them
// (`minidl train ...` as a child process), beside the limits measured in the same run (sgemm
// peak, memcpy bandwidth) and, given a Python with torch, the same workloads in PyTorch
// (bench/peers/*.py) with OpenBLAS as installed and with the core minidl runs. Prints one
// table and writes JSON.
//
//   end_to_end [--minidl build/bin/minidl] [--json build/bench.json] [--python python3] [--quick]
//              [--only TEXT]   (only the workloads whose config path contains TEXT)
#include <CLI/CLI.hpp>
#include <cblas.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "minidl/experiment/metrics.hpp"
#include "minidl/minidl.hpp"


namespace fs = std::filesystem;
using nlohmann::json;
using namespace minidl;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Best of `reps` runs of f, in seconds.
template <class F>
double best_time(int reps, F&& f) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, seconds_since(t0));
  }
  return best;
}

// OpenBLAS's own sgemm on 2048^3 with `threads` threads: the machine's GEMM limit.
double sgemm_peak_gflops(int threads) {
  const int n = 2048;
  std::vector<float> a(size_t(n) * n, 0.5f), b(size_t(n) * n, 0.25f), c(size_t(n) * n);
  set_blas_num_threads(threads);
  const double t = best_time(5, [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a.data(), n, b.data(), n, 0.0f,
                c.data(), n);
  });
  set_blas_num_threads(1);
  return 2.0 * n * n * n / t / 1e9;
}

struct RunResult {
  json summary;
  std::vector<double> epoch_seconds;  // each epoch's training loop, from metrics.csv
  double wall_seconds = 0;
  double peak_mib = 0;
  bool ok = false;
};

// Each epoch's training-loop seconds, from the `epochs` rows of a run's metrics.csv.
std::vector<double> epoch_seconds(const fs::path& metrics_csv, int64_t epochs) {
  std::vector<double> seconds;
  for (const experiment::EpochMetrics& m : experiment::read_metrics_csv(metrics_csv, epochs)) seconds.push_back(m.seconds);
  return seconds;
}

// Runs `minidl train config overrides... --quiet` and reads its summary.json.
RunResult run_minidl(const std::string& minidl, const std::string& config, std::vector<std::string> overrides,
                     const fs::path& out_dir) {
  RunResult r;
  fs::remove_all(out_dir);
  std::vector<std::string> args = {minidl, "train", config, "output=" + out_dir.string(), "--quiet"};
  args.insert(args.end(), overrides.begin(), overrides.end());
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 1);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  r.wall_seconds = seconds_since(t0);
  r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (r.ok) {
    std::ifstream in(out_dir / "summary.json");
    r.summary = json::parse(in, nullptr, false);
    r.epoch_seconds = epoch_seconds(out_dir / "metrics.csv", r.summary.value("epochs", int64_t{0}));
    // The child's own VmHWM: ru_maxrss would also count this (larger) process's pages, which
    // the child shares from fork until exec.
    r.peak_mib = r.summary.value("peak_rss_mib", 0.0);
  }
  return r;
}

// One shuffled epoch of batches of 128 from 60000 samples of `sample` (784 floats), gather only.
double loader_epoch_seconds(int threads, const Shape& sample) {
  set_num_threads(threads);
  Generator gen(0);
  Shape shape{60000};
  for (const int64_t d : sample) shape.push_back(d);
  const Tensor x = Tensor::normal(shape, 0, 1, gen);
  const Tensor y = Tensor::zeros({60000}, DType::Int64);
  data::DataLoader loader(data::TensorDataset(x, y), {.batch_size = 128, .shuffle = true, .seed = 0});
  double sink = 0;
  const double t = best_time(3, [&] {
    for (auto& batch : loader) sink += batch.features.data<float>()[0];
  });
  if (sink == 12345.678) std::puts("");
  return t;
}

// One PyTorch peer run: `python bench/peers/<script>.py --threads N` with OpenBLAS and OpenMP
// at N threads (OpenMP workers passive: spinning ones starve OpenBLAS's and make 2 threads 4x
// slower than 1) and OPENBLAS_CORETYPE=core when given. Returns its JSON line, or null.
json run_peer(const std::string& python, const std::string& script, int threads, const std::string& core) {
  const std::string n = std::to_string(threads);
  std::string command = "env OPENBLAS_NUM_THREADS=" + n + " OMP_NUM_THREADS=" + n + " OMP_WAIT_POLICY=PASSIVE";
  if (!core.empty()) command += " OPENBLAS_CORETYPE=" + core;
  command += " " + python + " bench/peers/" + script + ".py --threads " + n;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return nullptr;
  std::string output;
  char buffer[4096];
  while (size_t got = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  if (pclose(pipe) != 0) {
    std::fprintf(stderr, "end_to_end: %s failed\n", command.c_str());
    return nullptr;
  }
  const size_t line = output.rfind("\n{");
  const json parsed = json::parse(output.substr(line == std::string::npos ? 0 : line + 1), nullptr, false);
  return parsed.is_object() ? parsed : json(nullptr);
}

// GFLOP of one LeNet epoch's GEMMs over 60000 images: per conv layer {outputs, taps} (the first
// without an input gradient), per Linear layer {in, out}; 2 FLOP per multiply-add.
double lenet_epoch_gflop(const std::vector<std::pair<double, double>>& convs,
                         const std::vector<std::pair<double, double>>& linears) {
  double flop = 0;
  for (size_t l = 0; l < convs.size(); ++l) flop += (l == 0 ? 4.0 : 6.0) * convs[l].first * convs[l].second;
  for (const auto& [in, out] : linears) flop += 6.0 * in * out;
  return flop * 60000 / 1e9;
}

// `value` through a printf format, as a string.
std::string printed(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// The run as the README's Markdown table: the host, then one row per workload.
std::string markdown(const json& report) {
  const json& host = report["host"];
  std::string md = "CPU: " + host["cpu"].get<std::string>() + " (" + host["features"].get<std::string>() +
                   "); BLAS: " + host["blas"].get<std::string>() + ", core " + host["blas_core"].get<std::string>() +
                   " (chosen by " + host["blas_chosen_by"].get<std::string>() + "); sgemm peak (2048^3) " +
                   printed("%.1f", report["sgemm_peak_gflops"]["1"].get<double>()) + " GFLOP/s at 1 thread, " +
                   printed("%.1f", report["sgemm_peak_gflops"]["2"].get<double>()) + " at 2.\n\n";
  md += "| workload | threads | minidl train s | samples/s | GFLOP/s (% of sgemm peak) | x GEMM time | process s | "
        "peak MiB | PyTorch, OpenBLAS as installed | PyTorch, minidl's core | minidl x faster |\n";
  md += "|---|---|---|---|---|---|---|---|---|---|---|\n";
  auto torch = [](const json& peer) {
    return peer.is_object() ? printed("%.4f s", peer["train_seconds"].get<double>()) + " (" +
                                  peer.value("blas_core", "?") + ")"
                            : std::string();
  };
  for (const json& row : report["workloads"]) {
    const double gflops = row["gflops"].get<double>();
    md += "| `" + row["config"].get<std::string>() + "` | " + std::to_string(row["threads"].get<int>()) + " | " +
          printed("%.4f", row["train_seconds"].get<double>()) + " | " +
          printed("%.0f", row["samples_per_second"].get<double>()) + " | " +
          (gflops > 0 ? printed("%.1f", gflops) + printed(" (%.0f%%)", row["percent_of_sgemm_peak"].get<double>())
                      : std::string()) +
          " | " + (gflops > 0 ? printed("%.2f", row["times_gemm_time"].get<double>()) : std::string()) + " | " +
          printed("%.3f", row["process_seconds"].get<double>()) + " | " + printed("%.1f", row["peak_mib"].get<double>()) +
          " | " + torch(row["torch_installed"]) + " | " + torch(row["torch_best_core"]) + " | " +
          (row.contains("times_faster_than_torch") ? printed("%.2f", row["times_faster_than_torch"].get<double>())
                                                   : std::string()) +
          " |\n";
  }
  return md;
}

double memcpy_seconds(size_t bytes) {
  std::vector<char> src(bytes, 1), dst(bytes);
  return best_time(5, [&] { std::memcpy(dst.data(), src.data(), bytes); });
}

}  // namespace

int main(int argc, char** argv) {
  std::string minidl = "build/bin/minidl", json_path = "build/bench.json", python, only;
  bool quick = false;
  CLI::App app{"End-to-end timings of the shipped workloads, beside the sgemm peak and PyTorch"};
  app.add_option("--minidl", minidl, "the minidl command to time")->capture_default_str();
  app.add_option("--json", json_path, "where to write the results as JSON")->capture_default_str();
  app.add_option("--python", python, "a Python with torch, to time the PyTorch peers beside");
  app.add_flag("--quick", quick, "the small workloads only");
  app.add_option("--only", only, "only the workloads whose config path contains this text");
  CLI11_PARSE(app, argc, argv);
  const fs::path scratch = fs::temp_directory_path() / ("minidl-bench-" + std::to_string(getpid()));
  json report;
  // The kernels minidl runs, chosen before the sgemm peak is measured so the peak is theirs.
  const BlasInfo blas = blas_info();
  report["host"] = {{"cpu", blas.cpu},        {"features", to_string(blas.features)}, {"blas", blas.config},
                    {"blas_core", blas.core}, {"blas_chosen_by", blas.chosen_by}};
  // The machine may be shared: the peak is the best of measurements before and after the workloads.
  report["sgemm_peak_gflops"] = {{"1", sgemm_peak_gflops(1)}, {"2", sgemm_peak_gflops(2)}};

  struct Workload {
    std::string name, config, peer;
    double gflop;  // in the GEMMs (Linear and Conv2d layers), for one run
    int threads;
    std::vector<std::string> overrides = {};
    // An epoch row: the run trains two epochs and reports the faster, as the PyTorch peers time
    // the best of two epochs in one process (the first one of a process also pays its page
    // faults and first calls: 5-10% of an mlp_large epoch).
    bool epoch_row = false;
  };
  const std::vector<std::string> two_epochs = {"train.epochs=2"};
  // The GEMMs one mlp_large epoch does: per Linear layer 2 x samples x in x out for the forward
  // product and as much for the weight gradient; the input gradient (as much again) for every
  // layer but the first, whose input needs none. 60.4 GFLOP (6 x ... would count 84.5).
  const std::vector<std::pair<double, double>> mlp_large_layers = {{784, 256}, {256, 128}, {128, 10}};
  double mlp_large_gflop = 0;
  for (size_t l = 0; l < mlp_large_layers.size(); ++l)
    mlp_large_gflop += (l == 0 ? 4.0 : 6.0) * 60000 * mlp_large_layers[l].first * mlp_large_layers[l].second / 1e9;
  report["mlp_large_gflop"] = mlp_large_gflop;
  std::vector<Workload> workloads;
  for (int threads : {1, 2}) workloads.push_back({"linreg (d2l)", "configs/linreg.yaml", "linreg", 0, threads});
  for (int threads : {1, 2}) workloads.push_back({"digits MLP", "configs/digits_mlp.yaml", "digits_mlp", 0, threads});
  if (!quick)
    for (int threads : {1, 2})
      workloads.push_back({"mlp_large epoch", "configs/mlp_large.yaml", "mlp_large", mlp_large_gflop, threads, two_epochs, true});
  // LeNet's GEMMs per epoch, as for mlp_large: conv1 (no input gradient) forward and weight
  // gradient, conv2 and the Linear layers all three.
  const double lenet_gflop = lenet_epoch_gflop({{6 * 28 * 28, 25}, {16 * 10 * 10, 150}}, {{400, 120}, {120, 84}, {84, 10}});
  const double lenet_bn_gflop = lenet_epoch_gflop({{6 * 24 * 24, 25}, {16 * 8 * 8, 150}}, {{256, 120}, {120, 84}, {84, 10}});
  report["lenet_gflop"] = lenet_gflop;
  report["lenet_bn_gflop"] = lenet_bn_gflop;
  if (!quick && fs::exists("/usr/share/datasets/fashion-mnist"))
    for (int threads : {1, 2}) {
      workloads.push_back({"lenet epoch", "configs/lenet.yaml", "lenet", lenet_gflop, threads, two_epochs, true});
      workloads.push_back({"lenet_bn epoch", "configs/lenet_bn.yaml", "lenet_bn", lenet_bn_gflop, threads, two_epochs, true});
    }

  std::erase_if(workloads, [&](const Workload& w) { return w.config.find(only) == std::string::npos; });
  for (const Workload& w : workloads) {
    std::vector<std::string> overrides = w.overrides;
    overrides.push_back("threads=" + std::to_string(w.threads));
    // The seconds a row reports for one run: its faster epoch, or the whole run's training.
    const auto timed = [&](const RunResult& r) {
      if (!w.epoch_row) return r.summary.value("train_seconds", 0.0);
      return r.epoch_seconds.empty() ? 0.0 : *std::min_element(r.epoch_seconds.begin(), r.epoch_seconds.end());
    };
    RunResult best;
    for (int rep = 0; rep < 3; ++rep) {  // best of three: the machine may be shared
      RunResult r = run_minidl(minidl, w.config, overrides, scratch / "run");
      if (!r.ok || timed(r) <= 0) {
        std::fprintf(stderr, "end_to_end: %s failed\n", w.config.c_str());
        return 1;
      }
      if (!best.ok || timed(r) < timed(best)) best = r;
    }
    const double train_s = timed(best);
    // Samples a second of the timed part: the run's samples over its epochs, per timed epoch.
    const double samples = best.summary.value("samples_per_second", 0.0) * best.summary.value("train_seconds", 0.0);
    const double samples_per_second =
        w.epoch_row ? samples / static_cast<double>(best.epoch_seconds.size()) / train_s : samples / train_s;
    // PyTorch right after, in the same conditions: with OpenBLAS's own kernels, and with the
    // core minidl runs unless that is the same one.
    json torch_installed, torch_best;
    if (!python.empty()) {
      torch_installed = run_peer(python, w.peer, w.threads, "");
      const bool same = torch_installed.is_object() && torch_installed.value("blas_core", "") == blas.core;
      torch_best = same ? torch_installed : run_peer(python, w.peer, w.threads, blas.core);
    }
    report["workloads"].push_back({{"name", w.name},
                                   {"config", w.config},
                                   {"threads", w.threads},
                                   {"train_seconds", train_s},
                                   {"samples_per_second", samples_per_second},
                                   {"gflops", w.gflop > 0 ? w.gflop / train_s : 0.0},
                                   {"process_seconds", best.wall_seconds},
                                   {"peak_mib", best.peak_mib},
                                   {"blas_core", best.summary.value("blas_core", "")},
                                   {"torch_installed", torch_installed},
                                   {"torch_best_core", torch_best}});
  }
  for (int threads : {1, 2}) {
    const std::string key = std::to_string(threads);
    report["sgemm_peak_gflops"][key] = std::max(report["sgemm_peak_gflops"][key].get<double>(), sgemm_peak_gflops(threads));
  }
  // x GEMM: the run's time over the time its GEMMs alone take at the sgemm peak.
  // PyTorch columns: its training-loop seconds; x PyTorch: those (best core) over minidl's.
  auto torch_label = [&](const char* key) {
    for (const json& row : report["workloads"])
      if (row[key].is_object()) return "torch " + row[key].value("blas_core", "?");
    return std::string("torch");
  };
  std::printf("%-18s %7s %9s %10s %8s %7s %7s %9s %8s %14s %14s %9s\n", "workload", "threads", "train s",
              "samples/s", "GFLOP/s", "% peak", "x GEMM", "process s", "peak MiB", torch_label("torch_installed").c_str(),
              torch_label("torch_best_core").c_str(), "x PyTorch");
  for (json& row : report["workloads"]) {
    const double gflops = row["gflops"].get<double>(), train_s = row["train_seconds"].get<double>();
    const double peak = report["sgemm_peak_gflops"][std::to_string(row["threads"].get<int>())].get<double>();
    row["percent_of_sgemm_peak"] = gflops > 0 ? 100 * gflops / peak : 0.0;
    row["times_gemm_time"] = gflops > 0 ? peak / gflops : 0.0;
    auto torch_s = [&](const char* key) {
      return row[key].is_object() ? printed("%.4f", row[key]["train_seconds"].get<double>()) : std::string("-");
    };
    std::string speedup = "-";
    if (row["torch_best_core"].is_object()) {
      row["times_faster_than_torch"] = row["torch_best_core"]["train_seconds"].get<double>() / train_s;
      speedup = printed("%.2fx", row["times_faster_than_torch"].get<double>());
    }
    std::printf("%-18s %7d %9.4f %10.0f %8.1f %6.0f%% %7.2f %9.3f %8.1f %14s %14s %9s\n", row["name"].get<std::string>().c_str(),
                row["threads"].get<int>(), train_s, row["samples_per_second"].get<double>(), gflops,
                row["percent_of_sgemm_peak"].get<double>(), row["times_gemm_time"].get<double>(),
                row["process_seconds"].get<double>(), row["peak_mib"].get<double>(), torch_s("torch_installed").c_str(),
                torch_s("torch_best_core").c_str(), speedup.c_str());
  }
  const size_t epoch_bytes = size_t(60000) * 784 * 4;
  const double copy_s = memcpy_seconds(epoch_bytes);
  for (const Shape& sample : {Shape{784}, Shape{1, 28, 28}}) {
    for (int threads : {1, 2}) {
      const double s = loader_epoch_seconds(threads, sample);
      const std::string name = sample.size() == 1 ? "loader epoch" : "loader image epoch";
      std::printf("%-20s %7d %10.4f %12.0f   %.1f GB/s (memcpy of the same bytes: %.1f GB/s)\n", name.c_str(),
                  threads, s, 60000 / s, epoch_bytes / s / 1e9, epoch_bytes / copy_s / 1e9);
      report["loader_epoch"].push_back({{"sample_shape", to_string(sample)},
                                        {"threads", threads},
                                        {"seconds", s},
                                        {"gb_per_s", epoch_bytes / s / 1e9},
                                        {"memcpy_gb_per_s", epoch_bytes / copy_s / 1e9}});
    }
  }
  std::printf("sgemm peak (2048^3): %.1f GFLOP/s at 1 thread, %.1f at 2; one mlp_large epoch is %.1f GFLOP of GEMMs\n",
              report["sgemm_peak_gflops"]["1"].get<double>(), report["sgemm_peak_gflops"]["2"].get<double>(),
              mlp_large_gflop);
  std::printf("CPU: %s; %s\nBLAS: %s; core %s, chosen by %s\n", blas.cpu.c_str(), to_string(blas.features).c_str(),
              blas.config.c_str(), blas.core.c_str(), blas.chosen_by.c_str());
  std::ofstream(json_path) << report.dump(2) << "\n";
  const std::string md_path = fs::path(json_path).replace_extension(".md").string();
  std::ofstream(md_path) << markdown(report);
  std::printf("wrote %s and %s (the table for the README)\n", json_path.c_str(), md_path.c_str());
  fs::remove_all(scratch);
  return 0;
}
