# Writes a C++ source holding every migration under SQL_DIR, in file-name order,
# so that `spawnq migrate` needs no files beside the binary.
# Usage: cmake -DSQL_DIR=... -DOUTPUT=... -P embed_sql.cmake
file(GLOB files RELATIVE "${SQL_DIR}" "${SQL_DIR}/*.sql")
list(SORT files)
set(body "")
foreach(name IN LISTS files)
  file(READ "${SQL_DIR}/${name}" text)
  string(FIND "${text}" ")spawnq_sql\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter )spawnq_sql\"")
  endif()
  string(REGEX REPLACE "\\.sql$" "" stem "${name}")
  string(APPEND body "    {\"${stem}\", R\"spawnq_sql(${text})spawnq_sql\"},\n")
endforeach()
file(WRITE "${OUTPUT}.tmp"
"// Generated from sql/*.sql by cmake/embed_sql.cmake; do not edit.
#include \"common/migrations.hpp\"

namespace spawnq {

const std::vector<Migration>& embedded_migrations() {
  static const std::vector<Migration> migrations = {
${body}  };
  return migrations;
}

}  // namespace spawnq
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
