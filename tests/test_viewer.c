/* test_viewer: `ddpg view` end to end, through the real binary ($DDPG_BIN).
 *
 * Recordings are decoded here with libpng (no python in CI) and must show something: pixel
 * variance above a threshold, consecutive frames different, the requested size, the frame
 * count that the episode and --fps rules give. A scripted windowed run (--frames 20) must
 * exit 0, and bad input must exit 2 with a one-line message. Without $DISPLAY the commands
 * that open a window run under `xvfb-run -a` (Debian package xvfb). The .mp4 path is tested
 * with a stand-in `ffmpeg` script that stores the raw frames, so ffmpeg itself is not needed. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <png.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *bin(void) {
  const char *b = getenv("DDPG_BIN");
  ck_assert_msg(b && *b, "DDPG_BIN must name the ddpg binary (ctest sets it)");
  return b;
}

/* "" with a display, else "xvfb-run -a " (failing clearly when xvfb-run is missing) */
static const char *display(void) {
  const char *d = getenv("DISPLAY");
  if (d && *d) return "";
  ck_assert_msg(system("command -v xvfb-run >/dev/null 2>&1") == 0,
                "xvfb-run not found: the viewer tests need a display; install the Debian "
                "package xvfb (scripts/install-deps.sh)");
  return "xvfb-run -a ";
}

/* run a shell command with stdout and stderr captured into out; returns its exit status */
static int run(char *out, size_t n, const char *fmt, ...) {
  char cmd[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd - 8, fmt, ap);
  va_end(ap);
  strcat(cmd, " 2>&1");
  FILE *p = popen(cmd, "r");
  ck_assert_msg(p != NULL, "popen failed: %s", cmd);
  size_t len = fread(out, 1, n - 1, p);
  out[len] = 0;
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void make_tmpdir(char *dir, size_t n) {
  snprintf(dir, n, "/tmp/ddpg_test_viewer_XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_tree(const char *dir) {
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  ck_assert_int_eq(system(cmd), 0);
}

static int exists(const char *path) {
  struct stat st;
  return stat(path, &st) == 0;
}

/* decode an 8-bit PNG to RGB; NULL when it does not decode */
static unsigned char *read_png(const char *path, int *w, int *h) {
  png_image img;
  memset(&img, 0, sizeof img);
  img.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&img, path)) return NULL;
  img.format = PNG_FORMAT_RGB;
  unsigned char *buf = malloc(PNG_IMAGE_SIZE(img));
  if (!buf || !png_image_finish_read(&img, NULL, buf, 0, NULL)) {
    free(buf);
    png_image_free(&img);
    return NULL;
  }
  *w = (int)img.width;
  *h = (int)img.height;
  return buf;
}

/* variance of the grey level over a rectangle of an RGB image */
static double grey_variance(const unsigned char *rgb, int w, int x0, int y0, int x1, int y1) {
  double s = 0.0, s2 = 0.0;
  long n = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++) {
      const unsigned char *p = rgb + ((size_t)y * w + x) * 3;
      double g = (p[0] + p[1] + p[2]) / 3.0;
      s += g;
      s2 += g * g;
      n++;
    }
  double mean = s / n;
  return s2 / n - mean * mean;
}

static double grey_mean(const unsigned char *rgb, int w, int x0, int y0, int x1, int y1) {
  double s = 0.0;
  long n = 0;
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++, n++) {
      const unsigned char *p = rgb + ((size_t)y * w + x) * 3;
      s += (p[0] + p[1] + p[2]) / 3.0;
    }
  return s / n;
}

static void frame_path(char *buf, size_t n, const char *dir, int k) {
  snprintf(buf, n, "%s/frame_%06d.png", dir, k);
}

/* number of frame files DIR/frame_000000.png, ... */
static int count_frames(const char *dir) {
  char p[4200];
  int k = 0;
  for (;; k++) {
    frame_path(p, sizeof p, dir, k);
    if (!exists(p)) return k;
  }
}

START_TEST(test_record_png_frames) {
  /* 30 frames of a random reacher rollout, into a directory that does not exist yet */
  char tmp[64], dir[256], out[8192];
  make_tmpdir(tmp, sizeof tmp);
  snprintf(dir, sizeof dir, "%s/nested/frames", tmp);
  int rc = run(out, sizeof out,
               "%s'%s' view --env reacher --policy random --seed 1 --frames 30 --width 320 "
               "--height 240 --record '%s'", display(), bin(), dir);
  ck_assert_msg(rc == 0, "record failed (%d): %s", rc, out);
  ck_assert_int_eq(count_frames(dir), 30);
  unsigned char *prev = NULL;
  for (int k = 0; k < 30; k++) {
    char p[512];
    frame_path(p, sizeof p, dir, k);
    int w = 0, h = 0;
    unsigned char *img = read_png(p, &w, &h);
    ck_assert_msg(img != NULL, "%s does not decode as PNG", p);
    ck_assert_int_eq(w, 320);
    ck_assert_int_eq(h, 240);
    double var = grey_variance(img, w, 0, 0, w, h);
    ck_assert_msg(var > 50.0, "%s looks blank (grey variance %.1f)", p, var);
    if (prev) {
      long differ = 0;
      for (size_t i = 0; i < (size_t)w * h * 3; i++) differ += img[i] != prev[i];
      ck_assert_msg(differ > 20, "%s is the same as the frame before (%ld bytes differ)", p,
                    differ);
    }
    free(prev);
    prev = img;
  }
  free(prev);
  remove_tree(tmp);
}
END_TEST

START_TEST(test_record_larger_than_model_offscreen) {
  /* the models' offscreen buffer is 640x480; a bigger frame must be drawn whole */
  char tmp[64], out[8192];
  make_tmpdir(tmp, sizeof tmp);
  int rc = run(out, sizeof out,
               "%s'%s' view --env half_cheetah --policy zero --frames 2 --width 1000 --height 700 "
               "--record '%s'", display(), bin(), tmp);
  ck_assert_msg(rc == 0, "record failed (%d): %s", rc, out);
  char p[512];
  frame_path(p, sizeof p, tmp, 1);
  int w = 0, h = 0;
  unsigned char *img = read_png(p, &w, &h);
  ck_assert_msg(img != NULL, "%s does not decode", p);
  ck_assert_int_eq(w, 1000);
  ck_assert_int_eq(h, 700);
  /* the part beyond 640x480 shows the checkered floor, not black */
  ck_assert_msg(grey_mean(img, w, 700, 520, 1000, 700) > 20.0, "bottom-right corner is black");
  ck_assert_msg(grey_variance(img, w, 700, 520, 1000, 700) > 50.0, "bottom-right corner is flat");
  free(img);
  remove_tree(tmp);
}
END_TEST

START_TEST(test_record_episode_and_fps) {
  /* without --frames a recording is one episode: the reset state and 50 reacher steps */
  char tmp[64], dir[256], out[8192];
  make_tmpdir(tmp, sizeof tmp);
  snprintf(dir, sizeof dir, "%s/ep", tmp);
  int rc = run(out, sizeof out, "%s'%s' view --env reacher --width 64 --height 48 --record '%s'",
               display(), bin(), dir);
  ck_assert_msg(rc == 0, "record failed (%d): %s", rc, out);
  ck_assert_int_eq(count_frames(dir), 51);
  ck_assert_ptr_nonnull(strstr(out, "episode 1: return"));
  /* at 25 frames per simulated second (half of 1/dt = 50), every other step: 26 frames */
  snprintf(dir, sizeof dir, "%s/fps", tmp);
  rc = run(out, sizeof out,
           "%s'%s' view --env reacher --width 64 --height 48 --fps 25 --record '%s'", display(),
           bin(), dir);
  ck_assert_msg(rc == 0, "record failed (%d): %s", rc, out);
  ck_assert_int_eq(count_frames(dir), 26);
  remove_tree(tmp);
}
END_TEST

START_TEST(test_window_scripted_frames) {
  char out[8192];
  int rc = run(out, sizeof out, "%s'%s' view --env reacher --policy random --frames 20",
               display(), bin());
  ck_assert_msg(rc == 0, "windowed --frames 20 failed (%d): %s", rc, out);
}
END_TEST

START_TEST(test_checkpoint_env) {
  /* a tiny reacher checkpoint plays; asking for another robot with it is refused */
  char tmp[64], out[8192];
  make_tmpdir(tmp, sizeof tmp);
  int rc = run(out, sizeof out,
               "'%s' train --env reacher --steps 200 --start-steps 100 --batch 16 --hidden 16 "
               "--eval-every 1000 --eval-episodes 1 --out '%s/run' --quiet", bin(), tmp);
  ck_assert_msg(rc == 0, "training the test checkpoint failed (%d): %s", rc, out);
  rc = run(out, sizeof out,
           "%s'%s' view --checkpoint '%s/run/checkpoint.ddpg' --env reacher --frames 5 --width 64 "
           "--height 48 --record '%s/frames'", display(), bin(), tmp, tmp);
  ck_assert_msg(rc == 0, "record with a checkpoint failed (%d): %s", rc, out);
  char dir[256];
  snprintf(dir, sizeof dir, "%s/frames", tmp);
  ck_assert_int_eq(count_frames(dir), 5);
  rc = run(out, sizeof out, "'%s' view --checkpoint '%s/run/checkpoint.ddpg' --env half_cheetah",
           bin(), tmp);
  ck_assert_int_eq(rc, 2);
  ck_assert_msg(strstr(out, "reacher") && strstr(out, "half_cheetah"),
                "mismatch message should name both robots: %s", out);
  remove_tree(tmp);
}
END_TEST

/* exit status 2 and exactly one line of output */
static void expect_bad(const char *want, const char *fmt, ...) {
  char cmd[4096], out[8192];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(cmd, sizeof cmd, fmt, ap);
  va_end(ap);
  int rc = run(out, sizeof out, "%s", cmd);
  ck_assert_msg(rc == 2, "expected exit 2, got %d: %s -> %s", rc, cmd, out);
  size_t len = strlen(out);
  ck_assert_msg(len > 1 && out[len - 1] == '\n' && strchr(out, '\n') == out + len - 1,
                "expected one line: %s -> %s", cmd, out);
  if (want) ck_assert_msg(strstr(out, want), "expected '%s' in: %s", want, out);
}

START_TEST(test_bad_inputs) {
  char tmp[64], file[256];
  make_tmpdir(tmp, sizeof tmp);
  snprintf(file, sizeof file, "%s/a_file", tmp);
  FILE *f = fopen(file, "w");
  ck_assert_ptr_nonnull(f);
  fclose(f);
  const char *b = bin();
  expect_bad("--checkpoint", "'%s' view", b);
  expect_bad("/nonexistent/x.ddpg", "'%s' view --checkpoint /nonexistent/x.ddpg", b);
  expect_bad("toy", "'%s' view --env toy --policy zero", b);
  expect_bad("no_such_robot", "'%s' view --env no_such_robot", b);
  expect_bad("--frames", "'%s' view --env reacher --frames -3", b);
  expect_bad("--width", "'%s' view --env reacher --width abc", b);
  expect_bad("--fps", "'%s' view --env reacher --fps 0.05 --record '%s/x'", b, tmp);
  expect_bad("--policy", "'%s' view --env reacher --policy clever", b);
  expect_bad("a_file", "'%s' view --env reacher --record '%s/frames'", b, file);
  expect_bad("a_file", "'%s' view --env reacher --record '%s'", b, file);
  expect_bad("ffmpeg not found", "PATH=/nonexistent '%s' view --env reacher --record '%s/v.mp4'",
             b, tmp);
  /* no display at all: suggest xvfb-run */
  expect_bad("xvfb-run -a ddpg view",
             "env -u DISPLAY -u WAYLAND_DISPLAY '%s' view --env reacher --frames 1", b);
  remove_tree(tmp);
}
END_TEST

START_TEST(test_mp4_through_pipe) {
  /* a stand-in ffmpeg stores the raw RGB stream in its last argument; the output name
   * carries a space and a quote to exercise the shell quoting of the pipe command */
  char tmp[64], out[8192], path[256];
  make_tmpdir(tmp, sizeof tmp);
  snprintf(path, sizeof path, "%s/ffmpeg", tmp);
  FILE *f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  fputs("#!/bin/sh\nfor last; do :; done\ncat > \"$last\"\n", f);
  fclose(f);
  ck_assert_int_eq(chmod(path, 0755), 0);
  int rc = run(out, sizeof out,
               "PATH='%s':\"$PATH\" %s'%s' view --env reacher --policy random --frames 5 "
               "--width 64 --height 48 --record \"%s/my 'clip'.mp4\"", tmp, display(), bin(), tmp);
  ck_assert_msg(rc == 0, "mp4 record failed (%d): %s", rc, out);
  snprintf(path, sizeof path, "%s/my 'clip'.mp4", tmp);
  struct stat st;
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_eq((long)st.st_size, 5L * 64 * 48 * 3);
  remove_tree(tmp);
}
END_TEST

int main(void) {
  Suite *s = suite_create("viewer");
  TCase *tc = tcase_create("viewer");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, test_record_png_frames);
  tcase_add_test(tc, test_record_larger_than_model_offscreen);
  tcase_add_test(tc, test_record_episode_and_fps);
  tcase_add_test(tc, test_window_scripted_frames);
  tcase_add_test(tc, test_checkpoint_env);
  tcase_add_test(tc, test_bad_inputs);
  tcase_add_test(tc, test_mp4_through_pipe);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
