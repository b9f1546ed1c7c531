// The JSON the console's API answers with (GET /api/…), built from the same
// views as the pages. Pure. docs/SPEC.md §1.3 lists every route and field.
#pragma once

#include <nlohmann/json.hpp>

#include "web/pages/pages.hpp"

namespace spawnq {

nlohmann::json overview_json(const Overview& overview, std::chrono::milliseconds stuck_job_timeout);
nlohmann::json jobs_json(const JobsView& view);
nlohmann::json job_json(const JobDetails& job);
nlohmann::json failures_json(const std::vector<FailureGroup>& groups, int newest);
nlohmann::json daemons_json(const std::vector<WorkerLine>& workers, std::chrono::milliseconds stuck_job_timeout);
nlohmann::json audit_json(const AuditPage& page);
// Without "payload" unless `show_payloads` (web.show_payloads).
nlohmann::json batch_json(const Batch& batch, bool show_payloads);
nlohmann::json batches_json(const std::vector<Batch>& batches, bool show_payloads);  // {"batches": […]}

// web.show_payloads: false — the payload and every output tail are taken
// out before any page or answer sees the job.
void hide_payloads(JobDetails& job);

}  // namespace spawnq
