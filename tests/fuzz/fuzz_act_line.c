/* fuzz_act_line: libFuzzer harness of the observation parser of `ddpg act` (act_parse_line).
 * The target itself lives in targets.c, shared with tests/test_regressions.c.
 * Run: scripts/fuzz.sh act_line SECONDS   (seed corpus: tests/fuzz/act_line/) */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  char err[ERR_LEN];
  fuzz_one("act_line", data, n, err);
  return 0;
}
