/* console: building an output line without printf (newlib's allocates), for the firmware
 * example and the check's tanhf sweep (tools/mcu_tanhf.c). Each call appends at p and
 * returns the new end; the caller sizes the line. */
#ifndef DDPG_MCU_CONSOLE_H
#define DDPG_MCU_CONSOLE_H

#include <stdint.h>

static inline char *put_str(char *p, const char *s) {
  while (*s) *p++ = *s++;
  return p;
}

/* v in decimal */
static inline char *put_uint(char *p, uint32_t v) {
  char tmp[10];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (n) *p++ = tmp[--n];
  return p;
}

#endif
