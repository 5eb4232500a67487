/* mcu_compare: the firmware's actions (scripts/mcu-check.sh) against a host reference,
 * value by value.
 *
 *   mcu_compare REF CONSOLE ACT_DIM
 *
 * REF has one line of ACT_DIM %.9g values per observation (the output of `ddpg act` or
 * mcu_act; %.9g reads back as the same float); CONSOLE is the firmware's semihosting output,
 * whose "step K ticks T stack S act XXXXXXXX ..." lines carry the actions' IEEE bits. Prints
 *
 *   values N differ D max_abs_diff X max_ulp U
 *
 * and exits 0 when both have the same number of actions, 1 when they do not (the firmware
 * stopped early), 2 when a file cannot be read. The check decides what difference fails. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* floats as integers on one line: adjacent floats differ by 1 (the sign folded so that
 * -0 and +0 are both 0), so |key(a) - key(b)| is the distance in ulps */
static int64_t ulp_key(float f) {
  uint32_t u;
  memcpy(&u, &f, sizeof u);
  return (u & 0x80000000u) ? -(int64_t)(u & 0x7fffffffu) : (int64_t)u;
}

int main(int argc, char **argv) {
  if (argc != 4 || atoi(argv[3]) <= 0) {
    fprintf(stderr, "usage: mcu_compare REF CONSOLE ACT_DIM\n");
    return 2;
  }
  const int dim = atoi(argv[3]);
  FILE *ref = fopen(argv[1], "r"), *con = fopen(argv[2], "r");
  if (!ref || !con) {
    fprintf(stderr, "mcu_compare: cannot open %s\n", !ref ? argv[1] : argv[2]);
    return 2;
  }
  long values = 0, differ = 0;
  int64_t max_ulp = 0;
  double max_abs = 0.0;
  char line[1024];
  while (fgets(line, sizeof line, con)) {
    if (strncmp(line, "step ", 5) != 0) continue;
    char *p = strstr(line, " act");
    if (!p) continue;
    p += 4;
    for (int k = 0; k < dim; k++) {
      char *end;
      unsigned long bits = strtoul(p, &end, 16);
      float r;
      if (end == p || fscanf(ref, "%f", &r) != 1) {
        fprintf(stderr, "mcu_compare: %s and %s disagree in length at action %ld\n", argv[1],
                argv[2], values);
        return 1;
      }
      p = end;
      uint32_t u = (uint32_t)bits;
      float f;
      memcpy(&f, &u, sizeof f);
      values++;
      int64_t d = llabs(ulp_key(f) - ulp_key(r));
      if (d != 0) differ++;
      if (d > max_ulp) max_ulp = d;
      if (fabs((double)f - (double)r) > max_abs) max_abs = fabs((double)f - (double)r);
    }
  }
  float extra;
  if (fscanf(ref, "%f", &extra) == 1) {
    fprintf(stderr, "mcu_compare: %s has more actions than the firmware printed (%ld)\n",
            argv[1], values);
    return 1;
  }
  printf("values %ld differ %ld max_abs_diff %.3g max_ulp %lld\n", values, differ, max_abs,
         (long long)max_ulp);
  fclose(ref);
  fclose(con);
  return values > 0 ? 0 : 1;
}
