/* bench_export: nanoseconds per action of one exported header, for scripts/bench-export.sh.
 *
 * Build against a header with  cc -O2 -DHEADER='"x.h"' -DID=x -DUID=X bench_export.c -lm : it calls
 * ID_act REPS times CALLS times, cycling through 1000 fixed pseudo-random observations (so
 * the branch predictor and caches see realistic variety), and prints the median ns per call
 * with the header's weight bytes. One thread, timed by its own CPU clock so that time the
 * scheduler gives to other processes is not counted; pin it with taskset. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define ACT CAT(ID, _act)
#define OBS_DIM CAT(UID, _OBS_DIM)
#define ACT_DIM CAT(UID, _ACT_DIM)
#define WEIGHT_BYTES CAT(UID, _WEIGHT_BYTES)
#define N_OBS 1000
#define REPS 11

static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); /* time on the CPU: other processes' share of a
                                                busy machine does not count */
  return 1e9 * (double)t.tv_sec + (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  static float obs[N_OBS][OBS_DIM];
  float act[ACT_DIM];
  int calls = argc > 1 ? atoi(argv[1]) : 20000;
  unsigned long s = 12345;
  for (int k = 0; k < N_OBS; k++)
    for (int i = 0; i < OBS_DIM; i++) { /* uniform in [-2, 2) from an LCG */
      s = s * 6364136223846793005UL + 1442695040888963407UL;
      obs[k][i] = (float)((double)(s >> 11) / 9007199254740992.0 * 4.0 - 2.0);
    }
  volatile float sink = 0.0f;
  for (int c = 0; c < calls; c++) ACT(obs[c % N_OBS], act); /* warm up */
  double t[REPS];
  for (int r = 0; r < REPS; r++) {
    double t0 = now_ns();
    for (int c = 0; c < calls; c++) {
      ACT(obs[c % N_OBS], act);
      sink += act[0];
    }
    t[r] = (now_ns() - t0) / calls;
  }
  qsort(t, REPS, sizeof t[0], cmp);
  printf("%.0f ns/action (median of %d x %d calls), weights %lu bytes\n", t[REPS / 2], REPS,
         calls, (unsigned long)WEIGHT_BYTES);
  (void)sink;
  return 0;
}
