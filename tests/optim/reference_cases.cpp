#include "reference_cases.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <vector>

namespace minidl::test {

std::string case_file(const char* env, const std::string& fallback) {
  const char* path = std::getenv(env);
  return path && *path ? std::string(path) : fallback;
}

Tensor tensor_from_yaml(const YAML::Node& node) {
  const auto shape = node["shape"].as<std::vector<int64_t>>();
  const auto values = node["values"].as<std::vector<float>>();
  return Tensor::from(values, Shape(shape));
}

optim::OptionMap options_from_yaml(const YAML::Node& node) {
  optim::OptionMap options;
  for (const auto& entry : node) {
    const auto name = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (value.IsSequence()) {
      options.emplace(name, value.as<std::vector<double>>());
    } else if (const auto text = value.as<std::string>(); text == "true" || text == "false") {
      options.emplace(name, text == "true");
    } else {
      options.emplace(name, value.as<double>());
    }
  }
  return options;
}

std::string compare(const Tensor& actual, const Tensor& expected, double rtol, double atol) {
  if (actual.shape() != expected.shape())
    return "shape " + to_string(actual.shape()) + ", expected " + to_string(expected.shape());
  const std::vector<float> a = actual.to_vector();
  const std::vector<float> b = expected.to_vector();
  double worst_excess = 0.0;
  size_t worst = 0;
  bool failed = false;
  for (size_t i = 0; i < a.size(); ++i) {
    const double diff = std::abs(static_cast<double>(a[i]) - b[i]);
    const double allowed = atol + rtol * std::abs(static_cast<double>(b[i]));
    if (!(diff <= allowed) && (!failed || diff - allowed > worst_excess)) {
      failed = true;
      worst_excess = diff - allowed;
      worst = i;
    }
  }
  if (!failed) return {};
  std::ostringstream out;
  out.precision(9);
  out << "worst element " << worst << ": got " << a[worst] << ", expected " << b[worst]
      << " (|diff| " << std::abs(static_cast<double>(a[worst]) - b[worst]) << " > allowed "
      << atol + rtol * std::abs(static_cast<double>(b[worst])) << ")";
  return out.str();
}

void run_every_case(const std::string& path, const std::string& format, const char* kind_key,
                    const char* label, const std::function<std::string(const YAML::Node&)>& run_case) {
  const YAML::Node root = YAML::LoadFile(path);
  ASSERT_EQ(root["format"].as<std::string>(), format) << path;
  const YAML::Node cases = root["cases"];
  ASSERT_TRUE(cases.IsSequence() && cases.size() > 0) << path << ": no cases";
  size_t passed = 0;
  for (const auto& c : cases) {
    if (const std::string failure = run_case(c); failure.empty())
      ++passed;
    else
      ADD_FAILURE() << "case " << c["name"].as<std::string>() << " (" << c[kind_key].as<std::string>()
                    << "): " << failure;
  }
  std::cout << "reference " << label << ": " << passed << " cases passed\n";
  EXPECT_EQ(passed, cases.size());
}

}  // namespace minidl::test
