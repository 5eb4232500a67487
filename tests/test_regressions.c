/* test_regressions: every input the fuzzers ever crashed on, replayed through the same entry
 * points (tests/fuzz/targets.c) in the normal suite, so a fixed bug stays fixed.
 *
 * tests/fuzz/crashers/TARGET/ holds the crashers of each target, named after what they broke
 * (docs/reliability.md lists them); each must now be refused with a one-line message, except
 * those named accepted-*: valid inputs on which the code after the parser crashed, which
 * must now simply run. The
 * seed corpora tests/fuzz/TARGET/ are replayed too: they must not crash and, when refused,
 * must say why in one line. A crash fails the test through Check's forked runner; the file
 * being replayed is printed first. */
#include "helpers.h"

#include "fuzz/targets.c"

/* replay every file of DDPG_SOURCE_DIR/tests/fuzz/SUB through target `name`; with
 * must_refuse, each must be refused. Returns the number of files */
static int replay_dir(const char *name, const char *sub, int must_refuse) {
  char dir[1024];
  snprintf(dir, sizeof dir, "%s/tests/fuzz/%s", DDPG_SOURCE_DIR, sub);
  DIR *d = opendir(dir);
  if (!d) return 0; /* a target without crashers yet */
  int count = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    uint8_t *data;
    size_t n;
    char err[ERR_LEN];
    ck_assert_msg(read_file(path, &data, &n, err) == 0, "%s", err);
    fprintf(stderr, "test_regressions: %s %s\n", name, path);
    int rc = fuzz_one(name, data, n, err);
    free(data);
    if (must_refuse && strncmp(e->d_name, "accepted-", 9) != 0)
      ck_assert_msg(rc == -1, "%s: accepted, expected a clean refusal", path);
    if (rc != 0) {
      ck_assert_msg(err[0] != 0, "%s: refused without a message", path);
      ck_assert_msg(!strchr(err, '\n'), "%s: message is not one line: %s", path, err);
    }
    count++;
  }
  closedir(d);
  return count;
}

static void replay_target(const char *name) {
  char crashers[64];
  snprintf(crashers, sizeof crashers, "crashers/%s", name);
  replay_dir(name, crashers, 1);
  ck_assert_msg(replay_dir(name, name, 0) > 0, "no seed corpus in tests/fuzz/%s", name);
}

START_TEST(test_checkpoint_crashers_and_seeds) { replay_target("checkpoint"); }
END_TEST

START_TEST(test_model_crashers_and_seeds) { replay_target("model"); }
END_TEST

START_TEST(test_task_crashers_and_seeds) { replay_target("task"); }
END_TEST

START_TEST(test_act_line_crashers_and_seeds) { replay_target("act_line"); }
END_TEST

START_TEST(test_args_crashers_and_seeds) { replay_target("args"); }
END_TEST

/* the kept checkpoint seeds are checkpoints of the current format: a seed that no longer
 * loads (the format changed) would leave the fuzzer stuck at the header */
START_TEST(test_checkpoint_seeds_load) {
  const char *seeds[] = {"toy-hidden8.ddpg", "toy-with-replay.ddpg", "toy-3workers-td3-ou.ddpg"};
  for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
    char path[1024], err[ERR_LEN];
    snprintf(path, sizeof path, "%s/tests/fuzz/checkpoint/%s", DDPG_SOURCE_DIR, seeds[i]);
    uint8_t *data;
    size_t n;
    ck_assert_msg(read_file(path, &data, &n, err) == 0, "%s", err);
    int rc = fuzz_one("checkpoint", data, n, err);
    free(data);
    ck_assert_msg(rc == 0, "seed %s does not load any more (%s): regenerate the checkpoint "
                  "seeds as docs/reliability.md says", seeds[i], err);
  }
}
END_TEST

TH_MAIN("regressions", 120, test_checkpoint_crashers_and_seeds, test_model_crashers_and_seeds,
        test_task_crashers_and_seeds, test_act_line_crashers_and_seeds,
        test_args_crashers_and_seeds, test_checkpoint_seeds_load)
