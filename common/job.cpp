#include "job.hpp"

namespace spawnq {

std::string_view to_string(JobStatus status) {
  switch (status) {
    case JobStatus::pending: return "pending";
    case JobStatus::processing: return "processing";
    case JobStatus::retry_wait: return "retry_wait";
    case JobStatus::done: return "done";
    case JobStatus::failed: return "failed";
    case JobStatus::dead: return "dead";
    case JobStatus::cancelled: return "cancelled";
  }
  return "unknown";
}

std::optional<JobStatus> parse_job_status(std::string_view text) {
  for (JobStatus status : kAllStatuses) {
    if (to_string(status) == text) return status;
  }
  return std::nullopt;
}

bool is_terminal(JobStatus status) {
  return status == JobStatus::done || status == JobStatus::failed || status == JobStatus::dead ||
         status == JobStatus::cancelled;
}

bool valid_queue_name(std::string_view name) {
  if (name.empty() || name.size() > 56) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string_view to_string(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::success: return "success";
    case AttemptOutcome::retry: return "retry";
    case AttemptOutcome::fail: return "fail";
    case AttemptOutcome::timeout: return "timeout";
    case AttemptOutcome::lost: return "lost";
    case AttemptOutcome::cancelled: return "cancelled";
  }
  return "unknown";
}

}  // namespace spawnq
