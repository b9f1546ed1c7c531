// The console's pages: each renders a view of what the database said into
// the body of a page (html.hpp adds the frame). Pure: they are given
// everything, and read nothing. What a user may do shows as buttons only
// when their role allows it; the server checks again on every POST.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/audit_log.hpp"
#include "common/batch_store.hpp"
#include "common/job_admin.hpp"
#include "common/job_bulk.hpp"
#include "common/job_search.hpp"
#include "common/schedule_store.hpp"
#include "config/config.hpp"
#include "config/job_filter_text.hpp"
#include "config/schedule_view.hpp"
#include "web/html.hpp"
#include "web/overview.hpp"
#include "web/web_request.hpp"

namespace spawnq {

// What the user's role allows, for which buttons to show.
struct Abilities {
  bool operate = false;     // retry, cancel, pause, resume, run a schedule now
  bool administer = false;  // delete
};

std::string render_overview(const PageFrame& frame, const Overview& overview, const Abilities& can);

// A small server-rendered chart of finished jobs per minute: done stacked
// under failed, the newest minute on the right.
std::string render_chart(const std::vector<std::int64_t>& done, const std::vector<std::int64_t>& failed);

struct JobsView {
  JobFilterText text;                      // as given, for links and forms
  std::optional<std::string> error_group;  // from the failures page
  std::optional<JobStatus> tab;            // the status tab shown; nullopt: all
  std::map<JobStatus, CappedCount> counts;
  JobPage page;
  std::string self;  // this view's URL, to come back to after an action
};
std::string render_jobs(const PageFrame& frame, const JobsView& view, const Abilities& can);

// The filter of one queue's jobs, of some statuses ("failed,dead") or all.
JobFilterText queue_filter(const std::string& queue, std::optional<std::string> statuses = std::nullopt);

// The URL of a jobs view with these filters ("/jobs?queue=a&status=failed").
std::string jobs_url(const JobFilterText& text, const std::optional<std::string>& error_group,
                     std::optional<JobId> before_id = std::nullopt);

std::string render_job(const PageFrame& frame, const JobDetails& job, const Abilities& can);

std::string render_failures(const PageFrame& frame, const std::vector<FailureGroup>& groups, int newest,
                            const Abilities& can);

std::string render_daemons(const PageFrame& frame, const std::vector<WorkerLine>& workers,
                           std::chrono::milliseconds stuck_job_timeout);

std::string render_schedules(const PageFrame& frame, const std::vector<ScheduleView>& schedules,
                             const Abilities& can);

std::string render_audit(const PageFrame& frame, const AuditPage& page);

std::string render_batches(const PageFrame& frame, const std::vector<Batch>& batches);
std::string render_batch(const PageFrame& frame, const Batch& batch, bool show_payload);

// "Retry the oldest 1,000 of 10,000+ jobs that match?" with the button that
// does it; what a bulk action on a whole filter asks first.
struct BulkConfirmation {
  BulkAction action = BulkAction::retry;
  JobFilterText text;
  std::optional<std::string> error_group;
  CappedCount matching;
  int max = kDefaultBulkMax;
  std::string return_to;
};
std::string render_confirmation(const PageFrame& frame, const BulkConfirmation& confirmation);

}  // namespace spawnq
