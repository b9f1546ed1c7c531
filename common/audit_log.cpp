#include "audit_log.hpp"

#include <pqxx/pqxx>
#include <sstream>

#include "sql_values.hpp"

namespace spawnq {

std::int64_t AuditLog::record(const AuditEntry& entry) {
  pqxx::work w(conn_);
  const auto row = sql_.exec1(w, "record_audit", entry.user, entry.action, entry.target, id_array(entry.job_ids),
                              entry.detail);
  w.commit();
  return row[0].as<std::int64_t>();
}

AuditPage AuditLog::list(std::optional<std::int64_t> before_id, int limit) {
  pqxx::work w(conn_);
  // One more than asked says whether there is a next page.
  const auto rows = sql_.exec(w, "list_audit", before_id, limit + 1);
  w.commit();
  AuditPage page;
  for (const auto& row : rows) {
    if (static_cast<int>(page.entries.size()) == limit) {
      page.next_before_id = page.entries.back().id;
      break;
    }
    AuditEntry entry;
    entry.id = row[0].as<std::int64_t>();
    entry.at = row[1].as<std::string>();
    entry.user = row[2].as<std::string>();
    entry.action = row[3].as<std::string>();
    entry.target = row[4].as<std::string>();
    std::istringstream ids(row[5].as<std::string>());
    for (std::string id; std::getline(ids, id, ',');) entry.job_ids.push_back(std::stoll(id));
    entry.detail = row[6].as<std::string>();
    page.entries.push_back(std::move(entry));
  }
  return page;
}

}  // namespace spawnq
