// Issue 8's kill soak and SIGTERM soak: 10,000 records synced over and over while the test sends kill -9
// (or SIGTERM) at seeded-random moments. Each round starts from an empty ZRA and state and signals runs
// until one finishes before its signal; after every signal nothing the state calls confirmed may be
// missing from the sandbox, and after every round the sandbox holds exactly the valid records, the state
// agrees, the last report names exactly the invalid rows, and no batch ZRA accepted was imported again
// (for kill -9, except the one batch a run can die with between its 202 and journalling the task id).
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <iostream>
#include <random>
#include <thread>

#include "tests/integration/soak/soak_fixture.h"

namespace zra::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

struct SoakFigures {
  int signals = 0, rounds = 0, runs = 0, finished_before_signal = 0;
};

class SignalSoakTest : public SoakFixture {
 protected:
  // Returns the exit code as wait_for() does, or -1 while the process runs.
  static int poll_exit(int pid) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == 0) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  // Signals runs of a fresh sync at seeded-random moments until `min_signals` were delivered.
  SoakFigures soak(int sig, int min_signals, uint64_t seed) {
    sandbox::SandboxOptions o;
    o.time_scale = 20;  // 6 imports a second: a first run takes ~3.5 s
    o.task_delay_s = 1.5;
    prepare(make_source_data({3000, 3000, 2000, 2000, 25}, seed), o, "  batch_size: 500\n  max_in_flight_tasks: 3\n");
    std::mt19937_64 rng(seed);
    SoakFigures f;
    int epoch = 0;
    while (f.signals < min_signals && f.rounds < 12) {
      if (f.rounds++ > 0) start_over();
      const int first_epoch = epoch + 1;
      std::set<std::string> may_resend;
      std::vector<int> killed_epochs;
      int exit_code = -1;
      for (int in_round = 0; exit_code != 1 && in_round < 10; ++in_round) {
        const Spawned p = run_background(++epoch);
        ++f.runs;
        // Signal handlers are installed before the first log line; a SIGTERM earlier would kill it outright.
        while (read_text(p.err_file).empty() && poll_exit(p.pid) == -1) std::this_thread::sleep_for(milliseconds(2));
        const auto at = std::chrono::steady_clock::now() + milliseconds(std::uniform_int_distribution<int>(50, 1500)(rng));
        exit_code = -1;
        while (exit_code == -1 && std::chrono::steady_clock::now() < at) {
          std::this_thread::sleep_for(milliseconds(5));
          exit_code = poll_exit(p.pid);
        }
        const bool last_chance = in_round == 9;
        if (exit_code == -1 && !last_chance) {
          kill(p.pid, sig);
          exit_code = wait_for(p);
          // A run can finish in the few ms between the last poll and the kill: then the signal met a
          // process already gone (exit 1, the data's invalid rows), which SIGKILL could not have caused.
          const bool too_late = sig == SIGKILL && exit_code == 1;
          if (!too_late) ++f.signals;
          if (sig == SIGKILL && !too_late) {
            EXPECT_EQ(exit_code, 128 + SIGKILL) << "run " << epoch;
            killed_epochs.push_back(epoch);
          } else if (sig != SIGKILL) {
            EXPECT_TRUE(exit_code == 130 || exit_code == 1) << "run " << epoch << " exited " << exit_code << ":\n"
                                                            << read_text(p.err_file).substr(0, 4000);
            if (exit_code == 130) {
              EXPECT_EQ(run_summary(epoch)["exit_code"], 130) << "run " << epoch;
            }
          }
          for (const auto& q : confirmed_missing_from_sandbox(export_state(dir_ / "sync.yaml"), sandbox_->state())) {
            ADD_FAILURE() << "after the signal to run " << epoch << ": " << q;
          }
          if (exit_code == 1) ++f.finished_before_signal;
        } else if (exit_code == -1) {
          exit_code = wait_for(p);
        } else {
          ++f.finished_before_signal;
        }
        EXPECT_TRUE(exit_code == 1 || exit_code == 130 || exit_code == 128 + SIGKILL)
            << "run " << epoch << " exited " << exit_code << ":\n" << read_text(p.err_file).substr(0, 4000);
      }
      EXPECT_EQ(exit_code, 1) << "round " << f.rounds << " did not converge";
      const json sandbox_state = sandbox_->state();
      for (const auto& q : sandbox_mismatches(data_, sandbox_state)) ADD_FAILURE() << "round " << f.rounds << ": " << q;
      const auto state = export_state(dir_ / "sync.yaml");
      for (const auto& q : confirmed_set_mismatches(state, sandbox_state)) ADD_FAILURE() << "round " << f.rounds << ": " << q;
      for (const auto& q : report_mismatches(read_run_errors(report_dir(epoch)), data_)) {
        ADD_FAILURE() << "round " << f.rounds << ", final report: " << q;
      }
      // Read now, not right after the kill: the recorder may still have been waiting for that 202.
      const auto imports = recorder_->imports();
      for (int killed : killed_epochs) may_resend.insert(last_accepted_task(imports, killed));
      for (const auto& t : tasks_not_succeeded(imports, first_epoch, epoch, sandbox_tasks())) may_resend.insert(t);
      for (const auto& q : resent_accepted_records(imports, first_epoch, epoch, may_resend)) {
        ADD_FAILURE() << "round " << f.rounds << ": " << q;
      }
      if (HasFailure()) break;
    }
    return f;
  }
};

TEST_F(SignalSoakTest, KillNineAtRandomMomentsNeverLosesOrDoubleImports) {
  SoakFigures f = soak(SIGKILL, 15, 9001);
  EXPECT_GE(f.signals, 15);
  std::cout << "[soak] kill soak: 10000 records, " << f.signals << " kill -9 survived over " << f.runs << " runs in "
            << f.rounds << " rounds (" << f.finished_before_signal << " runs finished before their kill), records lost: "
            << (HasFailure() ? "SEE FAILURES" : "0") << "\n";
}

TEST_F(SignalSoakTest, SigtermAtRandomMomentsStopsCleanlyAndConverges) {
  SoakFigures f = soak(SIGTERM, 10, 9002);
  EXPECT_GE(f.signals, 10);
  std::cout << "[soak] SIGTERM soak: 10000 records, " << f.signals << " SIGTERM over " << f.runs << " runs in "
            << f.rounds << " rounds (" << f.finished_before_signal << " runs finished before their signal), records lost: "
            << (HasFailure() ? "SEE FAILURES" : "0") << "\n";
}

}  // namespace
}  // namespace zra::testing
