/* fuzz_args: libFuzzer harness of the command-line parser of every subcommand (args_parse with each real table).
 * The target itself lives in targets.c, shared with tests/test_regressions.c.
 * Run: scripts/fuzz.sh args SECONDS   (seed corpus: tests/fuzz/args/) */
#include "targets.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t n) {
  char err[ERR_LEN];
  fuzz_one("args", data, n, err);
  return 0;
}
