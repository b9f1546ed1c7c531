// The p-th quantile (0..1) of a bench's samples, the nearest rank below.
#pragma once
#include <algorithm>
#include <cstddef>
#include <vector>

inline double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<std::size_t>(p * static_cast<double>(values.size() - 1))];
}
