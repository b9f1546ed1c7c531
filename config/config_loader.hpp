// Turns a YAML config file into a validated Config (docs/SPEC.md §2). Every problem is
// a ConfigError whose message names the file, the line and the key; nothing is
// half-applied: a Config is returned whole or not at all.
#pragma once

#include <filesystem>
#include <string>

#include "config.hpp"

namespace spawnq {

// Reads `path` and validates it. Relative paths inside resolve against the
// file's folder; bare command names are looked up in PATH, once, here.
Config load_config(const std::string& path);

// Validates YAML `text` as if read from `source`, resolving relative paths
// against `base_dir`. load_config() is this plus reading the file.
Config parse_config(const std::string& text, const std::string& source,
                    const std::filesystem::path& base_dir);

// The settings in force when no config file exists: one queue, `default`.
Config default_config();

}  // namespace spawnq
