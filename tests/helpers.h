/* helpers: what the Check programs of tests/ share, so each test_*.c holds only its tests.
 *
 *   TH_MAIN(suite, seconds, tests...)   the program's main: one suite, one test case, every
 *                                       test forked by Check with the given timeout each;
 *                                       exit 0 when all pass, 1 when any fails
 *   th_make_tmp(), th_tmp, th_path()    a private directory under /tmp for the running test,
 *                                       removed after the test passes (kept when it fails,
 *                                       for a look); th_remove_tree() removes any tree
 *   th_bin(), th_sh()                   the ddpg binary (DDPG_BIN, set by CTest) and a shell
 *                                       command's exit status
 *   th_read_checkpoint(), th_assert_same_checkpoints()
 *                                       a run directory's checkpoint file, and byte equality
 *   th_load_env(name)                   a built-in robot's (or a task file's) EnvModel
 *   th_small_config(), th_train_to(), th_resume_to()
 *                                       a short training run, from scratch or resumed
 *
 * A test that cannot run here makes its program exit TH_SKIP (CTest's SKIP_RETURN_CODE,
 * CMakeLists.txt), never 0. Header-only: every function is static inline, so a program uses
 * what it needs. Include this header first: it selects POSIX.1-2008 (mkdtemp, lstat). */
#ifndef DDPG_TESTS_HELPERS_H
#define DDPG_TESTS_HELPERS_H

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <check.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkpoint.h"
#include "config.h"
#include "trainer.h"
#include "util.h"

#define TH_SKIP 77 /* exit status of a test program that cannot run here (CTest: skipped) */

/* ---- temporary directories ------------------------------------------------------------- */

static const char *th_suite = "test"; /* the running program's suite, names its directories */
static char th_tmp[256];              /* the running test's directory; "" before th_make_tmp */

/* remove path and, if it is a directory, everything under it (symlinks are not followed) */
static inline void th_remove_tree(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    DIR *d = opendir(path);
    ck_assert_msg(d != NULL, "cannot open %s", path);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      char sub[4096];
      ck_assert(snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub);
      th_remove_tree(sub);
    }
    closedir(d);
    ck_assert_msg(rmdir(path) == 0, "cannot remove %s", path);
  } else {
    ck_assert_msg(unlink(path) == 0, "cannot remove %s", path);
  }
}

/* a fresh /tmp/ddpg_test_SUITE_XXXXXX in th_tmp (returned); removed when the test passes */
static inline const char *th_make_tmp(void) {
  snprintf(th_tmp, sizeof th_tmp, "/tmp/ddpg_test_%s_XXXXXX", th_suite);
  ck_assert_ptr_nonnull(mkdtemp(th_tmp));
  return th_tmp;
}

/* th_tmp/name, valid for the next 15 calls (copy a path that must live longer) */
static inline const char *th_path(const char *name) {
  static char buf[16][512];
  static int k;
  char *p = buf[k++ % 16];
  snprintf(p, sizeof buf[0], "%s/%s", th_tmp, name);
  return p;
}

/* ---- the ddpg binary -------------------------------------------------------------------- */

static inline const char *th_bin(void) {
  const char *b = getenv("DDPG_BIN");
  ck_assert_msg(b && *b, "DDPG_BIN must name the ddpg binary (ctest sets it)");
  return b;
}

/* run a shell command (printf format); its exit status, -1 if it did not exit */
static inline int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int th_sh(const char *fmt, ...) {
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  int len = vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  ck_assert_msg(len < (int)sizeof cmd, "command too long: %.80s...", cmd);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* ---- checkpoints and short runs ------------------------------------------------------------ */

/* the checkpoint of run directory dir (malloc'd) */
static inline void th_read_checkpoint(const char *dir, uint8_t **buf, size_t *n) {
  char p[512], err[ERR_LEN];
  snprintf(p, sizeof p, "%s/%s", dir, CHECKPOINT_NAME);
  ck_assert_msg(read_file(p, buf, n, err) == 0, "%s", err);
}

/* the checkpoints of run directories a and b are the same bytes */
static inline void th_assert_same_checkpoints(const char *a, const char *b) {
  uint8_t *x, *y;
  size_t nx, ny;
  th_read_checkpoint(a, &x, &nx);
  th_read_checkpoint(b, &y, &ny);
  ck_assert_uint_eq(nx, ny);
  ck_assert_msg(memcmp(x, y, nx) == 0, "checkpoints %s and %s differ", a, b);
  free(x);
  free(y);
}

/* a short run on env: seed 3, 200 warm-up steps, batch 32, 32-32 networks, an evaluation
 * (2 episodes) every 500 steps and a checkpoint every 400 */
/* the EnvModel of a built-in robot or task file (the test fails when it does not load) */
static inline EnvModel *th_load_env(const char *name) {
  EnvModel *m = NULL;
  char err[ERR_LEN] = "";
  int rc = env_model_load(&m, name, NULL, err);
  ck_assert_msg(rc == 0, "load %s: %s", name, err);
  return m;
}

static inline void th_small_config(TrainConfig *c, const char *env, long steps) {
  config_defaults(c);
  snprintf(c->env, sizeof c->env, "%s", env);
  c->steps = steps;
  c->seed = 3;
  c->start_steps = 200;
  c->batch = 32;
  c->buffer_size = 100000;
  snprintf(c->hidden, sizeof c->hidden, "32,32");
  c->eval_every = 500;
  c->eval_episodes = 2;
  c->checkpoint_every = 400;
  snprintf(c->learner_threads, sizeof c->learner_threads, "1"); /* not auto: the same bits
                                                                   on any machine */
  char err[ERR_LEN];
  ck_assert_int_eq(config_resolve(c, err), 0);
}

/* train c from scratch into dir, quietly */
static inline void th_train_to(const TrainConfig *c, const char *dir) {
  Trainer tr;
  char err[ERR_LEN];
  ck_assert_msg(trainer_init(&tr, c, dir, err) == 0, "%s", err);
  tr.log.quiet = 1;
  ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
  trainer_free(&tr);
}

/* resume the run in dir and train it on to `steps` env steps, quietly */
static inline void th_resume_to(const char *dir, long steps) {
  Trainer tr;
  char err[ERR_LEN];
  ck_assert_msg(trainer_resume(&tr, dir, steps, err) == 0, "%s", err);
  tr.log.quiet = 1;
  ck_assert_msg(trainer_run(&tr, err) == 0, "%s", err);
  trainer_free(&tr);
}

/* ---- main --------------------------------------------------------------------------------- */

/* after each passing test: its directory goes (a failing test exits before this runs) */
static inline void th_teardown(void) {
  if (th_tmp[0]) th_remove_tree(th_tmp);
  th_tmp[0] = 0;
}

/* run tests[0..n) as suite `suite`, each with a timeout of `seconds`; the exit status */
static inline int th_main(const char *suite, int seconds, const TTest *const *tests, size_t n) {
  th_suite = suite;
  Suite *s = suite_create(suite);
  TCase *tc = tcase_create(suite);
  tcase_set_timeout(tc, seconds);
  tcase_add_checked_fixture(tc, NULL, th_teardown);
  for (size_t i = 0; i < n; i++) tcase_add_test(tc, tests[i]);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* the program's main: TH_MAIN("mlp", 240, test_a, test_b, ...) */
#define TH_MAIN(suite, seconds, ...)                                               \
  int main(void) {                                                                 \
    const TTest *const th_tests_[] = {__VA_ARGS__};                                \
    return th_main(suite, seconds, th_tests_, sizeof th_tests_ / sizeof th_tests_[0]); \
  }

#endif
