/* mcu_act: an exported header's actions computed on the host, with `ddpg act`'s input and
 * output (one observation per line on stdin; one line of %.9g actions per observation on
 * stdout, exact for float). scripts/mcu-check.sh uses it as the host reference for int8
 * headers, whose arithmetic `ddpg act` (the float checkpoint) does not perform.
 *
 * build: cc -std=c11 -O2 -Icontrollers -DCONTROLLER_HEADER='"x_actor_int8.h"'
 *          -DCONTROLLER_ID=x_int8 -DCONTROLLER_UID=X_INT8 tools/mcu_act.c -lm */
#include <stdio.h>
#include <stdlib.h>

#include CONTROLLER_HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define POLICY_ACT CAT(CONTROLLER_ID, _act)
#define POLICY_OBS_DIM CAT(CONTROLLER_UID, _OBS_DIM)
#define POLICY_ACT_DIM CAT(CONTROLLER_UID, _ACT_DIM)

int main(void) {
  float obs[POLICY_OBS_DIM], act[POLICY_ACT_DIM];
  long line = 0;
  for (;;) {
    int k = 0;
    for (; k < POLICY_OBS_DIM; k++)
      if (scanf("%f", &obs[k]) != 1) break;
    if (k == 0 && feof(stdin)) return 0;
    line++;
    if (k < POLICY_OBS_DIM) {
      fprintf(stderr, "mcu_act: observation %ld has %d numbers, not %d: give one observation "
              "per line\n", line, k, POLICY_OBS_DIM);
      return 2;
    }
    POLICY_ACT(obs, act);
    for (k = 0; k < POLICY_ACT_DIM; k++)
      printf(k + 1 < POLICY_ACT_DIM ? "%.9g " : "%.9g\n", (double)act[k]);
  }
}
