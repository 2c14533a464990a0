#include "minidl/data/split.hpp"

#include <cmath>
#include <string>

#include "minidl/core/generator.hpp"
#include "minidl/core/number_text.hpp"

namespace minidl::data {

int64_t validation_size(double validation_fraction, int64_t size) {
  return static_cast<int64_t>(std::ceil(validation_fraction * static_cast<double>(size)));
}

Split split(std::shared_ptr<const Dataset> dataset, double validation_fraction, uint64_t seed) {
  if (!dataset) throw ValueError("split: the dataset is null");
  if (!(validation_fraction > 0.0 && validation_fraction < 1.0))
    throw ValueError("split: validation_fraction must be in (0, 1), got " + format_number(validation_fraction));
  const int64_t n = dataset->size();
  const int64_t n_validation = validation_size(validation_fraction, n);
  if (n_validation >= n)
    throw ValueError("split: validation_fraction " + format_number(validation_fraction) + " of " +
                     std::to_string(n) + " samples leaves no training sample");
  Generator gen(seed);
  const Tensor perm = Tensor::randperm(n, gen);
  const int64_t* p = perm.data<int64_t>();
  std::vector<int64_t> validation(p, p + n_validation);
  std::vector<int64_t> train(p + n_validation, p + n);
  return {std::make_shared<const Subset>(dataset, std::move(train)),
          std::make_shared<const Subset>(dataset, std::move(validation))};
}

}  // namespace minidl::data
