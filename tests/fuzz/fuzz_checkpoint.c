/* fuzz_checkpoint: libFuzzer harness of the checkpoint loader (policy_load_mem, checkpoint_parse, trainer_resume).
 * The target itself lives in targets.c, shared with tests/test_regressions.c.
 * Run: scripts/fuzz.sh checkpoint SECONDS   (seed corpus: tests/fuzz/checkpoint/) */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  char err[ERR_LEN];
  fuzz_one("checkpoint", data, n, err);
  return 0;
}
