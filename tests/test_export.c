/* test_export: `ddpg export` and the headers it writes. A generated header is compiled with
 * the system's compilers (`cc` through system(), in a temporary directory) and must act
 * exactly as `ddpg act` on 10,000 random observations (float) or as the library's twin of
 * its loops (int8); it must compile warning-free as C99, C11 and C++; bad input leaves an
 * existing header untouched; the committed headers in controllers/ are what export writes
 * today; and the example controller scores what `ddpg eval` scores. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "eval.h"
#include "export.h"
#include "policy.h"
#include "rng.h"
#include "util.h"

/* a small trained reacher (64-64 actor, 15k steps): the fixture of the format tests */
#define REACHER_CKPT DDPG_SOURCE_DIR "/tests/data/reacher_64x64.ddpg"
/* the checkpoints controllers/regenerate.sh exports the committed headers from (the same
 * two paths as in that script) */
#define CTRL_REACHER_CKPT DDPG_SOURCE_DIR "/results/reacher/ourddpg/seed2/checkpoint.ddpg"
#define CTRL_HALF_CHEETAH_CKPT DDPG_SOURCE_DIR "/results/half_cheetah/ourddpg/seed1/checkpoint.ddpg"
#define N_OBS 10000

static char TMP[256];

static void make_tmp(void) {
  snprintf(TMP, sizeof TMP, "/tmp/ddpg_test_export_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(TMP));
}

/* TMP/name, valid for the next 15 calls (copy a path that must live longer) */
static const char *tmp(const char *name) {
  static char buf[16][512];
  static int k;
  char *p = buf[k++ % 16];
  snprintf(p, 512, "%s/%s", TMP, name);
  return p;
}

/* run a shell command; its exit status (-1 if it did not exit) */
static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh(const char *fmt, ...) {
  char cmd[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int rc = system(cmd);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* after a passing test (a failing one keeps its files for a look) */
static void rm_tmp(void) {
  if (TMP[0]) (void)sh("rm -rf %s", TMP);
  TMP[0] = 0;
}

static const char *bin(void) {
  const char *b = getenv("DDPG_BIN");
  ck_assert_msg(b != NULL, "DDPG_BIN is not set (run through ctest)");
  return b;
}

/* the whole file, NUL-terminated (NULL when missing) */
static char *slurp(const char *path, size_t *n) {
  uint8_t *d;
  size_t len;
  char err[ERR_LEN];
  if (read_file(path, &d, &len, err) != 0) return NULL;
  char *s = xmalloc(len + 1);
  memcpy(s, d, len);
  s[len] = 0;
  free(d);
  if (n) *n = len;
  return s;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs(text, f);
  fclose(f);
}

/* n random observations of dim S, uniform in [-lim, lim), written with %.9g (float exact) */
static float *random_obs(int n, int S, double lim, const char *path) {
  float *o = xmalloc(sizeof(float) * (size_t)n * S);
  Rng r;
  rng_init(&r, 42, 0);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  for (int k = 0; k < n; k++) {
    for (int i = 0; i < S; i++) {
      o[k * S + i] = (float)rng_range(&r, -lim, lim);
      fprintf(f, i ? " %.9g" : "%.9g", o[k * S + i]);
    }
    fputc('\n', f);
  }
  fclose(f);
  return o;
}

/* a program that includes `header` and prints ID_act of every stdin line with %.9g */
static void build_actor_program_with(const char *cflags, const char *header, const char *id,
                                     const char *uid, const char *exe) {
  char src[4096];
  snprintf(src, sizeof src,
           "#include <stdio.h>\n#include <stdlib.h>\n#include \"%s\"\n"
           "int main(void) {\n"
           "  float obs[%s_OBS_DIM], act[%s_ACT_DIM];\n"
           "  for (;;) {\n"
           "    for (int i = 0; i < %s_OBS_DIM; i++)\n"
           "      if (scanf(\"%%f\", &obs[i]) != 1) return 0;\n"
           "    %s_act(obs, act);\n"
           "    for (int j = 0; j < %s_ACT_DIM; j++) printf(j ? \" %%.9g\" : \"%%.9g\", act[j]);\n"
           "    putchar('\\n');\n"
           "  }\n}\n",
           header, uid, uid, uid, id, uid);
  write_text(tmp("actor_main.c"), src);
  ck_assert_int_eq(sh("cc %s -Wall -Wextra -Wpedantic -Werror -I%s %s -o %s -lm", cflags, TMP,
                      tmp("actor_main.c"), exe), 0);
}

static void build_actor_program(const char *header, const char *id, const char *uid,
                                const char *exe) {
  build_actor_program_with("-std=c11 -O2", header, id, uid, exe);
}

/* compare two files of action lines: max |a - b|, and how many values differ at all */
static double compare_actions(const char *pa, const char *pb, int n_lines, int A, int *n_diff) {
  FILE *fa = fopen(pa, "r"), *fb = fopen(pb, "r");
  ck_assert_ptr_nonnull(fa);
  ck_assert_ptr_nonnull(fb);
  double worst = 0.0;
  *n_diff = 0;
  for (int k = 0; k < n_lines * A; k++) {
    float a, b;
    ck_assert_int_eq(fscanf(fa, "%f", &a), 1);
    ck_assert_int_eq(fscanf(fb, "%f", &b), 1);
    if (a != b) (*n_diff)++;
    double d = fabs((double)a - (double)b);
    worst = d > worst ? d : worst;
  }
  float extra;
  ck_assert_int_eq(fscanf(fa, "%f", &extra), EOF);
  ck_assert_int_eq(fscanf(fb, "%f", &extra), EOF);
  fclose(fa);
  fclose(fb);
  return worst;
}

/* ---- names ---------------------------------------------------------------------------- */

START_TEST(test_name_check) {
  char err[ERR_LEN];
  const char *good[] = {"reacher", "half_cheetah", "Arm2", "a", "x_1_y", "int", NULL};
  const char *bad[] = {"", "9lives", "a-b", "a b", "_x", "a__b", "ä", "x.h", NULL};
  for (int i = 0; good[i]; i++) ck_assert_msg(export_name_check(good[i], err) == 0, "%s", good[i]);
  for (int i = 0; bad[i]; i++) {
    ck_assert_msg(export_name_check(bad[i], err) == -1, "'%s' accepted", bad[i]);
    ck_assert(strchr(err, '\n') == NULL && strlen(err) > 0);
  }
  char longname[EXPORT_NAME_MAX + 2];
  memset(longname, 'a', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  ck_assert_int_eq(export_name_check(longname, err), -1);
}
END_TEST

/* ---- float exactness -------------------------------------------------------------------- */

START_TEST(test_float_header_equals_act_on_10000_observations) {
  make_tmp();
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s --name reacher > /dev/null", bin(),
                      REACHER_CKPT, tmp("r.h")), 0);
  float *obs = random_obs(N_OBS, 11, 3.0, tmp("obs.txt"));
  free(obs);
  ck_assert_int_eq(sh("%s act --checkpoint %s < %s > %s", bin(), REACHER_CKPT, tmp("obs.txt"),
                      tmp("act.txt")), 0);
  /* ISO C; and GNU C for this CPU, where gcc would fuse a*b + c into FMA (the header's
   * pragma must stop it) */
  const char *flags[2] = {"-std=c11 -O2", "-std=gnu11 -O3 -march=native"};
  for (int k = 0; k < 2; k++) {
    build_actor_program_with(flags[k], "r.h", "reacher", "REACHER", tmp("actor"));
    ck_assert_int_eq(sh("%s < %s > %s", tmp("actor"), tmp("obs.txt"), tmp("header.txt")), 0);
    int n_diff;
    double worst = compare_actions(tmp("header.txt"), tmp("act.txt"), N_OBS, 2, &n_diff);
    ck_assert_msg(worst <= 1e-6, "%s: header vs ddpg act: max diff %g", flags[k], worst);
    ck_assert_msg(n_diff == 0, "%s: %d of %d actions not bit-identical (max diff %g)", flags[k],
                  n_diff, 2 * N_OBS, worst);
  }
}
END_TEST

/* train a tiny run with `train_args`, export it float, int8 and int8 with float activations,
 * and check on N random observations: the float header is bit-identical to `ddpg act`; each
 * int8 header is bit-identical to the library's twin of its loops and close to float */
static void check_exports_of_run(const char *train_args, int S, int A) {
  ck_assert_int_eq(sh("%s train %s --buffer-size 1000 --quiet --out %s 2> /dev/null", bin(),
                      train_args, tmp("run")), 0);
  char ckpt[512];
  snprintf(ckpt, sizeof ckpt, "%s", tmp("run/checkpoint.ddpg"));
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s --name net > /dev/null", bin(), ckpt,
                      tmp("net.h")), 0);
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s --name net8 --int8 > /dev/null", bin(),
                      ckpt, tmp("net8.h")), 0);
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s --name net8f --int8 --int8-act float "
                      "> /dev/null", bin(), ckpt, tmp("net8f.h")), 0);
  enum { N = 2000 };
  float *obs = random_obs(N, S, 3.0, tmp("obs.txt"));

  build_actor_program("net.h", "net", "NET", tmp("actor"));
  ck_assert_int_eq(sh("%s < %s > %s", tmp("actor"), tmp("obs.txt"), tmp("header.txt")), 0);
  ck_assert_int_eq(sh("%s act --checkpoint %s < %s > %s", bin(), ckpt, tmp("obs.txt"),
                      tmp("act.txt")), 0);
  int n_diff;
  double worst = compare_actions(tmp("header.txt"), tmp("act.txt"), N, A, &n_diff);
  ck_assert_msg(n_diff == 0, "%s: float: %d actions differ (max %g)", train_args, n_diff, worst);

  Policy p;
  char err[ERR_LEN];
  ck_assert_int_eq(policy_load(&p, ckpt, err), 0);
  const ExportKind kinds[2] = {EXPORT_INT8, EXPORT_INT8_FACT};
  const char *names[2] = {"net8", "net8f"}, *unames[2] = {"NET8", "NET8F"};
  for (int k = 0; k < 2; k++) {
    char h[32];
    snprintf(h, sizeof h, "%s.h", names[k]);
    build_actor_program(h, names[k], unames[k], tmp("actor8"));
    ck_assert_int_eq(sh("%s < %s > %s", tmp("actor8"), tmp("obs.txt"), tmp("header8.txt")), 0);
    ExportNet n;
    export_net_init(&n, &p.agent, kinds[k]);
    void *scratch = xmalloc(export_net_scratch_bytes(&n));
    FILE *f = fopen(tmp("lib8.txt"), "w");
    double vs_float = 0.0;
    for (int i = 0; i < N; i++) {
      float a[ENV_MAX_ACT], b[ENV_MAX_ACT];
      export_net_act(&n, obs + i * S, a, scratch);
      policy_act(&p, obs + i * S, b);
      for (int j = 0; j < A; j++) {
        fprintf(f, j ? " %.9g" : "%.9g", a[j]);
        vs_float = fmax(vs_float, fabs((double)a[j] - b[j]));
      }
      fputc('\n', f);
    }
    fclose(f);
    worst = compare_actions(tmp("header8.txt"), tmp("lib8.txt"), N, A, &n_diff);
    ck_assert_msg(n_diff == 0, "%s %s: header and library twin differ in %d actions (max %g)",
                  train_args, names[k], n_diff, worst);
    ck_assert_msg(vs_float > 0.0 && vs_float < 0.2, "%s %s vs float: %g", train_args, names[k],
                  vs_float);
    double ns = export_act_ns(&n, obs, N, 200, 3);
    ck_assert(isfinite(ns) && ns > 0.0);
    free(scratch);
    export_net_free(&n);
  }
  policy_free(&p);
  free(obs);
  ck_assert_int_eq(sh("rm -rf %s", tmp("run")), 0);
}

/* a 3-layer actor of unequal widths (catches any transposition slip) */
START_TEST(test_cheetah_shapes_float_and_int8) {
  make_tmp();
  check_exports_of_run("--env half_cheetah --steps 1 --hidden 48,32", 17, 6);
}
END_TEST

/* the DDPG paper's actor: batch norm on the input and the hidden layers, no hidden biases */
/* ourddpg's actor steps (every update): this 400-step actor's int8 error on random
 * observations is below the 0.2 check_exports_of_run asserts; with the default's delayed
 * actor steps it was 1.36 (docs/export.md, int8) */
START_TEST(test_batch_norm_actor) {
  make_tmp();
  check_exports_of_run("--env reacher --preset ourddpg --steps 400 --start-steps 100 "
                       "--batch 32 --hidden 24,16 --batch-norm 1", 11, 2);
}
END_TEST

/* ---- the header as a C/C++ citizen ------------------------------------------------------- */

START_TEST(test_headers_compile_as_c99_c11_and_cpp) {
  make_tmp();
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s --name reacher > /dev/null", bin(),
                      REACHER_CKPT, tmp("r.h")), 0);
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s --name reacher_int8 --int8 "
                      "> /dev/null", bin(), REACHER_CKPT, tmp("r8.h")), 0);
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s --name reacher_int8f --int8 "
                      "--int8-act float > /dev/null", bin(), REACHER_CKPT, tmp("r8f.h")), 0);
  /* every header twice (include guards), all three in one unit (no name clashes), called */
  const char *src =
      "#include \"r.h\"\n#include \"r.h\"\n#include \"r8.h\"\n#include \"r8f.h\"\n"
      "#include \"r8.h\"\n"
      "int main(void) {\n"
      "  float o[REACHER_OBS_DIM] = {1, 1, 0, 0, 0.1f, -0.1f, 0, 0, 0.05f, 0.02f, 0};\n"
      "  float a[REACHER_ACT_DIM], b[REACHER_INT8_ACT_DIM], c[REACHER_INT8F_ACT_DIM];\n"
      "  reacher_act(o, a);\n  reacher_int8_act(o, b);\n  reacher_int8f_act(o, c);\n"
      "  return a[0] == a[0] && b[1] == b[1] && c[0] == c[0] ? 0 : 1;\n}\n";
  write_text(tmp("use.c"), src);
  write_text(tmp("use.cpp"), src);
  const struct {
    const char *cc, *flags, *file;
  } builds[] = {
      {"gcc", "-std=c99 -Wall -Wextra -Wpedantic -Werror", "use.c"},
      {"gcc", "-std=c11 -Wall -Wextra -Wpedantic -Werror", "use.c"},
      {"clang", "-std=c99 -Wall -Wextra -Wpedantic -Werror", "use.c"},
      {"clang", "-std=c11 -Wall -Wextra -Wpedantic -Werror", "use.c"},
      {"g++", "-Wall -Wextra -Werror", "use.cpp"},
      {"clang++", "-Wall -Wextra -Werror", "use.cpp"},
      {"g++", "-std=c++17 -Wall -Wextra -Wpedantic -Werror", "use.cpp"},
  };
  int built = 0;
  for (size_t i = 0; i < sizeof builds / sizeof builds[0]; i++) {
    if (sh("command -v %s > /dev/null", builds[i].cc) != 0) {
      fprintf(stderr, "test_export: %s not installed, skipping that build\n", builds[i].cc);
      continue;
    }
    int rc = sh("cd %s && %s %s -O2 %s -o use -lm && ./use", TMP, builds[i].cc, builds[i].flags,
                builds[i].file);
    ck_assert_msg(rc == 0, "%s %s %s failed", builds[i].cc, builds[i].flags, builds[i].file);
    built++;
  }
  ck_assert(built > 0);
  /* includes nothing beyond <math.h>; no mutable statics */
  char *text = slurp(tmp("r8.h"), NULL);
  ck_assert_ptr_nonnull(text);
  int n_inc = 0;
  for (const char *q = text; (q = strstr(q, "#include")) != NULL; q++) {
    ck_assert_msg(strncmp(q, "#include <math.h>", 17) == 0, "extra include: %.40s", q);
    n_inc++;
  }
  ck_assert_int_eq(n_inc, 1);
  for (const char *q = text; (q = strstr(q, "static ")) != NULL; q++)
    ck_assert_msg(strncmp(q, "static const ", 13) == 0 || strncmp(q, "static inline", 13) == 0,
                  "mutable static: %.40s", q);
  ck_assert(strstr(text, "malloc") == NULL);
  free(text);
}
END_TEST

/* the single-definition form (REACHER_EXTERN everywhere, REACHER_IMPLEMENTATION in one
 * file): two files that call the header share one copy of the weights, act as the default
 * static-inline form does, and a C++17 file can call the C definition */
START_TEST(test_two_files_share_one_copy_of_the_weights) {
  make_tmp();
  if (sh("command -v gcc > /dev/null && command -v size > /dev/null") != 0) {
    fprintf(stderr, "test_export: gcc or size missing, two-file build not checked\n");
    return;
  }
  const char *c = DDPG_SOURCE_DIR "/controllers";
  const char *use = "#include \"reacher_actor.h\"\n"
                    "void use_%s(const float *o, float *a);\n"
                    "void use_%s(const float *o, float *a) { reacher_act(o, a); }\n";
  char text[512];
  snprintf(text, sizeof text, use, "a", "a");
  write_text(tmp("a.c"), text);
  snprintf(text, sizeof text, use, "b", "b");
  write_text(tmp("b.c"), text);
  write_text(tmp("main.c"),
             "#include <stdio.h>\n"
             "void use_a(const float *o, float *a);\nvoid use_b(const float *o, float *a);\n"
             "int main(void) {\n"
             "  float o[11] = {1, 1, 0, 0, 0.1f, -0.1f, 0, 0, 0.05f, 0.02f, 0}, a[2], b[2];\n"
             "  use_a(o, a);\n  use_b(o, b);\n"
             "  printf(\"%.9g %.9g %.9g %.9g\\n\", a[0], a[1], b[0], b[1]);\n  return 0;\n}\n");
  const char *f = "-std=c11 -O2 -Wall -Wextra -Wpedantic -Werror";
  /* the default: each file its own static copy */
  ck_assert_int_eq(sh("cd %s && gcc %s -I%s a.c b.c main.c -o two -lm", TMP, f, c), 0);
  /* one definition */
  ck_assert_int_eq(sh("cd %s && gcc %s -I%s -DREACHER_EXTERN -DREACHER_IMPLEMENTATION -c a.c "
                      "-o a1.o && gcc %s -I%s -DREACHER_EXTERN -c b.c -o b1.o && gcc %s main.c "
                      "a1.o b1.o -o one -lm", TMP, f, c, f, c, f), 0);
  ck_assert_int_eq(sh("cd %s && ./two > two.txt && ./one > one.txt && cmp -s two.txt one.txt",
                      TMP), 0);
  /* text (code and read-only data, as `size` counts it) of both programs */
  ck_assert_int_eq(sh("cd %s && size two one | awk 'NR > 1 {print $1}' > sizes.txt", TMP), 0);
  char *sz = slurp(tmp("sizes.txt"), NULL);
  long two = 0, one = 0;
  ck_assert_int_eq(sscanf(sz, "%ld %ld", &two, &one), 2);
  free(sz);
  fprintf(stderr, "test_export: reacher_actor.h in two files, gcc -O2 text: %ld bytes static "
          "inline, %ld bytes with REACHER_EXTERN / REACHER_IMPLEMENTATION\n", two, one);
  /* one copy of the 277,528 weight bytes (REACHER_WEIGHT_BYTES) fewer, and a little code */
  ck_assert_msg(two - one >= 277528, "text %ld (two copies) vs %ld (one)", two, one);
  ck_assert_msg(two - one < 277528 + 16384, "text %ld (two copies) vs %ld (one)", two, one);
  /* a C++17 caller of the C definition (extern "C" linkage) */
  if (sh("command -v g++ > /dev/null") == 0) {
    ck_assert_int_eq(sh("cd %s && sed 's/^void use_b(const float \\*o, float \\*a);$/extern \"C\" "
                        "void use_b(const float *o, float *a);/' b.c > b.cpp && g++ -std=c++17 "
                        "-O2 -Wall -Wextra -Wpedantic -Werror -I%s -DREACHER_EXTERN -c b.cpp -o "
                        "b2.o && gcc %s main.c a1.o b2.o -o mixed -lm && ./mixed > mixed.txt && "
                        "cmp -s two.txt mixed.txt", TMP, c, f), 0);
  }
}
END_TEST

/* ---- committed files ---------------------------------------------------------------------- */

START_TEST(test_committed_headers_are_current) {
  make_tmp();
  const char *c = DDPG_SOURCE_DIR "/controllers";
  ck_assert_int_eq(sh("%s/regenerate.sh %s --out %s > /dev/null", c, bin(), TMP), 0);
  const char *files[] = {"reacher_actor.h", "reacher_actor_int8.h", "half_cheetah_actor.h",
                         "half_cheetah_actor_int8.h"};
  for (int k = 0; k < 4; k++)
    ck_assert_msg(sh("cmp -s %s/%s %s/%s", TMP, files[k], c, files[k]) == 0,
                  "controllers/%s is stale: run controllers/regenerate.sh", files[k]);
  struct stat st;
  ck_assert_int_eq(stat(REACHER_CKPT, &st), 0);
  ck_assert_msg(st.st_size < 300 * 1024, "%s is %ld bytes", REACHER_CKPT, (long)st.st_size);
}
END_TEST

/* ---- bad input ------------------------------------------------------------------------------ */

/* `ddpg export ARGS` must exit 2 with one line on stderr, nothing on stdout, and leave the
 * header at `keep` (when not NULL) byte for byte as it was */
static void expect_refused(const char *keep, const char *args) {
  const char *sentinel = "/* an existing header that must survive */\n";
  if (keep) write_text(keep, sentinel);
  int rc = sh("%s export %s > %s 2> %s", bin(), args, tmp("out.txt"), tmp("err.txt"));
  ck_assert_msg(rc == 2, "ddpg export %s: exit %d, want 2", args, rc);
  size_t n;
  char *e = slurp(tmp("err.txt"), &n);
  ck_assert_msg(n > 1 && strchr(e, '\n') == e + n - 1, "ddpg export %s: stderr '%s'", args, e);
  free(e);
  char *o = slurp(tmp("out.txt"), &n);
  ck_assert_msg(n == 0, "ddpg export %s printed '%s'", args, o);
  free(o);
  if (keep) {
    char *k = slurp(keep, NULL);
    ck_assert_msg(k && strcmp(k, sentinel) == 0, "ddpg export %s changed %s", args, keep);
    free(k);
  }
}

START_TEST(test_bad_input_exits_2_and_keeps_the_old_header) {
  make_tmp();
  char args[2048];
  char keep[512];
  snprintf(keep, sizeof keep, "%s", tmp("keep.h"));
  /* damaged checkpoints: truncated, a flipped byte, another format version, not one at all */
  size_t n;
  char *ck = slurp(REACHER_CKPT, &n);
  ck_assert_ptr_nonnull(ck);
  char err[ERR_LEN];
  ck_assert_int_eq(write_file_atomic(tmp("trunc.ddpg"), ck, n / 2, err), 0);
  ck[n / 2] ^= 0x40;
  ck_assert_int_eq(write_file_atomic(tmp("flip.ddpg"), ck, n, err), 0);
  ck[n / 2] ^= 0x40;
  ck[8] = 99; /* the u32 version after the 8-byte magic */
  ck_assert_int_eq(write_file_atomic(tmp("version.ddpg"), ck, n, err), 0);
  free(ck);
  write_text(tmp("text.ddpg"), "not a checkpoint\n");
  const char *bad_ckpts[] = {"missing.ddpg", "trunc.ddpg", "flip.ddpg", "version.ddpg",
                             "text.ddpg"};
  for (int i = 0; i < 5; i++) {
    snprintf(args, sizeof args, "--checkpoint %s --out %s", tmp(bad_ckpts[i]), keep);
    expect_refused(keep, args);
    snprintf(args, sizeof args, "--checkpoint %s --out %s --int8", tmp(bad_ckpts[i]), keep);
    expect_refused(keep, args);
  }
  /* bad names */
  const char *bad_names[] = {"9lives", "a-b", "_x", "a__b", "'a b'", "''"};
  for (int i = 0; i < 6; i++) {
    snprintf(args, sizeof args, "--checkpoint %s --out %s --name %s", REACHER_CKPT, keep,
             bad_names[i]);
    expect_refused(keep, args);
  }
  /* unwritable outputs: under a regular file, and a directory in the header's place */
  write_text(tmp("file"), "x\n");
  snprintf(args, sizeof args, "--checkpoint %s --out %s/x.h", REACHER_CKPT, tmp("file"));
  expect_refused(NULL, args);
  ck_assert_int_eq(mkdir(tmp("dir.h"), 0755), 0);
  snprintf(args, sizeof args, "--checkpoint %s --out %s", REACHER_CKPT, tmp("dir.h"));
  expect_refused(NULL, args);
  /* flags */
  expect_refused(NULL, "");
  snprintf(args, sizeof args, "--checkpoint %s", REACHER_CKPT);
  expect_refused(NULL, args);
  snprintf(args, sizeof args, "--checkpoint %s --out %s --int8-act float", REACHER_CKPT, keep);
  expect_refused(keep, args);
  snprintf(args, sizeof args, "--checkpoint %s --out %s --int8 --int8-act int4", REACHER_CKPT,
           keep);
  expect_refused(keep, args);
  snprintf(args, sizeof args, "--checkpoint %s --out %s --bogus", REACHER_CKPT, keep);
  expect_refused(keep, args);
  /* and a good export replaces the old file whole, leaving no temporary behind */
  ck_assert_int_eq(sh("%s export --checkpoint %s --out %s > /dev/null", bin(), REACHER_CKPT,
                      keep), 0);
  char *h = slurp(keep, NULL);
  ck_assert(strncmp(h, "/* ddpg-export format 3", 23) == 0);
  free(h);
  ck_assert_int_eq(sh("ls %s | grep -q '[.]tmp[.]'", TMP), 1);
}
END_TEST

/* ---- the example controller ------------------------------------------------------------------ */

/* the "key": number of a one-line JSON object, as text */
static void json_field(const char *json, const char *key, char *out, size_t n) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\": ", key);
  const char *p = strstr(json, pat);
  ck_assert_msg(p != NULL, "no %s in %s", key, json);
  p += strlen(pat);
  size_t k = strcspn(p, ",}");
  ck_assert(k < n);
  memcpy(out, p, k);
  out[k] = 0;
}

static void policy_fn(void *ctx, const float *obs, float *act) { policy_act(ctx, obs, act); }

static char *controller_json(const char *exe, int episodes, int seed) {
  char dir[512];
  snprintf(dir, sizeof dir, "%s", bin());
  *strrchr(dir, '/') = 0;
  ck_assert_int_eq(sh("%s/%s --episodes %d --seed %d --json > %s", dir, exe, episodes, seed,
                      tmp("ctrl.json")), 0);
  return slurp(tmp("ctrl.json"), NULL);
}

/* the committed controllers reproduce `ddpg eval` of the checkpoint they were exported from:
 * the float header exactly (same return to 10 digits), int8 within `int8_tol` of float over
 * 10 episodes (the acceptance of int8 export) */
static void check_controller(const char *env, const char *ckpt, const char *exe,
                             const char *exe8, double int8_tol) {
  Policy p;
  char err[ERR_LEN], want[64], got[64];
  ck_assert_int_eq(policy_load(&p, ckpt, err), 0);
  EnvModel *m;
  ck_assert_int_eq(env_model_load(&m, env, NULL, err), 0);
  const int seeds[] = {0, 7};
  for (int k = 0; k < 2; k++) {
    /* eval_policy on the checkpoint, as `ddpg eval --checkpoint` runs it */
    EvalResult r;
    ck_assert_int_eq(eval_policy(m, policy_fn, &p, 1, (uint64_t)seeds[k], &r, err), 0);
    snprintf(want, sizeof want, "%.10g", r.mean_return);
    char *j = controller_json(exe, 1, seeds[k]);
    json_field(j, "mean_return", got, sizeof got);
    ck_assert_msg(strcmp(got, want) == 0, "%s seed %d: controller %s, eval %s", env, seeds[k],
                  got, want);
    free(j);
    /* and what the command line's `ddpg eval --checkpoint` prints */
    ck_assert_int_eq(sh("%s eval --checkpoint %s --episodes 1 --seed %d --json > %s", bin(),
                        ckpt, seeds[k], tmp("eval.json")), 0);
    char *e = slurp(tmp("eval.json"), NULL);
    json_field(e, "mean_return", want, sizeof want);
    ck_assert_msg(strcmp(got, want) == 0, "%s seed %d: controller %s, ddpg eval %s", env,
                  seeds[k], got, want);
    free(e);
  }
  char *jf = controller_json(exe, 10, 0);
  char *jq = controller_json(exe8, 10, 0);
  json_field(jf, "mean_return", want, sizeof want);
  json_field(jq, "mean_return", got, sizeof got);
  double rf = atof(want), rq = atof(got);
  ck_assert_msg(fabs(rq - rf) <= int8_tol * fabs(rf), "%s: int8 return %g vs float %g", env, rq,
                rf);
  free(jf);
  free(jq);
  env_model_free(m);
  policy_free(&p);
}

START_TEST(test_example_controller_scores_what_eval_scores) {
  make_tmp();
  check_controller("reacher", CTRL_REACHER_CKPT, "example_controller", "example_controller_int8",
                   0.02);
  check_controller("half_cheetah", CTRL_HALF_CHEETAH_CKPT, "example_controller_half_cheetah",
                   "example_controller_half_cheetah_int8", 0.02);
}
END_TEST

int main(void) {
  Suite *s = suite_create("export");
  TCase *tc = tcase_create("export");
  tcase_set_timeout(tc, 240);
  tcase_add_checked_fixture(tc, NULL, rm_tmp);
  tcase_add_test(tc, test_name_check);
  tcase_add_test(tc, test_float_header_equals_act_on_10000_observations);
  tcase_add_test(tc, test_cheetah_shapes_float_and_int8);
  tcase_add_test(tc, test_batch_norm_actor);
  tcase_add_test(tc, test_headers_compile_as_c99_c11_and_cpp);
  tcase_add_test(tc, test_two_files_share_one_copy_of_the_weights);
  tcase_add_test(tc, test_committed_headers_are_current);
  tcase_add_test(tc, test_bad_input_exits_2_and_keeps_the_old_header);
  tcase_add_test(tc, test_example_controller_scores_what_eval_scores);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
