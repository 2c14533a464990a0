#pragma once
// The data layer: datasets (tensors, CSV files, IDX images, synthetic), subsets and seeded splits,
// standardisation, and the prefetching, shuffling DataLoader. Depends on core only.
#include "minidl/data/batch.hpp"
#include "minidl/data/csv_dataset.hpp"
#include "minidl/data/data_loader.hpp"
#include "minidl/data/dataset.hpp"
#include "minidl/data/feature_order.hpp"
#include "minidl/data/idx.hpp"
#include "minidl/data/scaled.hpp"
#include "minidl/data/split.hpp"
#include "minidl/data/standardizer.hpp"
#include "minidl/data/subset.hpp"
#include "minidl/data/synthetic.hpp"
#include "minidl/data/tensor_dataset.hpp"
