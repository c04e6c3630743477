#pragma once
// The invariants a sync must keep whatever happened to it (kills, SIGTERM, faults), shared by the kill-point
// test and the soaks. Each check returns the problems it found as readable lines (empty = holds), so the
// caller can assert with its own context (which kill, which run).
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/engine/import_recorder.h"
#include "tests/integration/engine/source_data.h"

namespace zra::testing {

// `zra-sync state export -c config` as parsed JSON lines. Throws std::runtime_error with the output when
// it does not exit 0.
std::vector<nlohmann::json> export_state(const std::filesystem::path& config);

// The sandbox (SandboxServer::state()) holds exactly the valid source records, ids and field values
// (zra_*_id aside), for every type of `data`.
std::vector<std::string> sandbox_mismatches(const SourceData& data, const nlohmann::json& sandbox_state);

// Every record the state believes ZRA holds (a confirmed_hash) is in the sandbox. Holds at any moment,
// also right after a kill.
std::vector<std::string> confirmed_missing_from_sandbox(const std::vector<nlohmann::json>& state,
                                                        const nlohmann::json& sandbox_state);

// After convergence: the ids whose outcome is "confirmed" are exactly the ids the sandbox holds.
std::vector<std::string> confirmed_set_mismatches(const std::vector<nlohmann::json>& state,
                                                  const nlohmann::json& sandbox_state);

// After any run, finished or not: every valid source record is held by the sandbox or named in that run's
// report (`errors`), never silently lost.
std::vector<std::string> unaccounted_records(const SourceData& data, const nlohmann::json& sandbox_state,
                                             const std::vector<nlohmann::json>& errors);

// A run's errors.jsonl lines name exactly the invalid rows of `data` (by type and crm_id), once each.
std::vector<std::string> report_mismatches(const std::vector<nlohmann::json>& errors, const SourceData& data);

// The errors.jsonl lines of the single report under `report_dir` (one run's --report-dir).
std::vector<nlohmann::json> read_run_errors(const std::filesystem::path& report_dir);

// No record of an import accepted (202) in an epoch of [first_epoch, last_epoch] is in an import of a later
// epoch of that range, unless the accepting task's id is in `may_resend` (its task ended FAILED or expired,
// or its id was never journalled because the run died right after the 202).
std::vector<std::string> resent_accepted_records(const std::vector<RecordedImport>& imports, int first_epoch,
                                                 int last_epoch, const std::set<std::string>& may_resend);

// Task ids of accepted imports in the epoch range that did not end SUCCESS in the sandbox: FAILED ones and
// those it no longer knows (expired). `sandbox_tasks` is the body of GET /_sandbox/tasks.
std::set<std::string> tasks_not_succeeded(const std::vector<RecordedImport>& imports, int first_epoch,
                                          int last_epoch, const nlohmann::json& sandbox_tasks);

// The task id of the last import accepted in `epoch` ("" if none): the one batch a run killed between
// the 202 and journalling its task id cannot know it sent.
std::string last_accepted_task(const std::vector<RecordedImport>& imports, int epoch);

}  // namespace zra::testing
