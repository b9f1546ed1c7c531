// A batch as the JSON that `spawnq batch show --json`, `spawnq batches
// --json` and the web console's API print (docs/SPEC.md §1.1, §1.3). Pure.
#pragma once

#include <nlohmann/json.hpp>

#include "batch_store.hpp"

namespace spawnq {

nlohmann::json to_json(const Batch& batch);

}  // namespace spawnq
