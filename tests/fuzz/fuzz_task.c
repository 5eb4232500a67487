/* fuzz_task: libFuzzer harness of task files through the environment constructor (task_parse, task_resolve, env_init).
 * The target itself lives in targets.c, shared with tests/test_regressions.c.
 * Run: scripts/fuzz.sh task SECONDS   (seed corpus: tests/fuzz/task/) */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  char err[ERR_LEN];
  fuzz_one("task", data, n, err);
  return 0;
}
