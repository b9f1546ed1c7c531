// Text from jobs goes into PostgreSQL text columns, which refuse invalid UTF-8
// and NUL bytes. A job that prints binary must not make its outcome unwritable.
#pragma once

#include <string>
#include <string_view>

namespace spawnq {

// `text` with every invalid UTF-8 sequence replaced by U+FFFD and NULs dropped;
// a sequence cut at the very start (a tail cut mid-character) is dropped too.
std::string to_valid_utf8(std::string_view text);

}  // namespace spawnq
