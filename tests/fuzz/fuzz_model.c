/* fuzz_model: libFuzzer harness of model loading through the environment constructor (env_model_load, env_init).
 * The target itself lives in targets.c, shared with tests/test_regressions.c.
 * Run: scripts/fuzz.sh model SECONDS   (seed corpus: tests/fuzz/model/) */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  char err[ERR_LEN];
  fuzz_one("model", data, n, err);
  return 0;
}
