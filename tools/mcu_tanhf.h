/* mcu_tanhf: the inputs of the tanhf sweep (scripts/mcu-check.sh), shared by the host
 * generator (mcu_tanhf_ref.c) and the firmware (mcu_tanhf.c): TANHF_SWEEP_N positive floats
 * evenly spaced in bit pattern from 2^-12 (0x39800000) to 10 (0x41200000). */
#ifndef MCU_TANHF_H
#define MCU_TANHF_H

#include <stdint.h>
#include <string.h>

#define TANHF_SWEEP_N 65536u
#define TANHF_SWEEP_LO 0x39800000u
#define TANHF_SWEEP_HI 0x41200000u

static inline float tanhf_sweep_input(uint32_t i) {
  uint32_t u = TANHF_SWEEP_LO + (uint32_t)(((uint64_t)(TANHF_SWEEP_HI - TANHF_SWEEP_LO) * i) /
                                           TANHF_SWEEP_N);
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

#endif /* MCU_TANHF_H */
