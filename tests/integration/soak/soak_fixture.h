#pragma once
// Shared set-up of the soaks: generated data through SyncFixture's default mappings, the sandbox with
// time-scaled rate limits (and faults, for the fault soak) behind an ImportRecorder, runs numbered as
// recorder epochs, each with its own report directory, and the sandbox's fault figures.
#include <memory>
#include <string>

#include "tests/integration/engine/convergence.h"
#include "tests/integration/engine/import_recorder.h"
#include "tests/integration/engine/source_data.h"
#include "tests/integration/engine/sync_fixture.h"

namespace zra::testing {

class SoakFixture : public SyncFixture {
 protected:
  void TearDown() override;

  // Starts `options` (rate limits on, at options.time_scale), the recorder in front of it, writes the data,
  // mappings and a config whose client limits are the Business plan's times the time scale, and registers.
  void prepare(const SourceData& data, sandbox::SandboxOptions options, const std::string& zra_extra);
  // Forgets the sandbox's records, tasks and registration, the state file and reports; registers again.
  void start_over();

  // `zra-sync run` as run number `epoch`, its report in reports/run-EPOCH, its output in run-EPOCH.log (or
  // .out/.err in the background).
  CommandResult run(int epoch);
  Spawned run_background(int epoch);
  std::filesystem::path report_dir(int epoch) const;
  nlohmann::json run_summary(int epoch) const;  // summary.json of that run
  nlohmann::json sandbox_tasks() const;         // GET /_sandbox/tasks

  // Lower bound of import calls for the data at `batch_size`: sum over types of ceil(valid / batch_size).
  int64_t fault_free_calls(size_t batch_size) const;

  SourceData data_;
  std::unique_ptr<ImportRecorder> recorder_;
};

}  // namespace zra::testing
