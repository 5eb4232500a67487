/* mcu_tanhf: firmware for scripts/mcu-check.sh that runs newlib's tanhf over the sweep of
 * mcu_tanhf.h on the microcontroller and compares it with glibc's tanhf and with the
 * correctly rounded tanh (tanhf_ref.h, written on the host by mcu_tanhf_ref.c). Prints
 *
 *   tanhf inputs N differ_glibc D max_ulp_glibc U max_ulp_rounded E
 *
 * which bounds what the actions of a float header may differ from `ddpg act`'s: everything
 * before the output tanh is the same IEEE arithmetic on both sides. Built with the firmware
 * example's startup.c, semihost.c and mps2.ld. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "board.h"
#include "console.h"
#include "mcu_tanhf.h"
#include "tanhf_ref.h"

static uint32_t ulps(uint32_t a, uint32_t b) { return a > b ? a - b : b - a; }

int main(void) {
  uint32_t differ = 0, max_glibc = 0, max_rounded = 0;
  for (uint32_t i = 0; i < TANHF_SWEEP_N; i++) {
    float y = tanhf(tanhf_sweep_input(i));
    uint32_t u;
    memcpy(&u, &y, sizeof u);
    uint32_t dg = ulps(u, tanhf_glibc[i]), dr = ulps(u, tanhf_rounded[i]);
    differ += dg != 0;
    if (dg > max_glibc) max_glibc = dg;
    if (dr > max_rounded) max_rounded = dr;
  }
  static char line[128];
  char *p = put_str(line, "tanhf inputs ");
  p = put_uint(p, TANHF_SWEEP_N);
  p = put_str(p, " differ_glibc ");
  p = put_uint(p, differ);
  p = put_str(p, " max_ulp_glibc ");
  p = put_uint(p, max_glibc);
  p = put_str(p, " max_ulp_rounded ");
  p = put_uint(p, max_rounded);
  p = put_str(p, "\n");
  *p = '\0';
  semihost_write(line);
  return 0;
}
