#pragma once
// An Evaluation as JSON, as summary.json and `minidl evaluate` write it (internal: nlohmann-json
// is a private dependency of the experiment library).
#include <nlohmann/json.hpp>

#include "minidl/experiment/evaluation.hpp"

namespace minidl::experiment {

/// {"samples": n, "loss": ..., ... every scalar metric, "confusion_matrix": [[...]] (classification)}.
inline nlohmann::json evaluation_json(const Evaluation& e) {
  nlohmann::json out = {{"samples", e.samples}};
  for (const auto& [name, value] : scalar_metrics(e)) out[name] = value;
  if (e.classification) out["confusion_matrix"] = e.confusion;
  return out;
}

}  // namespace minidl::experiment
